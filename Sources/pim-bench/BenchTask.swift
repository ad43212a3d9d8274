import Foundation
import PIMDisclosure
import PIMTable

/// The benchmark tasks of `/work/shared/bench/peers` (see its README), run with pim's own modules.
///
/// Each task reads the CSV with ``CSVReader``, building only the columns the task needs (as the peers do with
/// `usecols`/`columns=`; every row is still tokenised and checked), computes its result and returns the peers' canonical text (`common.py`'s `canon_*`), so that the
/// digests can be compared. The timed region is the CSV load plus the computation, as for the peers; for
/// `parse` it is the load only (the peers compute the parse digest after their timer stops, and so does this).
enum BenchTask: String, CaseIterable, Sendable {
    case parse, kanon5, kanon3, ldiv5, ldiv3, agg, risk, hxl, anonymize
    /// Any CSV read whole (no peer does this task; for profiling the reader on other files).
    case read

    /// QI5 of the peers.
    static let qi5 = ["adm2_code", "sex", "age", "nationality", "legal_status"]
    /// QI3 of the peers (age_band is age recoded to the protection bands).
    static let qi3 = ["adm1_code", "sex", "age_band"]
    static let sensitive = "specific_needs"

    /// What a run produced: the canonical text, a few figures for the JSON line, and the timings.
    struct Outcome {
        var rows: Int
        var canonical: String
        /// Extra figures, printed as the JSON line's `result` object in this order.
        var result: [(String, JSONScalar)]
        var loadSeconds: Double
        var computeSeconds: Double
        /// Seconds of the timed region (load + computation, or load only for `parse`).
        var seconds: Double
        /// Whether the canonical text is the peers' (false for `anonymize`, whose algorithm differs from anjana's).
        var comparable: Bool = true
    }

    /// The columns the task reads: the same as the peer scripts' `usecols` / `columns=`.
    var columns: Set<String>? {
        switch self {
        case .parse, .anonymize, .read: nil
        case .kanon5: Set(Self.qi5)
        case .kanon3, .hxl: ["adm1_code", "sex", "age"]
        case .ldiv5: Set(Self.qi5 + [Self.sensitive])
        case .ldiv3: ["adm1_code", "sex", "age", Self.sensitive]
        case .agg: ["adm1_code", "sex", "age", "date"]
        case .risk: Set(Self.qi5 + ["household_id"])
        }
    }

    /// Runs the task on `url`.
    func run(csv url: URL) throws(BenchError) -> Outcome {
        let clock = ContinuousClock()
        let start = clock.now
        let table = try Self.load(url, columns: columns)
        let loaded = clock.now
        var outcome = try compute(table)
        let done = clock.now
        outcome.loadSeconds = (loaded - start).seconds
        outcome.computeSeconds = (done - loaded).seconds
        outcome.seconds = self == .parse || self == .read ? outcome.loadSeconds : (done - start).seconds
        return outcome
    }

    static func load(_ url: URL, columns: Set<String>? = nil) throws(BenchError) -> Table {
        do {
            return try CSVReader.read(contentsOf: url, options: CSVReadOptions(columns: columns)).table
        } catch {
            throw .read(error.description)
        }
    }

    private func compute(_ table: Table) throws(BenchError) -> Outcome {
        do {
            switch self {
            case .parse: return try BenchTasks.parse(table)
            case .kanon5: return try BenchTasks.kAnonymity(table, qi: Self.qi5)
            case .kanon3: return try BenchTasks.kAnonymity(try BenchTasks.withAgeBand(table), qi: Self.qi3)
            case .ldiv5: return try BenchTasks.lDiversity(table, qi: Self.qi5)
            case .ldiv3: return try BenchTasks.lDiversity(try BenchTasks.withAgeBand(table), qi: Self.qi3)
            case .agg: return try BenchTasks.aggregate(table)
            case .risk: return try BenchTasks.risk(table)
            case .hxl: return try BenchTasks.hxlFilter(table)
            case .anonymize: return try BenchTasks.anonymize(table)
            case .read:
                let text = "task=read;rows=\(table.rowCount);cols=\(table.columns.count)\n"
                return Outcome(rows: table.rowCount, canonical: text, result: [("rows", .int(table.rowCount))], loadSeconds: 0, computeSeconds: 0, seconds: 0, comparable: false)
            }
        } catch let e as BenchError {
            throw e
        } catch {
            throw .compute("\(error)")
        }
    }
}

/// A failure of the benchmark driver.
enum BenchError: Error, Sendable, CustomStringConvertible {
    case usage(String)
    case read(String)
    case compute(String)
    case missingColumn(String)
    case unexpectedType(column: String)
    case write(path: String)

    var description: String {
        switch self {
        case .usage(let s): s
        case .read(let s): "The CSV file could not be read: \(s)"
        case .compute(let s): "The computation failed: \(s)"
        case .missingColumn(let c): "The benchmark file has no column \"\(c)\"."
        case .unexpectedType(let c): "Column \"\(c)\" does not have the type the benchmark expects."
        case .write(let p): "Could not write \(p)."
        }
    }
}

/// A value of the JSON line's `result` object.
enum JSONScalar {
    case int(Int)
    case double(Double)
    case string(String)
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) * 1e-18
    }
}
