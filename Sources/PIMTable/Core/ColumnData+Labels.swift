extension ColumnData {
    /// A text column from per-row optional labels (`nil` is null), dictionary-encoded in order of first appearance.
    public static func textFromLabels(count: Int, label: (Int) -> String?) -> ColumnData {
        var index: [String: Int32] = [:]
        var dictionary: [String] = []
        var codes = [Int32](repeating: -1, count: count)
        for i in 0..<count {
            guard let s = label(i) else { continue }
            if let c = index[s] {
                codes[i] = c
            } else {
                let c = Int32(dictionary.count)
                index[s] = c
                dictionary.append(s)
                codes[i] = c
            }
        }
        return .text(codes: codes, dictionary: dictionary)
    }
}
