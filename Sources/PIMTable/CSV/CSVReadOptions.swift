/// How ``CSVReader`` reads a file. The defaults suit CSV exported by spreadsheets, Kobo and HXL tools.
public struct CSVReadOptions: Sendable, Hashable {
    /// The field delimiter; `nil` sniffs one of `,` `;` tab `|` from the first lines.
    public var delimiter: UInt8?
    /// Pad rows with too few fields with nulls (and drop extra trailing empty fields) instead of failing.
    public var allowRagged: Bool
    /// The largest cell, in bytes, before the reader reports an error. Default 1 MiB.
    public var maximumCellBytes: Int
    /// Look for an HXL hashtag row among the first ``hxlSearchRows`` rows.
    public var detectHXL: Bool
    /// How many rows to search for the hashtag row.
    public var hxlSearchRows: Int
    /// Recognise KoboToolbox exports (group paths, select-multiple columns, meta columns).
    public var interpretKobo: Bool
    /// Infer column types; when false every column is text.
    public var inferTypes: Bool
    /// Use both cores on large inputs.
    public var parallel: Bool
    /// Only these columns (by header name) are built into the table; every field of every row is still
    /// tokenised, so malformed input is reported exactly as without a selection. `nil` keeps all columns.
    /// Names not in the file are ignored here; the caller reports them (with the file's full column list).
    public var columns: Set<String>?

    public init(
        delimiter: UInt8? = nil, allowRagged: Bool = false, maximumCellBytes: Int = 1 << 20,
        detectHXL: Bool = true, hxlSearchRows: Int = 25, interpretKobo: Bool = true, inferTypes: Bool = true,
        parallel: Bool = true, columns: Set<String>? = nil
    ) {
        self.delimiter = delimiter
        self.allowRagged = allowRagged
        self.maximumCellBytes = maximumCellBytes
        self.detectHXL = detectHXL
        self.hxlSearchRows = hxlSearchRows
        self.interpretKobo = interpretKobo
        self.inferTypes = inferTypes
        self.parallel = parallel
        self.columns = columns
    }
}
