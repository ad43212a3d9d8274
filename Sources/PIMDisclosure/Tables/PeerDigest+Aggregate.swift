/// The canonical result text of the benchmark's aggregate task (`/work/shared/bench/peers/common.py`,
/// `canon_agg`), so that pim's result can be compared with pandas, polars, DuckDB and libhxl by digest
/// (the first 16 hex digits of the text's SHA-256, computed by the caller: this module has no crypto).
///
/// The peers do primary suppression only: "published" means `count >= threshold` among the non-empty
/// interior cells; secondary suppression and marginals are not part of the text.
extension PeerDigest {
    /// The canonical text of `table`'s interior cells (the aggregate task).
    ///
    /// Format: `task=agg;dims=<names>;threshold=T;cells=N;published=P;suppressed_cells=S;suppressed_records=R;total=X`,
    /// a newline, one line `label,…,count` per published cell sorted by labels (UTF-8 byte order) then count,
    /// joined by newlines, and a final newline. The missing category prints as an empty label.
    /// - Parameters:
    ///   - dimensionNames: names for the header (defaults to the table's dimension names).
    ///   - threshold: defaults to the table's `minCell`, or 5 for rounded tables.
    public static func aggregateText(
        _ table: AggregateTable, dimensionNames: [String]? = nil, threshold: Int? = nil
    ) -> String {
        let t: Int
        if let threshold { t = threshold } else if case .suppress(let m) = table.rule { t = m } else { t = 5 }
        var rows: [(labels: [String], count: Int)] = table.cells.map { cell in
            (table.labels(of: cell).map { $0 ?? "" }, cell.count)
        }
        rows.sort { a, b in
            for (x, y) in zip(a.labels, b.labels) where x != y { return x.utf8.lexicographicallyPrecedes(y.utf8) }
            return a.count < b.count
        }
        let published = rows.filter { $0.count >= t }
        let suppressed = rows.filter { $0.count < t }
        let head =
            "task=agg;dims=" + (dimensionNames ?? table.dimensions.map(\.name)).joined(separator: ",")
            + ";threshold=\(t);cells=\(rows.count);published=\(published.count);suppressed_cells=\(suppressed.count)"
            + ";suppressed_records=\(suppressed.reduce(0) { $0 + $1.count });total=\(rows.reduce(0) { $0 + $1.count })"
        let body = published.map { ($0.labels + [String($0.count)]).joined(separator: ",") }.joined(separator: "\n")
        return head + "\n" + body + "\n"
    }
}
