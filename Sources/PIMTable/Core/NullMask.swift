/// A bitset marking which rows of a column are null.
///
/// An empty mask (no words) means "no nulls"; columns without nulls pay nothing.
public struct NullMask: Sendable, Hashable {
    public private(set) var words: [UInt64]
    public private(set) var nullCount: Int

    public init() {
        words = []
        nullCount = 0
    }

    /// Whether `row` is null.
    @inlinable public func isNull(_ row: Int) -> Bool {
        let w = row >> 6
        return w < words.count && (words[w] >> UInt64(row & 63)) & 1 == 1
    }

    /// Marks `row` as null. Rows may be marked in any order.
    public mutating func setNull(_ row: Int) {
        let w = row >> 6
        if w >= words.count { words.append(contentsOf: repeatElement(0, count: w - words.count + 1)) }
        let bit = UInt64(1) << UInt64(row & 63)
        if words[w] & bit == 0 {
            words[w] |= bit
            nullCount += 1
        }
    }

    public var hasNulls: Bool { nullCount > 0 }

    /// Marks as null the rows `offset + r` for every null row `r` of `other`.
    mutating func setNulls(of other: NullMask, at offset: Int) {
        for (w, word) in other.words.enumerated() where word != 0 {
            var bits = word
            while bits != 0 {
                setNull(offset + w << 6 + bits.trailingZeroBitCount)
                bits &= bits &- 1
            }
        }
    }

    /// Keeps only the given rows, in the given order.
    public func selecting(_ rows: [Int]) -> NullMask {
        guard hasNulls else { return NullMask() }
        var out = NullMask()
        for (i, r) in rows.enumerated() where isNull(r) { out.setNull(i) }
        return out
    }
}
