import PIMTable

/// Reads CSV text given in code, named `data.csv`.
func readCSV(_ text: String, options: CSVReadOptions = .init()) throws(TableReadError) -> ReadResult {
    try CSVReader.read(bytes: Array(text.utf8), fileName: "data.csv", options: options)
}

/// The read error for CSV text, or nil when it reads.
func readError(_ text: String, options: CSVReadOptions = .init()) -> TableReadError? {
    readError(bytes: Array(text.utf8), options: options)
}

func readError(bytes: [UInt8], options: CSVReadOptions = .init()) -> TableReadError? {
    do {
        _ = try CSVReader.read(bytes: bytes, fileName: "data.csv", options: options)
        return nil
    } catch {
        return error
    }
}

extension Table {
    /// The column's values as `Value`s, for comparisons in tests.
    func values(_ name: String) -> [Value] {
        guard let c = self[name] else { return [] }
        return (0..<rowCount).map { c[$0] }
    }
}

/// A small deterministic generator (SplitMix64) so property tests can build structured inputs from one seed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
