/// A hash map from byte strings to dense codes (0, 1, 2, … in order of first appearance), used to
/// dictionary-encode text columns without creating a `String` per cell.
///
/// Open addressing with linear probing; keys live back to back in one byte arena. The hash is seeded
/// per dictionary so crafted input cannot force collisions, but the codes depend only on input order.
///
/// Two shortcuts keep identifier columns cheap: a key equal to the previous one reuses its code (values
/// often come in runs, like the members of a household), and while every new key sorts after the
/// previous one (sequential ids) the keys are necessarily distinct, so no hash table is needed at all;
/// the table is built the first time a key breaks the order.
struct ByteDictionary {
    private var arena: [UInt8] = []
    private var offsets: [Int] = [0]
    private var hashes: [UInt64] = []
    /// 0 for empty, else the hash's high 32 bits and `code + 1` in the low 32 bits, so most probes
    /// that do not match are rejected without touching the arena.
    private var slots: [UInt64] = []
    private var mask = 0
    private let seed: UInt64
    private var lastCode: Int32 = -1
    /// Every key so far sorted after the one before; `slots` and `hashes` are not built yet.
    private var ordered = true
    private var expected = 0
    /// Keeps the loads that warm the cache from being optimised away.
    private var sink: UInt64 = 0

    init() {
        seed = UInt64.random(in: 0...UInt64.max) | 1
    }

    var count: Int { offsets.count - 1 }

    /// Whether every key so far sorted after the previous one (so no hash table was needed).
    var isOrdered: Bool { ordered }

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
        self.expected = max(self.expected, expected)
        if !ordered { while slots.count < expected * 2 { grow() } }
    }

    /// Codes for a batch of cells (`lengths[k] == 0` means null, code -1).
    ///
    /// The lookups run in phases (all slots, then the candidate entries' bytes, then the real lookups) so
    /// that the cache misses of a large dictionary overlap instead of happening one after another.
    mutating func codes(
        _ pointers: UnsafePointer<UnsafePointer<UInt8>>, _ lengths: UnsafePointer<Int>, count: Int,
        hashes scratch: UnsafeMutablePointer<UInt64>, into out: UnsafeMutablePointer<Int32>
    ) {
        if ordered {
            for k in 0..<count { out[k] = lengths[k] == 0 ? -1 : code(pointers[k], lengths[k]) }
            return
        }
        var touched: UInt64 = 0
        for k in 0..<count {
            let h = Self.hash(pointers[k], lengths[k], seed: seed)
            scratch[k] = h
            touched &+= slots[Int(truncatingIfNeeded: h) & mask]
        }
        if self.count > 4096 {
            for k in 0..<count {
                let s = slots[Int(truncatingIfNeeded: scratch[k]) & mask]
                if s != 0 && s & 0xFFFF_FFFF_0000_0000 == scratch[k] & 0xFFFF_FFFF_0000_0000 {
                    let c = Int(s & 0xFFFF_FFFF) - 1
                    let start = offsets[c]
                    let end = offsets[c + 1]
                    if start < end {
                        // First and last byte: the two cache lines a short value can span.
                        touched &+= UInt64(arena[start]) &+ UInt64(arena[end - 1])
                        if end - start > 128 { touched &+= UInt64(arena[start + 64]) }
                    }
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
        if ordered {
            if lastCode >= 0 && equals(Int(lastCode), p, n) { return lastCode }
            if lastCode < 0 || sortsAfterLast(p, n) { return append(p, n, hash: nil) }
            buildTable()
        }
        return code(p, n, hash: Self.hash(p, n, seed: seed))
    }

    @inline(__always)
    mutating func code(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64) -> Int32 {
        if ordered { return code(p, n) }
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
        let code = append(p, n, hash: h)
        slots[i] = fragment | UInt64(code + 1)
        if hashes.count * 2 > slots.count { grow() }
        return code
    }

    @inline(__always)
    private mutating func append(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64?) -> Int32 {
        let code = Int32(truncatingIfNeeded: count)
        arena.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
        offsets.append(arena.count)
        if let h { hashes.append(h) }
        lastCode = code
        return code
    }

    /// Whether the bytes sort strictly after the last key (bytewise, then shorter first).
    @inline(__always)
    private func sortsAfterLast(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        let c = count - 1
        let start = offsets[c]
        let m = offsets[c + 1] - start
        return arena.withUnsafeBufferPointer { a -> Bool in
            guard let base = a.baseAddress else { return true }
            let q = base + start
            var i = 0
            let k = min(m, n)
            while i < k {
                if p[i] != q[i] { return p[i] > q[i] }
                i += 1
            }
            return n > m
        }
    }

    /// Leaves ordered mode: hashes every key so far and fills the table.
    private mutating func buildTable() {
        ordered = false
        hashes.reserveCapacity(max(count, expected))
        let seed = self.seed
        let one: [UInt8] = [0]
        let emptyHash = one.withUnsafeBufferPointer { b in b.baseAddress.map { Self.hash($0, 0, seed: seed) } ?? 0 }
        arena.withUnsafeBufferPointer { a in
            for c in 0..<count {
                let n = offsets[c + 1] - offsets[c]
                hashes.append(n == 0 ? emptyHash : a.baseAddress.map { Self.hash($0 + offsets[c], n, seed: seed) } ?? emptyHash)
            }
        }
        var size = 16
        while size < max(count, expected) * 2 + 2 { size <<= 1 }
        rehash(size)
    }

    @inline(__always)
    private func equals(_ c: Int, _ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        let start = offsets[c]
        guard offsets[c + 1] - start == n else { return false }
        return arena.withUnsafeBufferPointer { a in n == 0 || memcmpBytes(a.baseAddress.map { $0 + start }, p, n) }
    }

    private mutating func grow() { rehash(max(16, slots.count * 2)) }

    private mutating func rehash(_ size: Int) {
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

    /// The most specific type entry `code` parses as (see ``CellParsing/classify(_:_:)``).
    func classify(entry code: Int) -> ColumnType {
        let s = offsets[code]
        let n = offsets[code + 1] - s
        return arena.withUnsafeBufferPointer { a in a.baseAddress.map { CellParsing.classify($0 + s, n) } ?? .text }
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
