/// Limits and choices for ``XLSXReader``.
///
/// The limits guard against zip bombs: a small file that inflates to gigabytes is refused before
/// it exhausts memory.
public struct XLSXReadOptions: Sendable, Hashable {
    /// The most bytes all parts read together may inflate to. Default 2 GiB.
    public var maxTotalSize: Int
    /// The most bytes one part (e.g. one sheet's XML) may inflate to. Default 1 GiB.
    public var maxPartSize: Int
    /// Parts larger than ``ratioCheckThreshold`` may be compressed at most this many times. Default 200.
    public var maxCompressionRatio: Int
    /// Parts at least this large (uncompressed) are subject to ``maxCompressionRatio``. Default 1 MB.
    public var ratioCheckThreshold: Int
    /// Whether to look for an HXL hashtag row among the first 25 rows. Default true.
    public var detectHashtagRow: Bool
    /// Whether text cells that read as numbers, dates or booleans ("number stored as text") type their column
    /// as a CSV reader would; when false they stay text, as written. Default true.
    public var typesFromText: Bool

    public init(
        maxTotalSize: Int = 2 << 30,
        maxPartSize: Int = 1 << 30,
        maxCompressionRatio: Int = 200,
        ratioCheckThreshold: Int = 1_000_000,
        detectHashtagRow: Bool = true,
        typesFromText: Bool = true
    ) {
        self.maxTotalSize = maxTotalSize
        self.maxPartSize = maxPartSize
        self.maxCompressionRatio = maxCompressionRatio
        self.ratioCheckThreshold = ratioCheckThreshold
        self.detectHashtagRow = detectHashtagRow
        self.typesFromText = typesFromText
    }
}

/// What ``XLSXReader/read(contentsOf:sheet:options:)`` found.
public struct XLSXReadResult: Sendable, Hashable {
    /// The sheet as a typed table.
    public var table: Table
    /// The name of the sheet that was read.
    public var sheetName: String
    /// The names of all worksheets, in workbook order.
    public var sheetNames: [String]
    /// Things the reader tolerated, e.g. error cells read as empty. Never contains cell values.
    public var warnings: [String]
    /// The 1-based sheet row of the header (0 when the sheet is empty).
    public var headerRow: Int
    /// The sheet rows read as headers (two when the top one has merged group cells).
    public var headerRows: [Int] = []
    /// The sheet row of the HXL hashtag row, if any.
    public var hxlRow: Int?
    /// The sheet row of the table's first row.
    public var firstDataRow: Int = 2
    /// Table row indices before which an empty sheet row was skipped (repeated for several), sorted.
    public var emptyRowsBefore: [Int] = []
}
