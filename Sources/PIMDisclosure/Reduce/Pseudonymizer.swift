import PIMTable

/// Replaces an identifier with a pseudonym, the same pseudonym every time for the same identifier.
///
/// PIMDisclosure does not depend on cryptography; the keyed HMAC-SHA-256 implementation lives in PIMCore.
/// Implementations must be deterministic (same id, same pseudonym) so that records of one person or
/// household stay linked after pseudonymisation, and should not be invertible without the key.
public protocol Pseudonymizer: Sendable {
    /// The pseudonym for `id`.
    func pseudonym(for id: String) -> String
}

/// Pseudonymisation of identifier columns.
public enum Pseudonymization {
    /// Replaces every value of `column` by its pseudonym; nulls stay null.
    ///
    /// Text columns are dictionary-encoded, so the pseudonymizer is called once per distinct value.
    /// Integer columns become text columns of pseudonyms (the pseudonymizer sees the decimal digits).
    /// If two ids map to the same pseudonym, the result has one category for both.
    /// - Throws: ``ReductionError/disclosure(_:)`` for an unknown column,
    ///   ``ReductionError/unsupportedColumnType(column:found:expected:)`` for decimal, date or boolean columns.
    public static func apply(
        _ pseudonymizer: some Pseudonymizer, column name: String, in table: Table
    ) throws(ReductionError) -> Table {
        let column = try table.reductionColumn(name)
        let data: ColumnData
        switch column.data {
        case .text(let codes, let dictionary):
            data = remap(codes: codes, dictionary: dictionary.map { pseudonymizer.pseudonym(for: $0) })
        case .integer(let values, let nulls):
            var index: [Int64: Int32] = [:]
            var dictionary: [String] = []
            var codes = [Int32](repeating: -1, count: values.count)
            for i in values.indices where !nulls.isNull(i) {
                if let c = index[values[i]] {
                    codes[i] = c
                } else {
                    let c = Int32(dictionary.count)
                    index[values[i]] = c
                    dictionary.append(pseudonymizer.pseudonym(for: String(values[i])))
                    codes[i] = c
                }
            }
            data = remap(codes: codes, dictionary: dictionary)
        default:
            throw .unsupportedColumnType(column: name, found: column.type, expected: [.text, .integer])
        }
        return table.replacing(Column(name: name, tag: column.tag, data: data))
    }

    /// Re-encodes `codes` against a dictionary that may contain duplicates, so the result's dictionary is distinct.
    static func remap(codes: [Int32], dictionary: [String]) -> ColumnData {
        var seen: [String: Int32] = [:]
        var newDictionary: [String] = []
        var map = [Int32](repeating: -1, count: dictionary.count)
        for (i, s) in dictionary.enumerated() {
            if let c = seen[s] {
                map[i] = c
            } else {
                let c = Int32(newDictionary.count)
                seen[s] = c
                newDictionary.append(s)
                map[i] = c
            }
        }
        var out = codes
        out.withUnsafeMutableBufferPointer { o in
            map.withUnsafeBufferPointer { m in
                for i in 0..<o.count where o[i] >= 0 { o[i] = m[Int(o[i])] }
            }
        }
        return .text(codes: out, dictionary: newDictionary)
    }
}
