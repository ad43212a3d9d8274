import Foundation
import PIMDisclosure
import PIMTable

/// The computations behind ``BenchTask``, each on a loaded table, each returning the peers' canonical text.
enum BenchTasks {
    typealias Outcome = BenchTask.Outcome

    private static func outcome(rows: Int, _ canonical: String, _ result: [(String, JSONScalar)], comparable: Bool = true) -> Outcome {
        Outcome(rows: rows, canonical: canonical, result: result, loadSeconds: 0, computeSeconds: 0, seconds: 0, comparable: comparable)
    }

    // MARK: - parse

    /// `canon_parse`: rows, columns, sum(age), sum(household_size), distinct adm2, non-empty notes and
    /// their length in Unicode code points (Python's `len`).
    static func parse(_ table: Table) throws(BenchError) -> Outcome {
        let age = try integers(table, "age")
        let householdSize = try integers(table, "household_size")
        let (adm2Codes, adm2Dictionary) = try text(table, "adm2_code")
        var adm2Used = [Bool](repeating: false, count: adm2Dictionary.count)
        for c in adm2Codes where c >= 0 { adm2Used[Int(c)] = true }
        let (noteCodes, noteDictionary) = try text(table, "notes")
        let noteLengths = noteDictionary.map { $0.unicodeScalars.count }
        var nonEmpty = 0
        var chars = 0
        for c in noteCodes where c >= 0 {
            let n = noteLengths[Int(c)]
            if n > 0 {
                nonEmpty += 1
                chars += n
            }
        }
        let ageSum = age.reduce(0, &+)
        let text = "task=parse;rows=\(table.rowCount);cols=\(table.columns.count);age_sum=\(ageSum);"
            + "household_size_sum=\(householdSize.reduce(0, &+));adm2_distinct=\(adm2Used.filter { $0 }.count);"
            + "notes_nonempty=\(nonEmpty);notes_chars=\(chars)\n"
        return outcome(rows: table.rowCount, text, [("rows", .int(table.rowCount)), ("age_sum", .int(Int(ageSum))), ("notes_chars", .int(chars))])
    }

    // MARK: - k-anonymity and l-diversity

    /// `canon_kanon`: the class-size histogram on the keys.
    static func kAnonymity(_ table: Table, qi: [String]) throws -> Outcome {
        let report = try RiskAnalysis.analyze(table, spec: RiskSpec(keys: qi))
        func lt(_ k: Int) -> Int { report.kAnonymity.first { $0.k == k }?.violatingRecords ?? 0 }
        return outcome(rows: report.recordCount, PeerDigest.kAnonymityText(report), [
            ("classes", .int(report.classCount)), ("min_k", .int(report.smallestClassSize)),
            ("records_lt2", .int(lt(2))), ("records_lt3", .int(lt(3))), ("records_lt5", .int(lt(5))),
            // pycanon only computes min k: its digest is over this text
            ("min_k_digest", .string(shortDigest("task=kanon-min;qi=\(qi.joined(separator: ","));min_k=\(report.smallestClassSize)\n"))),
        ])
    }

    /// `canon_ldiv`: distinct l-diversity of specific_needs per class.
    static func lDiversity(_ table: Table, qi: [String]) throws -> Outcome {
        let report = try RiskAnalysis.analyze(table, spec: RiskSpec(keys: qi, sensitive: [BenchTask.sensitive]))
        guard let text = PeerDigest.lDiversityText(report, sensitive: BenchTask.sensitive),
              let l = report.lDiversity.first
        else { throw BenchError.compute("l-diversity was not measured") }
        return outcome(rows: report.recordCount, text, [
            ("classes", .int(report.classCount)), ("min_l", .int(l.minimumDistinctL)),
            ("classes_l1", .int(l.distinctHistogram.first { $0.l == 1 }?.classes ?? 0)),
            ("min_l_digest", .string(shortDigest("task=ldiv-min;qi=\(qi.joined(separator: ","));min_l=\(l.minimumDistinctL)\n"))),
        ])
    }

