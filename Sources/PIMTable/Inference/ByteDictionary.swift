import CPIMSIMD

/// A hash map from byte strings to dense codes (0, 1, 2, … in order of first appearance), used to
/// dictionary-encode text columns without creating a `String` per cell.
///
/// Open addressing with linear probing; keys live back to back in one byte arena. The hash is seeded
/// per dictionary so crafted input cannot force collisions, but the codes depend only on input order.
///
/// Every key is also summarised by two 64-bit words (its first and last eight bytes, overlapping for
/// short keys; see ``words(_:_:)``): for keys of at most 16 bytes the words and the length *are* the key,
/// so lookups of short values (codes, categories) compare two integers and never touch the arena; for
/// longer keys they reject almost every mismatch before the byte comparison.
///
/// Two shortcuts keep identifier columns cheap: a key equal to the previous one reuses its code (values
/// often come in runs, like the members of a household), and while every new key sorts after the
/// previous one (sequential ids) the keys are necessarily distinct, so no hash table is needed at all;
/// the table is built the first time a key breaks the order.
struct ByteDictionary {
    private var arena: [UInt8] = []
    private var offsets: [Int] = [0]
    /// The key words of each code, two per code (see ``words(_:_:)``), once the table is built: while the
    /// keys are ordered they are not needed (sixteen bytes per key of a sequential identifier column).
    private var keyWords: [UInt64] = []
    private var hashes: [UInt64] = []
    /// 0 for empty, else the hash's high 32 bits and `code + 1` in the low 32 bits, so most probes
    /// that do not match are rejected without touching the key words.
    private var slots = SlotTable(count: 0)
    private var mask = 0
    private let seed: UInt64
    private var lastCode: Int32 = -1
    /// Every key so far sorted after the one before; `slots` and `hashes` are not built yet.
    private var ordered = true
    private var expected = 0
    /// Small dictionaries: slot → the last key of at most 16 bytes that hashed to it (its length and
    /// words, which are the whole key) and its code, so a hit needs no look at the entries.
    private var recent = RecentCodes()

    init() {
        seed = UInt64.random(in: 0...UInt64.max) | 1
    }

    var count: Int { offsets.count - 1 }

    /// Roughly the bytes it holds.
    var byteSize: Int { arena.count + offsets.count * 8 + keyWords.count * 8 + hashes.count * 8 + slots.count * 8 }


