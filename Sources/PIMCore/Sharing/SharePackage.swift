import Crypto
import Foundation
import ZIPFoundation

/// A share package: one standard ZIP file that any unzip tool opens, signed twice with the producer's
/// Ed25519 key.
///
/// Members, in order: the content files (`data.csv` HXL-tagged, `data.json`, `metadata.json`,
/// `README.txt`), then `manifest.json` (SHA-256 of every content member) and `manifest.sig` (base64
/// Ed25519 signature over the exact bytes of `manifest.json`). The archive comment holds a second
/// signature, `pim-signature ed25519 BASE64`, over every byte of the archive before the comment (with the
/// comment length field set to 0), so any changed byte anywhere in the file — member data, headers,
/// directory — is detected, not only changes to member contents.
///
/// Verification needs only the producer's public key (``PackageKeys``). Encryption, if wanted, wraps the
/// whole signed file (see ``PackageEncryption``): sign, then encrypt.
public enum SharePackage {
    public static let manifestName = "manifest.json"
    public static let manifestSignatureName = "manifest.sig"
    static let commentPrefix = "pim-signature ed25519 "

    /// The manifest: the SHA-256 of each content member.
    public struct Manifest: Sendable, Hashable, Codable {
        public var format: String
        public var algorithm: String
        /// Member name → lower-case hex SHA-256.
        public var files: [String: String]
    }

    /// What a successful verification found.
    public struct Verification: Sendable, Hashable {
        public var members: [String]
        public var signerFingerprint: String
        /// The content members' bytes, by name.
        public var contents: [String: Data]
    }

    /// Builds a signed package from content members.
    /// - Throws: ``PackageError/archiveFailed`` if the archive cannot be written.
    public static func build(members: [(name: String, data: Data)], signingKey: Curve25519.Signing.PrivateKey,
                             date: Date) throws(PackageError) -> Data {
        var files: [String: String] = [:]
        for m in members { files[m.name] = hex(SHA256.hash(data: m.data)) }
        let manifest = Manifest(format: "pim-share/1", algorithm: "sha256", files: files)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let manifestData = try? encoder.encode(manifest) else { throw .archiveFailed }
        guard let manifestSignature = try? signingKey.signature(for: manifestData) else { throw .archiveFailed }
        let all = members + [(manifestName, manifestData), (manifestSignatureName, Data(manifestSignature.base64EncodedString().utf8))]
        var zip = try archive(all, date: date)
        // Whole-file signature in the archive comment.
        guard let eocd = endOfCentralDirectory(in: zip), eocd.commentLength == 0 else { throw .archiveFailed }
        guard let fileSignature = try? signingKey.signature(for: zip) else { throw .archiveFailed }
        let comment = Data((commentPrefix + fileSignature.base64EncodedString()).utf8)
        zip[eocd.offset + 20] = UInt8(comment.count & 0xff)
        zip[eocd.offset + 21] = UInt8(comment.count >> 8)
        zip.append(comment)
        return zip
    }

    /// Checks both signatures and every member hash.
    /// - Throws: ``PackageError`` naming the first problem found (unsigned, changed bytes, wrong key,
    ///   member changed, added or missing).
    public static func verify(_ package: Data, publicKey: Curve25519.Signing.PublicKey) throws(PackageError) -> Verification {
        if package.starts(with: PackageEncryption.magic) { throw .encrypted }
        guard let eocd = endOfCentralDirectory(in: package), eocd.commentLength > 0 else { throw .notAPackage }
        let commentStart = eocd.offset + 22
        let comment = String(decoding: package[commentStart...], as: UTF8.self)
        guard comment.hasPrefix(commentPrefix),
              let signature = Data(base64Encoded: String(comment.dropFirst(commentPrefix.count))) else { throw .unsigned }
        // Base64 has unused bits in its last character: insist on the canonical text so no byte can change unnoticed.
        guard comment == commentPrefix + signature.base64EncodedString() else { throw .fileSignatureInvalid }
        var signed = Data(package[package.startIndex..<commentStart])
        signed[signed.startIndex + eocd.offset + 20] = 0
        signed[signed.startIndex + eocd.offset + 21] = 0
        guard publicKey.isValidSignature(signature, for: signed) else { throw .fileSignatureInvalid }

        let members = try read(signed)
        guard let manifestData = members.first(where: { $0.name == manifestName })?.data,
              let sigText = members.first(where: { $0.name == manifestSignatureName })?.data,
              let manifestSignature = Data(base64Encoded: sigText) else { throw .manifestMissing }
        guard publicKey.isValidSignature(manifestSignature, for: manifestData) else { throw .manifestSignatureInvalid }
        guard let manifest = try? JSONDecoder().decode(Manifest.self, from: manifestData) else { throw .manifestMissing }
        var contents: [String: Data] = [:]
        for m in members where m.name != manifestName && m.name != manifestSignatureName {
            guard let expected = manifest.files[m.name] else { throw .unexpectedMember(m.name) }
            guard hex(SHA256.hash(data: m.data)) == expected else { throw .memberChanged(m.name) }
            contents[m.name] = m.data
        }
        for name in manifest.files.keys where contents[name] == nil { throw .memberMissing(name) }
        return Verification(members: members.map(\.name), signerFingerprint: PackageKeys.fingerprint(publicKey.rawRepresentation),
                            contents: contents)
    }

