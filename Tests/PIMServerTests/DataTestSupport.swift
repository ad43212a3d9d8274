import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PIMCore
@testable import PIMServer
import Testing

/// A multipart/form-data body as a browser sends it.
struct MultipartBody {
    static let boundary = "----pimTestBoundary7MA4YWxkTrZu0gW"
    var parts: [(name: String, fileName: String?, bytes: [UInt8])] = []

    mutating func field(_ name: String, _ value: String) { parts.append((name, nil, Array(value.utf8))) }
    mutating func file(_ name: String, fileName: String, _ bytes: [UInt8]) { parts.append((name, fileName, bytes)) }

    var bytes: [UInt8] {
        var out: [UInt8] = []
        for p in parts {
            var head = "--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"\(p.name)\""
            if let f = p.fileName { head += "; filename=\"\(f)\"\r\nContent-Type: application/octet-stream" }
            head += "\r\n\r\n"
            out += Array(head.utf8) + p.bytes + Array("\r\n".utf8)
        }
        return out + Array("--\(Self.boundary)--\r\n".utf8)
    }

    static var contentType: String { "multipart/form-data; boundary=\(boundary)" }
}

extension Browser {
    /// Uploads a file through the import form (with the session's CSRF token unless `csrf` overrides it).
    func upload(_ client: some TestClientProtocol, file: String, bytes: [UInt8], dataset: String,
                category: String = "protection-monitoring", extra: [(String, String)] = [],
                csrf overrideCSRF: String?? = nil) async throws -> TestResponse {
        var body = MultipartBody()
        if let token = overrideCSRF ?? csrf { body.field("csrf_token", token) }
        body.file("file", fileName: file, bytes)
        body.field("dataset", dataset)
        body.field("category", category)
        for (k, v) in extra { body.field(k, v) }
        var h = headers
        h[.contentType] = MultipartBody.contentType
        return try await client.execute(uri: "/import", method: .post, headers: h, body: ByteBuffer(bytes: body.bytes))
    }

    /// Posts a URL-encoded form with the CSRF token.
    func post(_ client: some TestClientProtocol, _ uri: String, fields: [(String, String)]) async throws -> TestResponse {
        var h = headers
        h[.contentType] = "application/x-www-form-urlencoded"
        let all = [("csrf_token", csrf ?? "")] + fields
        let text = all.map { k, v in
            "\(k.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? k)=\(v.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? v)"
        }.joined(separator: "&")
        return try await client.execute(uri: uri, method: .post, headers: h, body: ByteBuffer(string: text))
    }

    /// Posts a raw body (the API upload) with the CSRF header.
    func postRaw(_ client: some TestClientProtocol, _ uri: String, bytes: [UInt8]) async throws -> TestResponse {
        var h = headers
        h[.contentType] = "text/csv"
        if let csrf, let name = HTTPField.Name("X-CSRF-Token") { h[name] = csrf }
        return try await client.execute(uri: uri, method: .post, headers: h, body: ByteBuffer(bytes: bytes))
    }

    /// Follows a running job's page until it has finished (or 30 s passed).
    func waitForJob(_ client: some TestClientProtocol, _ location: String) async throws -> String {
        for _ in 0..<600 {
            let html = String(buffer: try await get(client, location).body)
            if !html.contains("http-equiv=\"refresh\"") { return html }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the job did not finish")
        return ""
    }
}

enum DataFixtures {
    static let people = """
        adm1_code,sex,age,incident_type,notes
        SD01,female,34,theft,=HYPERLINK("http://x")
        SD01,male,29,theft,calm
        SD02,female,41,assault,
        SD02,male,52,theft,ok
        SD01,female,19,assault,
        """

    static var peopleBytes: [UInt8] { Array((people + "\n").utf8) }

    static func sha256(_ bytes: [UInt8]) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pim-sha-\(UUID().uuidString)")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try FileDigest.sha256(of: url)
    }

    /// The files of an upload directory (recursively).
    static func files(in dir: URL) -> [String] {
        (FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey])?.allObjects as? [URL] ?? [])
            .filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }.map(\.lastPathComponent)
    }

    static func tempDir() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("pim-upload-tests-\(UUID().uuidString)")
    }
}
