// pim-bench: pim's side of the benchmark against the peers in /work/shared/bench/peers.
//
//     pim-bench --task parse|kanon5|kanon3|ldiv5|ldiv3|agg|risk|hxl|anonymize|read --csv FILE [--dump FILE]
//     pim-bench --self-test
//
// Prints one JSON line like the peers: tool, task, rows, seconds (CSV load + computation, measured in-process
// with a monotonic clock, process start-up excluded), result_digest (first 16 hex digits of the SHA-256 of
// the canonical result text of peers/common.py), result, load_s, compute_s. --dump writes the canonical text.
// Performance is measured here and by bench/run.sh, never in unit tests.
import Foundation
import PIMTable

#if canImport(Glibc)
    import Glibc
#endif

struct Arguments {
    var task: BenchTask
    var csv: URL
    var dump: String?

    static let usage = "usage: pim-bench --task \(BenchTask.allCases.map(\.rawValue).joined(separator: "|")) --csv FILE [--dump FILE]"

    init(_ args: [String]) throws(BenchError) {
        var task: BenchTask?
        var csv: String?
        var dump: String?
        var i = 0
        while i < args.count {
            let flag = args[i]
            guard i + 1 < args.count else { throw .usage(Self.usage) }
            let value = args[i + 1]
            switch flag {
            case "--task":
                guard let t = BenchTask(rawValue: value) else { throw .usage("unknown task \(value); " + Self.usage) }
                task = t
            case "--csv": csv = value
            case "--dump": dump = value
            default: throw .usage("unknown option \(flag); " + Self.usage)
            }
            i += 2
        }
        guard let task, let csv else { throw .usage(Self.usage) }
        self.task = task
        self.csv = URL(fileURLWithPath: csv)
        self.dump = dump
    }
}

/// One JSON line in the peers' layout (Python's `json.dumps` separators).
func jsonLine(_ pairs: [(String, String)]) -> String {
    "{" + pairs.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
}

func jsonString(_ s: String) -> String {
    var out = "\""
    for ch in s.unicodeScalars {
        switch ch {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        default: if ch.value < 0x20 { out += String(format: "\\u%04x", ch.value) } else { out.unicodeScalars.append(ch) }
        }
    }
    return out + "\""
}

func rounded(_ x: Double, _ places: Double = 4) -> String {
    let p = Foundation.pow(10, places)
    return "\((x * p).rounded() / p)"
}

func json(_ v: JSONScalar) -> String {
    switch v {
    case .int(let n): String(n)
    case .double(let d): rounded(d)
    case .string(let s): jsonString(s)
    }
}

func selfTest() -> Bool {
    let vectors = [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ]
    return vectors.allSatisfy { SHA256Digest.hex(of: $0.0) == $0.1 }
}

func main() -> Int32 {
    // As the pim command does for its batch commands.
    BatchMemory.tuneForBatchWork()
    let argv = Array(CommandLine.arguments.dropFirst())
    if argv == ["--self-test"] {
        let ok = selfTest()
        print(ok ? "sha256 self-test passed" : "sha256 self-test FAILED")
        return ok ? 0 : 1
    }
    do {
        let args = try Arguments(argv)
        let o = try args.task.run(csv: args.csv)
        if let dump = args.dump {
            guard FileManager.default.createFile(atPath: dump, contents: Data(o.canonical.utf8)) else {
                throw BenchError.write(path: dump)
            }
        }
        let digest = BenchTasks.shortDigest(o.canonical)
        let result = "{" + o.result.map { "\"\($0.0)\": \(json($0.1))" }.joined(separator: ", ") + "}"
        print(jsonLine([
            ("tool", jsonString("pim")), ("task", jsonString(args.task.rawValue)), ("rows", String(o.rows)),
            ("seconds", rounded(o.seconds)), ("result_digest", jsonString(digest)), ("result", result),
            ("load_s", rounded(o.loadSeconds)), ("compute_s", rounded(o.computeSeconds)),
            ("comparable", o.comparable ? "true" : "false"),
        ]))
        return 0
    } catch {
        FileHandle.standardError.write(Data("pim-bench: \(error)\n".utf8))
        if let e = error as? BenchError, case .usage = e { return 2 }
        return 1
    }
}

exit(main())
