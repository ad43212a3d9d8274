import PIMTable

/// Small synthetic tables for the risk tests (no real people's data).
enum RiskFixtures {
    static func integers(_ name: String, _ values: [Int?]) -> Column {
        var nulls = NullMask()
        for (i, v) in values.enumerated() where v == nil { nulls.setNull(i) }
        return Column(name: name, data: .integer(values: values.map { Int64($0 ?? 0) }, nulls: nulls))
    }

    static func decimals(_ name: String, _ values: [Double?]) -> Column {
        var nulls = NullMask()
        for (i, v) in values.enumerated() where v == nil { nulls.setNull(i) }
        return Column(name: name, data: .decimal(values: values.map { $0 ?? 0 }, nulls: nulls))
    }

    static func texts(_ name: String, _ values: [String?]) -> Column {
        var dictionary: [String] = []
        var index: [String: Int32] = [:]
        let codes: [Int32] = values.map { v in
            guard let v else { return -1 }
            if let c = index[v] { return c }
            index[v] = Int32(dictionary.count)
            dictionary.append(v)
            return Int32(dictionary.count - 1)
        }
        return Column(name: name, data: .text(codes: codes, dictionary: dictionary))
    }

    /// sdcMicro's `francdat` key variables and weight (Capobianchi, Polettini and Lucarelli's example).
    /// With `missing`, the NAs of sdcMicro's freqCalc example: x[3,5], x[4,2], x[4,4], x[5,6], x[6,2]
    /// (rows 3, 4, 4, 5, 6 of Key3, Key1, Key2, Key4, Key1).
    static func francdat(missing: Bool = false) throws -> Table {
        var key1: [Int?] = [1, 1, 1, 3, 4, 4, 6, 1]
        var key2: [Int?] = [2, 2, 2, 3, 3, 3, 2, 2]
        var key3: [Int?] = [5, 1, 1, 1, 1, 1, 1, 5]
        var key4: [Int?] = [1, 1, 1, 5, 4, 1, 5, 1]
        if missing {
            key3[2] = nil
            key1[3] = nil
            key2[3] = nil
            key4[4] = nil
            key1[5] = nil
        }
        return try Table(columns: [
            integers("Key1", key1), integers("Key2", key2), integers("Key3", key3), integers("Key4", key4),
            decimals("w", [18, 45.5, 39, 17, 541, 8, 5, 8]),
        ])
    }

    /// The weighted example of sdcMicro's tests/testthat/test_indivRisk.R (keys A, B, C; weight).
    static func sdcMicroIndivRiskExample(missing: Bool = false) throws -> Table {
        var a: [Int?] = [2, 3, 2, 2, 3, 3, 1, 2]
        let b: [Int?] = [3, 3, 3, 3, 3, 3, 4, 3]
        var c: [Int?] = [1, 3, 1, 2, 1, 1, 1, 1]
        if missing {
            a[7] = nil
            c[2] = nil
            c[6] = nil
        }
        return try Table(columns: [
            integers("A", a), integers("B", b), integers("C", c),
            decimals("weight", [18.0, 45.5, 39.0, 17.0, 92.0, 8.0, 123.5, 51]),
        ])
    }
}
