/// A hash map from byte strings to dense codes (0, 1, 2, … in order of first appearance), used to
/// dictionary-encode text columns without creating a `String` per cell.
///
/// Open addressing with linear probing; keys live back to back in one byte arena. The hash is seeded
/// per dictionary so crafted input cannot force collisions, but the codes depend only on input order.
struct ByteDictionary {
    private var arena: [UInt8] = []
    private var offsets: [Int] = [0]
    private var hashes: [UInt64] = []
    /// 0 for empty, else the hash's high 32 bits and `code + 1` in the low 32 bits, so most probes
    /// that do not match are rejected without touching the arena.
    private var slots: [UInt64]
    private var mask: Int
    private let seed: UInt64
    private var lastCode: Int32 = -1

    init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: 0, count: size)
        mask = size - 1
        seed = UInt64.random(in: 0...UInt64.max) | 1
    }

    var count: Int { hashes.count }

    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int, seed: UInt64) -> UInt64 {
        var h = seed ^ (UInt64(truncatingIfNeeded: n) &* 0x9E37_79B9_7F4A_7C15)
        let raw = UnsafeRawPointer(p)
        var i = 0
        while i + 8 <= n {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ w) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            i += 8
        }
        if i < n {
            var w: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                w |= UInt64(p[i]) << shift
                shift += 8
                i += 1
            }
            h = (h ^ w) &* 0x94D0_49BB_1331_11EB
            h ^= h >> 29
        }
        h = (h ^ (h >> 32)) &* 0xD6E8_FEB8_6659_FD93
        return h ^ (h >> 32)
    }

    /// Makes room for `expected` entries without further growth.
    mutating func reserve(_ expected: Int) {
        while slots.count < expected * 2 { grow() }
    }

    /// Touches the slots for a batch of keys before they are looked up, so that the cache misses of
    /// a high-cardinality column overlap instead of happening one after another.
    private var sink: UInt64 = 0

    /// Codes for a batch of cells (`lengths[k] == 0` means null, code -1).
    ///
    /// The lookups run in phases (all slots, then the candidate entries' offsets, then their bytes) so
    /// that the cache misses of a large dictionary overlap instead of happening one after another.
    mutating func codes(
        _ pointers: UnsafePointer<UnsafePointer<UInt8>>, _ lengths: UnsafePointer<Int>, count: Int,
        hashes scratch: UnsafeMutablePointer<UInt64>, into out: UnsafeMutablePointer<Int32>
    ) {
        var touched: UInt64 = 0
        for k in 0..<count {
            let h = Self.hash(pointers[k], lengths[k], seed: seed)
            scratch[k] = h
            touched &+= slots[Int(truncatingIfNeeded: h) & mask]
        }
        if hashes.count > 4096 {
            // Touch the first candidate's bytes for each key; these loads are independent of each other.
            for k in 0..<count {
                let s = slots[Int(truncatingIfNeeded: scratch[k]) & mask]
                if s != 0 && s & 0xFFFF_FFFF_0000_0000 == scratch[k] & 0xFFFF_FFFF_0000_0000 {
                    let c = Int(s & 0xFFFF_FFFF) - 1
                    let start = offsets[c]
                    if start < arena.count { touched &+= UInt64(arena[start]) }
                }
            }
        }
        sink &+= touched
        for k in 0..<count {
            out[k] = lengths[k] == 0 ? -1 : code(pointers[k], lengths[k], hash: scratch[k])
        }
    }

    /// The code for these bytes, inserting them if new.
    @inline(__always)
    mutating func code(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32 {
        code(p, n, hash: Self.hash(p, n, seed: seed))
    }

    @inline(__always)
    mutating func code(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64) -> Int32 {
        // Repeated values often come in runs (all members of a household): check the last one first.
        if lastCode >= 0 && equals(Int(lastCode), p, n) { return lastCode }
        let fragment = h & 0xFFFF_FFFF_0000_0000
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[i]
            if s == 0 { break }
            if s & 0xFFFF_FFFF_0000_0000 == fragment {
                let c = Int(s & 0xFFFF_FFFF) - 1
                if equals(c, p, n) {
                    lastCode = Int32(truncatingIfNeeded: c)
                    return lastCode
                }
            }
            i = (i + 1) & mask
        }
        let code = Int32(truncatingIfNeeded: hashes.count)
        arena.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
        offsets.append(arena.count)
        hashes.append(h)
        slots[i] = fragment | UInt64(code + 1)
        if hashes.count * 2 > slots.count { grow() }
        lastCode = code
        return code
    }

    @inline(__always)
    private func equals(_ c: Int, _ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        let start = offsets[c]
        guard offsets[c + 1] - start == n else { return false }
        return arena.withUnsafeBufferPointer { a in n == 0 || memcmpBytes(a.baseAddress.map { $0 + start }, p, n) }
    }

    private mutating func grow() {
        let size = slots.count * 2
        var newSlots = [UInt64](repeating: 0, count: size)
        let newMask = size - 1
        for (code, h) in hashes.enumerated() {
            var i = Int(truncatingIfNeeded: h) & newMask
            while newSlots[i] != 0 { i = (i + 1) & newMask }
            newSlots[i] = (h & 0xFFFF_FFFF_0000_0000) | UInt64(code + 1)
        }
        slots = newSlots
        mask = newMask
    }

    /// The dictionary as strings, indexed by code. The bytes must be valid UTF-8.
    func strings() -> [String] {
        var out: [String] = []
        out.reserveCapacity(count)
        arena.withUnsafeBufferPointer { a in
            for k in 0..<count {
                let s = offsets[k]
                let e = offsets[k + 1]
                out.append(String(decoding: UnsafeBufferPointer(rebasing: a[s..<e]), as: UTF8.self))
            }
        }
        return out
    }
}

@inline(__always)
func memcmpBytes(_ a: UnsafePointer<UInt8>?, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    guard let a else { return n == 0 }
    var i = 0
    let ra = UnsafeRawPointer(a)
    let rb = UnsafeRawPointer(b)
    while i + 8 <= n {
        if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self) != rb.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
            return false
        }
        i += 8
    }
    while i < n {
        if a[i] != b[i] { return false }
        i += 1
    }
    return true
}
