/// A small, fast, seeded random number generator (SplitMix64), so that random perturbation such as
/// random rounding is reproducible from a recorded seed.
///
/// Not cryptographically secure: the seed must be kept with the unpublished data, because knowing it
/// lets anyone repeat the rounding decisions.
///
///     var g = SeededGenerator(seed: 42)
///     let x = Int.random(in: 0..<10, using: &g)   // the same every run
public struct SeededGenerator: RandomNumberGenerator, Sendable, Hashable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniformly distributed double in [0, 1) with 53 random bits.
    public mutating func nextUnitInterval() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}