    /// The first and last eight bytes of a key (overlapping when shorter than 16; for 4–7 bytes the first
    /// and last four; for 1–3 bytes the first, middle and last byte). With the length they determine
    /// keys of up to 16 bytes exactly. Reads only the key's own bytes.
    @inline(__always)
    static func words(_ p: UnsafePointer<UInt8>, _ n: Int) -> (UInt64, UInt64) {
        let r = UnsafeRawPointer(p)
        if n >= 8 {
            return (r.loadUnaligned(as: UInt64.self), r.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self))
        }
        if n >= 4 {
            return (
                UInt64(r.loadUnaligned(as: UInt32.self)),
                UInt64(r.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self))
            )
        }
        if n > 0 { return (UInt64(p[0]) | UInt64(p[n >> 1]) << 8 | UInt64(p[n &- 1]) << 16, 0) }
        return (0, 0)
    }

    /// 64 × 64 → 128-bit multiply, folded.
    @inline(__always)
    static func mum(_ x: UInt64, _ y: UInt64) -> UInt64 {
        let m = x.multipliedFullWidth(by: y)
        return m.high ^ m.low
    }

    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int, words: (UInt64, UInt64), seed: UInt64) -> UInt64 {
        let len = UInt64(truncatingIfNeeded: n)
        var h = seed ^ (len &* 0x9E37_79B9_7F4A_7C15)
        var a = words.0
        var b = words.1
        if n > 16 {
            let r = UnsafeRawPointer(p)
            var i = 0
            while i &+ 16 < n {
                h = mum(
                    r.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ 0xA076_1D64_78BD_642F,
                    r.loadUnaligned(fromByteOffset: i &+ 8, as: UInt64.self) ^ h)
                i &+= 16
            }
            a = r.loadUnaligned(fromByteOffset: n &- 16, as: UInt64.self)
            b = r.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
        }
        // The last 16 bytes (for keys of at most 16 bytes: the whole key, as its two words).
        h = mum(a ^ 0xE703_7ED1_A0B4_28DB ^ h, b ^ 0x8EBC_6AF0_9C88_C6E3 ^ (h >> 7))
        h = (h ^ (h >> 32)) &* 0xD6E8_FEB8_6659_FD93
        return h ^ (h >> 29)
    }

    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int, seed: UInt64) -> UInt64 {
        hash(p, n, words: words(p, n), seed: seed)
    }

    /// Makes room for `expected` entries without further growth; `averageBytes` sizes the arena.
    mutating func reserve(_ expected: Int, averageBytes: Int = 0) {
        self.expected = max(self.expected, expected)
        // A dictionary carried from piece to piece is reserved again for each: it grows at least by half
        // (an exact `reserveCapacity` would copy every key so far each time).
        func grown(_ capacity: Int, _ wanted: Int) -> Int { wanted > capacity ? max(wanted, capacity + capacity / 2) : wanted }
        if averageBytes > 0 { arena.reserveCapacity(grown(arena.capacity, expected * averageBytes + expected / 8)) }
        offsets.reserveCapacity(grown(offsets.capacity, expected + 1))
        if !ordered {
            keyWords.reserveCapacity(grown(keyWords.capacity, 2 * expected))
            hashes.reserveCapacity(grown(hashes.capacity, expected))
            if slots.count < expected * 2 {
                var size = max(16, slots.count)
                while size < expected * 2 { size <<= 1 }
                rehash(size)
            }
        }
    }

    /// Codes for a batch of cells (`lengths[k] == 0` means null, code -1).
    ///
    /// The lookups run in phases (all slots, then the candidate entries' key words, then the real
    /// lookups) so that the cache misses of a large dictionary overlap instead of happening one after another.
    mutating func codes(
        _ pointers: UnsafePointer<UnsafePointer<UInt8>>, _ lengths: UnsafePointer<Int>, count: Int,
        hashes scratch: UnsafeMutablePointer<UInt64>, into out: UnsafeMutablePointer<Int32>
    ) {
        if ordered {
            for k in 0..<count { out[k] = lengths[k] == 0 ? -1 : code(pointers[k], lengths[k]) }
            return
        }
        if self.count <= 4096 {
            // Small dictionaries of short keys (categories, codes): a key's last code is remembered in
            // a small direct-mapped table indexed by its words, and checked against the entry, so most
            // cells skip the hash and the probe.
            let recent = self.recent.pointer
            for k in 0..<count {
                let n = lengths[k]
                if n == 0 {
                    out[k] = -1
                    continue
                }
                let p = pointers[k]
                if n > 16 {
                    out[k] = code(p, n)
                    continue
                }
                let w = Self.words(p, n)
                let slot = Int(truncatingIfNeeded: ((w.0 ^ (w.1 &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(n)) &* 0xFF51_AFD7_ED55_8CCD) >> 56)
                let e = recent[slot]
                if e.length == UInt32(truncatingIfNeeded: n) && e.w0 == w.0 && e.w1 == w.1 {
                    out[k] = Int32(bitPattern: e.code)
                } else {
                    let c = code(p, n, words: w, hash: Self.hash(p, n, words: w, seed: seed))
                    recent[slot] = RecentCodes.Entry(
                        w0: w.0, w1: w.1, length: UInt32(truncatingIfNeeded: n), code: UInt32(bitPattern: c))
                    out[k] = c
                }
            }
            return
        }
        let slotBase = slots.pointer
        for k in 0..<count {
            let h = Self.hash(pointers[k], lengths[k], seed: seed)
            scratch[k] = h
            pim_prefetch(slotBase + (Int(truncatingIfNeeded: h) & mask))
        }
        keyWords.withUnsafeBufferPointer { kw in
            arena.withUnsafeBufferPointer { a in
                guard let kwBase = kw.baseAddress, let aBase = a.baseAddress else { return }
                for k in 0..<count {
                    let s = slotBase[Int(truncatingIfNeeded: scratch[k]) & mask]
                    if s != 0 && s & 0xFFFF_FFFF_0000_0000 == scratch[k] & 0xFFFF_FFFF_0000_0000 {
                        let c = Int(s & 0xFFFF_FFFF) &- 1
                        if 2 &* c < kw.count { pim_prefetch(kwBase + 2 &* c) }
                        // A long key that matches is compared byte for byte: fetch its bytes (its first
                        // four cache lines and its last).
                        let start = offsets[c]
                        let end = offsets[c &+ 1]
                        if end &- start > 16 {
                            var q = start
                            while q < min(end, start &+ 256) {
                                pim_prefetch(aBase + q)
                                q &+= 64
                            }
                            pim_prefetch(aBase + (end &- 1))
                        }
                    }
                }
            }
        }
        for k in 0..<count {
            let n = lengths[k]
            if n == 0 {
                out[k] = -1
            } else {
                let p = pointers[k]
                let w = Self.words(p, n)
                out[k] = lastCode >= 0 && equals(Int(lastCode), p, n, w) ? lastCode : code(p, n, words: w, hash: scratch[k])
            }
        }
    }

    /// The code for these bytes, inserting them if new.
    @inline(__always)
    mutating func code(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32 {
        let w = Self.words(p, n)
        if ordered {
            if lastCode >= 0 && equals(Int(lastCode), p, n, w) { return lastCode }
            if lastCode < 0 || sortsAfterLast(p, n) { return append(p, n, words: w, hash: nil) }
            buildTable()
        } else if lastCode >= 0 && equals(Int(lastCode), p, n, w) {
            // Repeated values often come in runs (all members of a household): check the last one first.
            return lastCode
        }
        return code(p, n, words: w, hash: Self.hash(p, n, words: w, seed: seed))
    }

    @inline(__always)
    private mutating func code(_ p: UnsafePointer<UInt8>, _ n: Int, words w: (UInt64, UInt64), hash h: UInt64)
        -> Int32
    {
        if ordered { return code(p, n) }
        let fragment = h & 0xFFFF_FFFF_0000_0000
        let table = slots.pointer
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = table[i]
            if s == 0 { break }
            if s & 0xFFFF_FFFF_0000_0000 == fragment {
                let c = Int(s & 0xFFFF_FFFF) - 1
                if equals(c, p, n, w) {
                    lastCode = Int32(truncatingIfNeeded: c)
                    return lastCode
                }
            }
            i = (i + 1) & mask
        }
        let code = append(p, n, words: w, hash: h)
        table[i] = fragment | UInt64(code + 1)
        if hashes.count * 2 > slots.count { grow() }
        return code
    }

    @inline(__always)
    private mutating func append(_ p: UnsafePointer<UInt8>, _ n: Int, words w: (UInt64, UInt64), hash h: UInt64?)
        -> Int32
    {
        let code = Int32(truncatingIfNeeded: count)
        arena.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
        offsets.append(arena.count)
        if !ordered {
            keyWords.append(w.0)
            keyWords.append(w.1)
        }
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
        keyWords.reserveCapacity(2 * max(count, expected))
        let seed = self.seed
        arena.withUnsafeBufferPointer { a in
            for c in 0..<count {
                let n = offsets[c + 1] - offsets[c]
                // (Keys are never empty, so the arena has bytes.)
                guard let base = a.baseAddress else { break }
                let w = Self.words(base + offsets[c], n)
                keyWords.append(w.0)
                keyWords.append(w.1)
                let h: UInt64
                if n > 16 {
                    h = Self.hash(base + offsets[c], n, words: w, seed: seed)
                } else {
                    // Short keys hash from their words alone (the bytes are not read).
                    h = Self.shortHash(n, words: w, seed: seed)
                }
                hashes.append(h)
            }
        }
        var size = 16
        while size < max(count, expected) * 2 + 2 { size <<= 1 }
        rehash(size)
    }

    /// ``hash(_:_:words:seed:)`` of a key of at most 16 bytes, which reads only the words.
    private static func shortHash(_ n: Int, words: (UInt64, UInt64), seed: UInt64) -> UInt64 {
        var byte: UInt8 = 0
        return withUnsafePointer(to: &byte) { hash($0, min(n, 16), words: words, seed: seed) }
    }

    @inline(__always)
    private func equals(_ c: Int, _ p: UnsafePointer<UInt8>, _ n: Int, _ w: (UInt64, UInt64)) -> Bool {
        let start = offsets[c]
        guard offsets[c + 1] - start == n else { return false }
        if ordered {
            // (No key words yet: the bytes themselves.)
            return arena.withUnsafeBufferPointer { a in memcmpBytes(a.baseAddress.map { $0 + start }, p, n) }
        }
        guard keyWords[2 * c] == w.0, keyWords[2 * c + 1] == w.1 else { return false }
        if n <= 16 { return true }
        return arena.withUnsafeBufferPointer { a in memcmpBytes(a.baseAddress.map { $0 + start }, p, n) }
    }

    private mutating func grow() { rehash(max(16, slots.count * 2)) }

    private mutating func rehash(_ size: Int) {
        let newSlots = SlotTable(count: size)
        let table = newSlots.pointer
        let newMask = size - 1
        for (code, h) in hashes.enumerated() {
            var i = Int(truncatingIfNeeded: h) & newMask
            while table[i] != 0 { i = (i + 1) & newMask }
            table[i] = (h & 0xFFFF_FFFF_0000_0000) | UInt64(code + 1)
        }
        slots = newSlots
        mask = newMask
    }

    /// Makes room in the key storage for `entries` more keys of `bytes` bytes in all (the hash table is
    /// left as it is), so that absorbing several dictionaries copies each key once.
    mutating func reserveStorage(entries: Int, bytes: Int) {
        arena.reserveCapacity(arena.count + bytes)
        offsets.reserveCapacity(offsets.count + entries)
        if !ordered { keyWords.reserveCapacity(keyWords.count + 2 * entries) }
    }

    /// The bytes of all keys.
    var keyBytes: Int { arena.count }

    /// Where another dictionary's codes went in this one (see ``absorb(_:)``).
    enum CodeMap {
        /// Code `c` became `c + base`.
        case shift(Int32)
        /// Code `c` became `table[c]`.
        case table([Int32])

        func code(_ c: Int32) -> Int32 {
            switch self {
            case .shift(let base): c &+ base
            case .table(let t): t[Int(c)]
            }
        }
    }

    /// Adds `other`'s keys that are new here, in `other`'s order, and says where each of its codes went.
    mutating func absorb(_ other: ByteDictionary) -> CodeMap { absorb(other, codes: 0..<other.count) }

    /// Adds the keys of `other` with codes in `range` that are new here, in `other`'s order, and says where
    /// each went: ``CodeMap/shift(_:)`` maps a code of `range` itself, ``CodeMap/table(_:)`` is indexed by
    /// the code's position in `range`.
    ///
    /// When both are still ordered and the range's first key sorts after this one's last, the keys are
    /// all new and are appended as a block (the parts of a sequential identifier column).
    mutating func absorb(_ other: ByteDictionary, codes range: Range<Int>) -> CodeMap {
        let base = Int32(truncatingIfNeeded: count)
        if range.isEmpty { return .shift(base) }
        if ordered && other.ordered {
            let first = range.lowerBound
            let firstAfterLast =
                count == 0
                || other.arena.withUnsafeBufferPointer { a in
                    a.baseAddress.map {
                        sortsAfterLast($0 + other.offsets[first], other.offsets[first + 1] - other.offsets[first])
                    } ?? true
                }
            if firstAfterLast {
                let from = other.offsets[first]
                let shift = arena.count - from
                arena.append(contentsOf: other.arena[from..<other.offsets[range.upperBound]])
                offsets.reserveCapacity(offsets.count + range.count)
                // (A plain loop: appending a lazy map went through the generic, element-by-element path.)
                for k in (first + 1)...range.upperBound { offsets.append(other.offsets[k] &+ shift) }
                // (Ordered dictionaries have no key words.)
                lastCode = Int32(truncatingIfNeeded: count - 1)
                return .shift(base &- Int32(truncatingIfNeeded: first))
            }
        }
        // The keys in batches through ``codes(_:_:count:hashes:into:)``, whose phases overlap the cache
        // misses of a large dictionary. (Keys are never empty: an empty cell is null.)
        var table = [Int32](repeating: 0, count: range.count)
        let batch = 64
        other.arena.withUnsafeBufferPointer { a in
            var byte: UInt8 = 0
            withUnsafeMutablePointer(to: &byte) { fallback in
                let p = a.baseAddress ?? UnsafePointer(fallback)
                withUnsafeTemporaryAllocation(of: UnsafePointer<UInt8>.self, capacity: batch) { pointers in
                    withUnsafeTemporaryAllocation(of: Int.self, capacity: batch) { lengths in
                        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: batch) { hashes in
                            table.withUnsafeMutableBufferPointer { out in
                                guard let pp = pointers.baseAddress, let lp = lengths.baseAddress,
                                    let hp = hashes.baseAddress, let op = out.baseAddress
                                else { return }
                                var i = 0
                                while i < range.count {
                                    let k = min(batch, range.count - i)
                                    var empty = false
                                    for j in 0..<k {
                                        let c = range.lowerBound + i + j
                                        let s = other.offsets[c]
                                        pp[j] = p + s
                                        lp[j] = other.offsets[c + 1] - s
                                        if lp[j] == 0 { empty = true }
                                    }
                                    if empty {
                                        // (The batched lookup takes length 0 as null.)
                                        for j in 0..<k { op[i + j] = code(pp[j], lp[j]) }
                                    } else {
                                        codes(pp, lp, count: k, hashes: hp, into: op + i)
                                    }
                                    i += k
                                }
                            }
                        }
                    }
                }
            }
        }
        return .table(table)
    }

    /// A dictionary of this one's entries listed in `order` (codes into this one), coded in that order.
    func reordered(_ order: [Int32]) -> ByteDictionary {
        var out = ByteDictionary()
        out.reserveStorage(entries: order.count, bytes: order.reduce(0) { $0 + offsets[Int($1) + 1] - offsets[Int($1)] })
        arena.withUnsafeBufferPointer { a in
            // (Keys are never empty, so a dictionary with an entry has an arena.)
            guard let base = a.baseAddress else { return }
            for c in order { _ = out.code(base + offsets[Int(c)], offsets[Int(c) + 1] - offsets[Int(c)]) }
        }
        return out
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

/// 256 remembered keys and codes (see ``ByteDictionary``), in a class so that they are updated through a
/// pointer.
final class RecentCodes {
    struct Entry {
        var w0: UInt64
        var w1: UInt64
        /// The key's length (at most 16; `UInt32.max` for an empty slot, which no key matches).
        var length: UInt32
        var code: UInt32
    }

    let pointer: UnsafeMutablePointer<Entry>

    init() {
        pointer = UnsafeMutablePointer<Entry>.allocate(capacity: 256)
        pointer.initialize(repeating: Entry(w0: 0, w1: 0, length: UInt32.max, code: 0), count: 256)
    }

    deinit { pointer.deallocate() }
}

/// A zeroed hash table of 64-bit slots, allocated once and replaced whole when the dictionary grows.
///
/// A class (not an array) so that probes and inserts go through a plain pointer. ``ByteDictionary`` is
/// never copied while in use (each column builder owns its own), so the table is never shared.
final class SlotTable {
    let pointer: UnsafeMutablePointer<UInt64>
    let count: Int

    init(count: Int) {
        self.count = count
        pointer = UnsafeMutablePointer<UInt64>.allocate(capacity: max(1, count))
        pointer.initialize(repeating: 0, count: max(1, count))
    }

    deinit { pointer.deallocate() }
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
