import Foundation

/// sdcMicro's individual re-identification risk (`indivRisk`, method "approx", after Benedetti and
/// Franconi) and the robust rule that flags records with a higher risk than the main part of the data.
public enum IndividualRisk {
    /// The risk of a record in a class with sample frequency `fk` and estimated population frequency `Fk`.
    ///
    /// Without weights (the table is the population) the risk is 1/fk. With weights, pk = fk/Fk and
    /// - fk = 1: pk/(1−pk) · ln(1/pk)
    /// - fk = 2: pk/(1−pk) − (pk/(1−pk))² · ln(1/pk)
    /// - fk > 2: pk / (fk − (1 − pk))
    /// and 1/fk when fk = Fk (every unit of the population is in the sample). A class whose weights sum to
    /// zero has no population estimate; its risk is taken as 1/fk.
    public static func risk(fk: Int, Fk: Double, weighted: Bool) -> Double {
        let f = Double(fk)
        guard weighted, f != Fk, Fk > 0 else { return 1 / f }
        let pk = f / Fk
        let odds = pk / (1 - pk)
        let r: Double
        switch fk {
        case 1: r = odds * log(1 / pk)
        case 2: r = odds - odds * odds * log(1 / pk)
        default: r = pk / (f - (1 - pk))
        }
        return r.isFinite ? r : 1 / f
    }

    /// How many MADs above the median a record's risk must be to be flagged.
    ///
    /// sdcMicro's print method for sdcMicro objects (`print(sdc, "risk")`, R/printFunctions.R), whose
    /// "Number of observations with higher risk than the main part of the data" is the figure users see,
    /// counts `iR > median(iR) + 2*mad(iR) & iR > 0.1`, and its GUI explains it as "twice the median absolute
    /// deviation"; issue #4 asks for that rule. (The older `print.measure_risk`, for the bare
    /// `measure_risk` result, uses 3·MAD and words its line differently.)
    static let highRiskMADs = 2.0

    /// Records flagged as sdcMicro's `print(sdc, "risk")` flags them: r > median + 2·MAD and r > 0.1, where
    /// MAD is R's `mad` (median absolute deviation scaled by 1.4826).
    public static let highRiskRule = "risk > median + 2 × MAD and risk > 0.1 (sdcMicro)"

    /// Median and scaled MAD of values given with multiplicities, as R's `median` and `mad` compute them
    /// on the expanded vector (the mean of the two middle values when the count is even).
    static func medianAndMAD(values: [Double], counts: [Int32]) -> (median: Double, mad: Double) {
        let (distinctValues, distinctCounts) = collapsed(values, counts) ?? (values, counts)
        let (sortedValues, sortedCounts) = sortedByValue(distinctValues, distinctCounts)
        let median = weightedMedian(sortedValues, sortedCounts)
        // Deviations |v − median| are ascending on each side of the median: merge the two runs.
        var lower = firstIndex(in: sortedValues) { $0 >= median } - 1
        var upper = lower + 1
        var devs: [Double] = []
        var devCounts: [Int32] = []
        devs.reserveCapacity(sortedValues.count)
        devCounts.reserveCapacity(sortedValues.count)
        while lower >= 0 || upper < sortedValues.count {
            let takeLower: Bool
            if lower < 0 { takeLower = false } else if upper >= sortedValues.count { takeLower = true } else {
                takeLower = median - sortedValues[lower] <= sortedValues[upper] - median
            }
            if takeLower {
                devs.append(median - sortedValues[lower]); devCounts.append(sortedCounts[lower]); lower -= 1
            } else {
                devs.append(sortedValues[upper] - median); devCounts.append(sortedCounts[upper]); upper += 1
            }
        }
        return (median, 1.4826 * weightedMedian(devs, devCounts))
    }

    /// Equal values merged (counts added), or nil when there are more than 65,536 distinct values. Risks
    /// take few distinct values in practice (they depend on fk and Fk only), so this makes the sort small.
    static func collapsed(_ values: [Double], _ counts: [Int32]) -> ([Double], [Int32])? {
        let capacity = 1 << 17
        var slotKeys = [UInt64](repeating: 0, count: capacity)
        var slotIndex = [Int32](repeating: -1, count: capacity)
        var outValues: [Double] = []
        var outCounts: [Int32] = []
        for i in values.indices {
            let bits = (values[i] == 0 ? 0 : values[i]).bitPattern
            var h = Int(truncatingIfNeeded: (bits &* 0x9E37_79B9_7F4A_7C15) >> 47)
            while slotIndex[h] >= 0 && slotKeys[h] != bits { h = (h + 1) & (capacity - 1) }
            if slotIndex[h] >= 0 {
                outCounts[Int(slotIndex[h])] += counts[i]
            } else {
                guard outValues.count < capacity / 2 else { return nil }
                slotKeys[h] = bits
                slotIndex[h] = Int32(outValues.count)
                outValues.append(values[i])
                outCounts.append(counts[i])
            }
        }
        return (outValues, outCounts)
    }

    /// `values` in ascending order with their counts, by an LSD radix sort of order-preserving bit patterns
    /// (16 bits a pass; passes where every key has the same digit are skipped).
    static func sortedByValue(_ values: [Double], _ counts: [Int32]) -> ([Double], [Int32]) {
        var keys = values.map { v -> UInt64 in
            let bits = (v == 0 ? 0 : v).bitPattern
            return bits >> 63 == 1 ? ~bits : bits | (1 << 63)
        }
        var payload = counts
        var keysOut = keys
        var payloadOut = payload
        var histogram = [Int](repeating: 0, count: 1 << 16)
        for pass in 0..<4 {
            let shift = UInt64(16 * pass)
            for i in histogram.indices { histogram[i] = 0 }
            for k in keys { histogram[Int((k >> shift) & 0xFFFF)] += 1 }
            if histogram.contains(keys.count) { continue }
            var sum = 0
            for i in histogram.indices {
                let c = histogram[i]
                histogram[i] = sum
                sum += c
            }
            for i in keys.indices {
                let d = Int((keys[i] >> shift) & 0xFFFF)
                let at = histogram[d]
                histogram[d] = at + 1
                keysOut[at] = keys[i]
                payloadOut[at] = payload[i]
            }
            swap(&keys, &keysOut)
            swap(&payload, &payloadOut)
        }
        let sorted = keys.map { k -> Double in
            Double(bitPattern: k >> 63 == 1 ? k & ~(1 << 63) : ~k)
        }
        return (sorted, payload)
    }

    /// The median of ascending `values` repeated `counts` times.
    private static func weightedMedian(_ values: [Double], _ counts: [Int32]) -> Double {
        let total = counts.reduce(0) { $0 + Int($1) }
        guard total > 0 else { return 0 }
        func element(_ k: Int) -> Double {  // k-th (0-based) element of the expanded vector
            var seen = 0
            for i in values.indices {
                seen += Int(counts[i])
                if k < seen { return values[i] }
            }
            return values[values.count - 1]
        }
        if total % 2 == 1 { return element(total / 2) }
        return (element(total / 2 - 1) + element(total / 2)) / 2
    }

    /// The first index of ascending `values` whose element satisfies `predicate` (binary search).
    private static func firstIndex(in values: [Double], where predicate: (Double) -> Bool) -> Int {
        var lo = 0
        var hi = values.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if predicate(values[mid]) { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}
