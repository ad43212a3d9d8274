/// Age bands for generalising ages: closed intervals `lower...upper`, the last one may be open-ended.
///
/// The default, ``protection``, is the bands used in protection reporting and by the benchmark peers:
/// `00-04`, `05-11`, `12-17`, `18-59`, `60+`. Labels of the default sort lexicographically in band order.
public struct AgeBands: Sendable, Hashable, Codable {
    /// One band: ages `lower...upper` (or `lower...` when `upper` is nil) become `label`.
    public struct Band: Sendable, Hashable, Codable {
        public var lower: Int
        public var upper: Int?
        public var label: String

        public init(lower: Int, upper: Int?, label: String) {
            self.lower = lower
            self.upper = upper
            self.label = label
        }
    }

    public var bands: [Band]

    /// Bands from explicit bounds and labels. Use ``validated()`` (the recoder does) to check them.
    public init(bands: [Band]) { self.bands = bands }

    /// Bands starting at each of `lowerBounds` (ascending), the last open-ended, labelled like the peers:
    /// two-digit zero-padded `"05-11"` and `"60+"`.
    ///
    ///     AgeBands(lowerBounds: [0, 5, 12, 18, 60]) == .protection
    public init(lowerBounds: [Int]) {
        var out: [Band] = []
        for (i, lo) in lowerBounds.enumerated() {
            if i + 1 < lowerBounds.count {
                let hi = lowerBounds[i + 1] - 1
                out.append(Band(lower: lo, upper: hi, label: Self.pad(lo) + "-" + Self.pad(hi)))
            } else {
                out.append(Band(lower: lo, upper: nil, label: Self.pad(lo) + "+"))
            }
        }
        bands = out
    }

    /// 0–4, 5–11, 12–17, 18–59, 60+ labelled `00-04`, `05-11`, `12-17`, `18-59`, `60+`.
    public static let protection = AgeBands(lowerBounds: [0, 5, 12, 18, 60])

    /// The label of `age`, or nil when no band covers it (negative ages with the default bands).
    public func label(for age: Int64) -> String? {
        for b in bands where age >= Int64(b.lower) && (b.upper.map { age <= Int64($0) } ?? true) { return b.label }
        return nil
    }

    /// Checks that bands are non-empty, ascending and non-overlapping, and that only the last is open-ended.
    public func validated() throws(ReductionError) -> AgeBands {
        guard !bands.isEmpty else { throw .invalidAgeBands("no bands were given") }
        for (i, b) in bands.enumerated() {
            if let u = b.upper, u < b.lower { throw .invalidAgeBands("band \(i + 1) ends before it starts") }
            if b.upper == nil && i != bands.count - 1 { throw .invalidAgeBands("only the last band may be open-ended") }
            if i > 0, let prevUpper = bands[i - 1].upper, b.lower <= prevUpper {
                throw .invalidAgeBands("band \(i + 1) overlaps band \(i) or is out of order")
            }
        }
        return self
    }

    private static func pad(_ n: Int) -> String { n >= 0 && n < 10 ? "0\(n)" : String(n) }
}
