/// Picks the delimiter of a CSV file from its first lines.
enum DelimiterSniffer {
    static let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: "|")]

    /// The candidate whose most common count per line (outside quotes) is above zero, on the most lines,
    /// preferring more occurrences per line, then any other over `,` (`Name;Weight, kg` over `a;1,5`: one
    /// comma a line beside a steady `;` is a decimal comma); `,` when there is none, or when the first line has
    /// none of them.
    static func sniff(_ p: UnsafePointer<UInt8>, count n: Int) -> UInt8 {
        let limit = min(n, 64 * 1024)
        var perLine: [[Int]] = [[0, 0, 0, 0]]
        // Per line, whether it holds anything but spaces; per candidate, how often a space follows it.
        var filled = [false]
        var beforeSpace = [0, 0, 0, 0]
        var inQuotes = false
        var i = 0
        while i < limit && perLine.count <= 30 {
            let c = p[i]
            if c == UInt8(ascii: "\"") {
                inQuotes.toggle()
                filled[filled.count - 1] = true
            } else if !inQuotes {
                if c == UInt8(ascii: "\n") {
                    perLine.append([0, 0, 0, 0])
                    filled.append(false)
                } else if let k = candidates.firstIndex(of: c) {
                    perLine[perLine.count - 1][k] += 1
                    if i + 1 < n && p[i + 1] == UInt8(ascii: " ") { beforeSpace[k] += 1 }
                } else if c != UInt8(ascii: " ") && c != UInt8(ascii: "\r") {
                    filled[filled.count - 1] = true
                }
            }
            i += 1
        }
        let firstLine = filled.firstIndex(of: true)
        // Drop a trailing partial or empty line.
        if perLine.count > 1 && (i < n || perLine[perLine.count - 1] == [0, 0, 0, 0]) { perLine.removeLast() }
        var best: (score: Int, count: Int, delimiter: UInt8) = (0, 0, UInt8(ascii: ","))
        for (k, d) in candidates.enumerated() {
            var frequency: [Int: Int] = [:]
            for line in perLine { frequency[line[k], default: 0] += 1 }
            // The most common count per line, counting lines without it; it must be above zero.
            guard let (count, lines) = frequency.max(by: { ($0.value, $0.key) < ($1.value, $1.key) }), count > 0
            else { continue }
            let tieOverComma = lines == best.score && count == best.count && best.delimiter == UInt8(ascii: ",")
            if lines > best.score || (lines == best.score && count > best.count) || tieOverComma {
                best = (lines, count, d)
            }
        }
        // A first line without any candidate, over lines where the one found is always followed by a space, is the
        // header of a one-column file whose text holds "; " or "| " (QA11 I13): no delimiter (a comma in such text
        // is quoted by any CSV writer). A title line above "name;age" rows keeps ";".
        if let first = firstLine, first < perLine.count, perLine[first] == [0, 0, 0, 0], best.delimiter != UInt8(ascii: ","),
            let k = candidates.firstIndex(of: best.delimiter), beforeSpace[k] == perLine.reduce(0, { $0 + $1[k] })
        {
            return UInt8(ascii: ",")
        }
        return best.delimiter
    }
}
