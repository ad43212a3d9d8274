import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads CSV (RFC 4180) and HXL CSV into a typed, columnar ``Table``.
///
/// The reader works on bytes: it maps the file into memory and reads it a slice of 256 KiB at a time
/// (large files in eight pieces on two threads): each slice's field boundaries are found, its bytes
/// checked as UTF-8, and its rows added to every column's typed array while the slice is still in the
/// processor's cache, inferring the types as it goes (see ``ColumnInference``); the pieces' parts are
/// then joined, and read pages handed back to the kernel. Text is dictionary-encoded without a `String`
/// per cell.
///
/// Handled: quoted fields with delimiters, quotes and newlines; LF, CRLF and CR line ends; a UTF-8
/// byte-order mark; UTF-16 with a byte-order mark; non-UTF-8 input (read as Windows-1252, reported;
/// UTF-8 with a few invalid bytes keeps UTF-8 and replaces them with U+FFFD, also reported);
/// delimiter sniffing (`,` `;` tab `|`); an HXL hashtag row among the first rows, with header rows above
/// it; cells guarded against formulas by ``FormulaGuard`` (the guard is removed). Blank lines are
/// skipped. An empty cell is null.
///
/// ```swift
/// let result = try CSVReader.read(contentsOf: url)
/// print(result.report.profiles.map(\.inferredType))
/// ```
public enum CSVReader {
    /// Reads a CSV file.
    /// - Throws: ``TableReadError`` with the file name, row and column of the problem.
    public static func read(contentsOf url: URL, options: CSVReadOptions = .init()) throws(TableReadError)
        -> ReadResult
    {
        let file = url.lastPathComponent
        let mapped = try MappedFile(path: url.path, fileName: file)
        defer { mapped.close() }
        return try read(buffer: mapped.bytes, fileName: file, options: options)
    }