    /// The table with `age` recoded to the protection bands and renamed `age_band` (QI3).
    static func withAgeBand(_ table: Table) throws -> Table {
        try renaming(Recoding.apply(.ageBands(column: "age"), to: table).table, ["age": "age_band"])
    }

    // MARK: - risk

    /// `canon_risk`: sdcMicro individual and household risk with the weight derived per adm2 stratum
    /// (`common.weight_of_adm2`: 20 + (int(code[2:]) × 37) mod 181).
    static func risk(_ table: Table) throws -> Outcome {
        let (codes, dictionary) = try text(table, "adm2_code")
        var weightOfCode: [Int64] = []
        weightOfCode.reserveCapacity(dictionary.count)
        for code in dictionary {
            guard let stratum = Int64(code.dropFirst(2)) else { throw BenchError.unexpectedType(column: "adm2_code") }
            weightOfCode.append(20 + (stratum * 37) % 181)
        }
        var weights = [Int64](repeating: 0, count: codes.count)
        var nulls = NullMask()
        for i in codes.indices {
            let c = Int(codes[i])
            if c >= 0 { weights[i] = weightOfCode[c] } else { nulls.setNull(i) }
        }
        var weighted = table
        try weighted.setColumn(Column(name: "w", data: .integer(values: weights, nulls: nulls)))
        let report = try RiskAnalysis.analyze(
            weighted, spec: RiskSpec(keys: BenchTask.qi5, weight: "w", household: "household_id"))
        guard let text = PeerDigest.riskText(report, weightsLabel: "adm2"), let household = report.householdRisk else {
            throw BenchError.compute("the household risk was not measured")
        }
        return outcome(rows: report.recordCount, text, [
            ("classes", .int(report.classCount)),
            ("ER", .double(report.individualRisk.expectedReidentifications)),
            ("hier_ER", .double(household.expectedReidentifications)),
        ])
    }

    // MARK: - aggregate

    /// `canon_agg`: counts by adm1 × sex × age band × month, cells below 5 suppressed.
    static func aggregate(_ table: Table) throws -> Outcome {
        var t = try Recoding.apply(.ageBands(column: "age"), to: table).table
        t = try Recoding.apply(.datePeriod(column: "date", period: .month), to: t).table
        t = try renaming(t, ["age": "age_band", "date": "month"])
        let agg = try Aggregation.aggregate(t, by: ["adm1_code", "sex", "age_band", "month"], rule: .suppress(minCell: 5))
        let published = agg.cells.filter { $0.count >= 5 }
        return outcome(rows: t.rowCount, PeerDigest.aggregateText(agg, threshold: 5), [
            ("cells", .int(agg.cells.count)), ("published", .int(published.count)),
            ("suppressed_cells", .int(agg.cells.count - published.count)),
            ("total", .int(agg.cells.reduce(0) { $0 + $1.count })),
        ])
    }

    // MARK: - HXL filter