    // MARK: - ZIP

    private static func archive(_ parts: [(name: String, data: Data)], date: Date) throws(PackageError) -> Data {
        do {
            let archive = try Archive(data: Data(), accessMode: .create, pathEncoding: nil)
            for part in parts {
                let data = part.data
                try archive.addEntry(
                    with: part.name, type: .file, uncompressedSize: Int64(data.count), modificationDate: date,
                    compressionMethod: .deflate, bufferSize: 1 << 20
                ) { position, size in
                    let start = Int(position)
                    return data.subdata(in: start..<min(start + size, data.count))
                }
            }
            guard let data = archive.data else { throw PackageError.archiveFailed }
            return data
        } catch {
            throw .archiveFailed
        }
    }

    private static func read(_ zip: Data) throws(PackageError) -> [(name: String, data: Data)] {
        do {
            let archive = try Archive(data: zip, accessMode: .read, pathEncoding: nil)
            var out: [(name: String, data: Data)] = []
            for entry in archive {
                var data = Data()
                _ = try archive.extract(entry, bufferSize: 1 << 20, skipCRC32: false) { data.append($0) }
                out.append((entry.path, data))
            }
            return out
        } catch {
            throw .memberUnreadable
        }
    }

    /// The end-of-central-directory record: its offset and comment length.
    static func endOfCentralDirectory(in data: Data) -> (offset: Int, commentLength: Int)? {
        let bytes = [UInt8](data.suffix(22 + 65_535))
        let base = data.count - bytes.count
        var i = bytes.count - 22
        while i >= 0 {
            if bytes[i] == 0x50, bytes[i + 1] == 0x4b, bytes[i + 2] == 0x05, bytes[i + 3] == 0x06 {
                let length = Int(bytes[i + 20]) | Int(bytes[i + 21]) << 8
                if i + 22 + length == bytes.count { return (base + i, length) }
            }
            i -= 1
        }
        return nil
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String { digest.map { String(format: "%02x", $0) }.joined() }
}

/// Why a package could not be built, decrypted or verified.
public enum PackageError: Error, Sendable, Hashable, CustomStringConvertible {
    case archiveFailed
    case notAPackage
    case unsigned
    case fileSignatureInvalid
    case manifestMissing
    case manifestSignatureInvalid
    case memberChanged(String)
    case memberMissing(String)
    case unexpectedMember(String)
    case memberUnreadable
    case unreadableKey
    case encrypted
    case notEncrypted
    case wrongSecret
    case damagedEncryptionHeader
    case keyDerivationFailed

    public var description: String {
        switch self {
        case .archiveFailed: "The package archive could not be written."
        case .notAPackage: "This file is not a pim share package (no ZIP end record with a signature)."
        case .unsigned: "This package carries no pim signature."
        case .fileSignatureInvalid:
            "The package signature does not match: the file was changed after signing, or it was signed by a different key."
        case .manifestMissing: "The package has no readable manifest."
        case .manifestSignatureInvalid: "The manifest signature does not match the producer's key."
        case .memberChanged(let n): "\(n) does not match the SHA-256 in the signed manifest: it was changed."
        case .memberMissing(let n): "\(n) is listed in the signed manifest but missing from the package."
        case .unexpectedMember(let n): "\(n) is in the package but not in the signed manifest."
        case .memberUnreadable: "A member of the package cannot be read (damaged archive)."
        case .unreadableKey: "The key file is not a PEM key of the expected kind (Ed25519 public, X25519 public or private)."
        case .encrypted: "This package is encrypted; give --passphrase-file or --identity to decrypt it first."
        case .notEncrypted: "This package is not encrypted."
        case .wrongSecret: "The package cannot be decrypted: wrong passphrase or key, or the encrypted file was changed."
        case .damagedEncryptionHeader: "The encryption header of the package is damaged."
        case .keyDerivationFailed: "The key could not be derived from the passphrase."
        }
    }
}