    /// Reads CSV from bytes in memory; `fileName` is used in error messages and the report.
    public static func read(bytes: [UInt8], fileName: String, options: CSVReadOptions = .init())
        throws(TableReadError) -> ReadResult
    {
        let r: Result<ReadResult, TableReadError> = bytes.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return .failure(.emptyFile(file: fileName)) }
            return Result { () throws(TableReadError) in
                try read(buffer: SharedBytes(base: base, count: b.count), fileName: fileName, options: options)
            }
        }
        return try r.get()
    }

    static func read(buffer: SharedBytes, fileName: String, options: CSVReadOptions) throws(TableReadError)
        -> ReadResult
    {
        let p = buffer.base
        let n = buffer.count
        guard n > 0 else { throw .emptyFile(file: fileName) }
        // A workbook (a zip archive) named .csv: say what it is rather than report its bytes as bad CSV.
        if n >= 4 && p[0] == 0x50 && p[1] == 0x4B && p[2] == 0x03 && p[3] == 0x04 {
            throw .invalidFormat(file: fileName, reason: "this is a zip archive (an XLSX workbook?), not CSV text; if it is a workbook, name it .xlsx")
        }
        if n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF {
            guard n > 3 else { throw .emptyFile(file: fileName) }
            // The mark says UTF-8, but the bytes are checked all the same: damage is replaced and said, as
            // without a mark (and as JSON's reader does), never changed silently.
            let rest = SharedBytes(base: p + 3, count: n - 3, mappedFile: buffer.mappedFile)
            if let result = try readUTF8(rest, fileName: fileName, options: options, encoding: .utf8WithBOM, validating: true) {
                return result
            }
            let decoded = TextDecoding.notUTF8(p + 3, n - 3)
            var result = try readConverted(
                decoded.bytes, fileName: fileName, options: options,
                encoding: decoded.encoding == .utf8 ? .utf8WithBOM : decoded.encoding)
            result.report.warnings.insert(decoded.warning, at: 0)
            return result
        }
        if n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF)) {
            let utf8 = TextDecoding.utf16ToUTF8(p + 2, n - 2, bigEndian: p[0] == 0xFE)
            var result = try readConverted(utf8, fileName: fileName, options: options, encoding: .utf16)
            result.report.warnings.insert(.convertedFromUTF16, at: 0)
            return result
        }
        // Read as UTF-8, checking each slice of the file as it is tokenized (while it is in cache); only
        // a file that turns out not to be UTF-8 is read again, converted.
        if let result = try readUTF8(buffer, fileName: fileName, options: options, encoding: .utf8, validating: true) {
            return result
        }
        // Damaged UTF-8 repaired, or a legacy file converted (TextDecoding.notUTF8), and said.
        let decoded = TextDecoding.notUTF8(p, n)
        var result = try readConverted(decoded.bytes, fileName: fileName, options: options, encoding: decoded.encoding)
        result.report.warnings.insert(decoded.warning, at: 0)
        return result
    }

    /// Reads bytes known to be UTF-8 (converted, or announced by a byte-order mark).
    private static func readKnownUTF8(
        _ buffer: SharedBytes, fileName: String, options: CSVReadOptions, encoding: SourceEncoding
    ) throws(TableReadError) -> ReadResult {
        // Without validation the reader always gives a result.
        guard let result = try readUTF8(buffer, fileName: fileName, options: options, encoding: encoding) else {
            throw .unreadable(file: fileName, reason: "the text could not be read as UTF-8")
        }
        return result
    }

    private static func readConverted(
        _ utf8: [UInt8], fileName: String, options: CSVReadOptions, encoding: SourceEncoding
    ) throws(TableReadError) -> ReadResult {
        let r: Result<ReadResult, TableReadError> = utf8.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress, b.count > 0 else { return .failure(.emptyFile(file: fileName)) }
            return Result { () throws(TableReadError) in
                try readKnownUTF8(SharedBytes(base: base, count: b.count), fileName: fileName, options: options,
                    encoding: encoding)
            }
        }
        return try r.get()
    }

    /// UTF-8 validation, in two halves at once on large inputs.
    static func isValidUTF8(_ b: SharedBytes, parallel: Bool) -> Bool {
        guard parallel && b.count > 1 << 22 else { return TextDecoding.isValidUTF8(b.base, b.count) }
        var split = b.count / 2
        // Move the split to the start of a character.
        while split < b.count && b.base[split] & 0xC0 == 0x80 { split += 1 }
        let mid = split
        let results = ParallelSlots<Bool>(count: 2)
        ParallelWork.run(2) { k in
            let ok =
                k == 0
                ? TextDecoding.isValidUTF8(b.base, mid) : TextDecoding.isValidUTF8(b.base + mid, b.count - mid)
            results.set(k, ok)
        }
        return results.values.allSatisfy { $0 == true }
    }
}

/// A file mapped read-only into memory (or read, when it cannot be mapped).
final class MappedFile {
    let bytes: SharedBytes
    private let mapped: Bool
    private let length: Int

    init(path: String, fileName: String) throws(TableReadError) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .unreadable(file: fileName, reason: String(cString: strerror(errno))) }
        defer { _ = Glibc_close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw .unreadable(file: fileName, reason: String(cString: strerror(errno)))
        }
        let size = Int(st.st_size)
        guard size > 0 else { throw .emptyFile(file: fileName) }
        if let m = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), m != MAP_FAILED {
            bytes = SharedBytes(base: UnsafePointer(m.assumingMemoryBound(to: UInt8.self)), count: size, mappedFile: true)
            mapped = true
        } else {
            let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
            var done = 0
            while done < size {
                let r = Glibc_read(fd, buffer + done, size - done)
                if r <= 0 {
                    buffer.deallocate()
                    throw .unreadable(file: fileName, reason: "short read")
                }
                done += r
            }
            bytes = SharedBytes(base: UnsafePointer(buffer), count: size)
            mapped = false
        }
        length = size
    }

    private var closed = false

    func close() {
        guard !closed else { return }
        closed = true
        if mapped {
            _ = munmap(UnsafeMutableRawPointer(mutating: bytes.base), length)
        } else {
            UnsafeMutablePointer(mutating: bytes.base).deallocate()
        }
    }

    deinit { close() }
}

@inline(__always) private func Glibc_close(_ fd: Int32) -> Int32 { close(fd) }
@inline(__always) private func Glibc_read(_ fd: Int32, _ p: UnsafeMutablePointer<UInt8>, _ n: Int) -> Int {
    read(fd, p, n)
}