    /// `canon_hxl`: rows with `#sex` = f and `#age` < 18, counted by `#adm1`, columns found by HXL tag pattern
    /// (the first column matching each, as libhxl does).
    static func hxlFilter(_ table: Table) throws(BenchError) -> Outcome {
        func column(_ pattern: String) throws(BenchError) -> Column {
            guard let p = HXLTagPattern(parse: pattern), let c = table.firstColumn(matching: p) else {
                throw .missingColumn(pattern)
            }
            return c
        }
        let sex = try column("#sex")
        let age = try column("#age")
        let adm1 = try column("#adm1")
        guard case .text(let sexCodes, let sexDictionary) = sex.data,
              case .text(let adm1Codes, let adm1Dictionary) = adm1.data
        else { throw .unexpectedType(column: sex.name) }
        // libhxl compares normalised text: case-insensitive, surrounding whitespace ignored.
        let isFemale = sexDictionary.map { $0.trimmingCharacters(in: .whitespaces).lowercased() == "f" }
        let under18: (Int) -> Bool
        switch age.data {
        case .integer(let v, let nulls): under18 = { !nulls.isNull($0) && v[$0] < 18 }
        case .decimal(let v, let nulls): under18 = { !nulls.isNull($0) && v[$0] < 18 }
        case .text(let codes, let dictionary):
            let young = dictionary.map { Double($0.trimmingCharacters(in: .whitespaces)).map { $0 < 18 } ?? false }
            under18 = { codes[$0] >= 0 && young[Int(codes[$0])] }
        default: throw .unexpectedType(column: age.name)
        }
        var counts = [Int](repeating: 0, count: adm1Dictionary.count + 1)
        for i in 0..<table.rowCount {
            let s = sexCodes[i]
            guard s >= 0, isFemale[Int(s)], under18(i) else { continue }
            let a = adm1Codes[i]
            counts[a >= 0 ? Int(a) : adm1Dictionary.count] += 1
        }
        var rows: [(String, Int)] = []
        for j in counts.indices where counts[j] > 0 { rows.append((j < adm1Dictionary.count ? adm1Dictionary[j] : "", counts[j])) }
        rows.sort { a, b in a.0 != b.0 ? a.0.utf8.lexicographicallyPrecedes(b.0.utf8) : a.1 < b.1 }
        let total = rows.reduce(0) { $0 + $1.1 }
        let text = "task=hxl;filter=#sex=f&#age<18;group=#adm1;groups=\(rows.count);total=\(total)\n"
            + rows.map { "\($0.0),\($0.1)" }.joined(separator: "\n") + "\n"
        return outcome(rows: table.rowCount, text, [("groups", .int(rows.count)), ("total", .int(total))])
    }

    // MARK: - anonymize

    /// pim's k-anonymisation (k = 5 on QI5): age to bands, adm2 to adm1 (P-code prefix), then local
    /// suppression; the result is measured again (min fk). Not comparable with anjana (another algorithm,
    /// other keys), so the canonical text is pim's own.
    static func anonymize(_ table: Table) throws -> Outcome {
        let keys = BenchTask.qi5
        let plan = AnonymizationPlan(
            drop: ["record_id"],
            recodes: [.ageBands(column: "age"), .location(column: "adm2_code", hierarchy: .prefix(length: 4))],
            keys: keys, k: 5, importance: keys)
        let r = try Anonymizer.apply(plan, to: table)
        let after = try KeyFrequencies(table: r.table, keys: keys, missingMatchesAny: true)
        let minK = Int(after.fkOfClass.min() ?? 0)
        let suppressed = r.suppressedPerVariable.map { "\($0.key):\($0.count)" }.joined(separator: ",")
        let total = r.suppressedPerVariable.reduce(0) { $0 + $1.count }
        let text = "task=anonymize-pim;k=5;qi=\(keys.joined(separator: ","));recodes=age:bands,adm2_code:adm1;"
            + "suppressed=\(suppressed);rows_out=\(r.table.rowCount);min_k=\(minK)\n"
        return outcome(rows: table.rowCount, text, [
            ("k", .int(5)), ("suppressed_values", .int(total)), ("rows_out", .int(r.table.rowCount)),
            ("classes_after", .int(after.classCount)), ("min_k_after", .int(minK)),
        ], comparable: false)
    }

    // MARK: - helpers

    /// The peers' `digest`: the first 16 hex digits of the SHA-256 of `text`.
    static func shortDigest(_ text: String) -> String { String(SHA256Digest.hex(of: text).prefix(16)) }

    private static func integers(_ table: Table, _ name: String) throws(BenchError) -> [Int64] {
        guard let c = table[name] else { throw .missingColumn(name) }
        guard case .integer(let v, _) = c.data else { throw .unexpectedType(column: name) }
        return v
    }

    private static func text(_ table: Table, _ name: String) throws(BenchError) -> ([Int32], [String]) {
        guard let c = table[name] else { throw .missingColumn(name) }
        guard case .text(let codes, let dictionary) = c.data else { throw .unexpectedType(column: name) }
        return (codes, dictionary)
    }

    private static func renaming(_ table: Table, _ names: [String: String]) throws -> Table {
        try Table(columns: table.columns.map { c in
            var c = c
            if let n = names[c.name] { c.name = n }
            return c
        })
    }
}
