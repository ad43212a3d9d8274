import Foundation
import ZIPFoundation

/// Builds zip archives in memory with ZIPFoundation (for the writer, and for tests that craft packages).
package enum XLSXZip {
    /// A deflated zip archive holding `parts` in order.
    /// - Throws: ``XLSXError/writeFailed(file:)`` naming `file` if ZIPFoundation fails.
    package static func archive(
        _ parts: [(path: String, bytes: [UInt8])],
        file: String = "workbook.xlsx",
        compress: Bool = true
    ) throws(XLSXError) -> Data {
        do {
            let archive = try Archive(data: Data(), accessMode: .create, pathEncoding: nil)
            // A fixed timestamp keeps output reproducible.
            let date = Date(timeIntervalSince1970: 1_700_000_000)
            for part in parts {
                let data = Data(part.bytes)
                try archive.addEntry(
                    with: part.path, type: .file, uncompressedSize: Int64(data.count), modificationDate: date,
                    compressionMethod: compress ? .deflate : .none, bufferSize: 1 << 16
                ) { position, size in
                    let start = Int(position)
                    return data.subdata(in: start..<min(start + size, data.count))
                }
            }
            guard let data = archive.data else { throw XLSXError.writeFailed(file: file) }
            return data
        } catch {
            throw .writeFailed(file: file)
        }
    }
}
