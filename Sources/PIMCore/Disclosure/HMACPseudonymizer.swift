import Crypto
import Foundation
import PIMDisclosure

/// Keyed pseudonyms: HMAC-SHA-256 of the id under the workspace's secret key, hex, prefixed `P-`.
///
/// The same id always maps to the same pseudonym inside one workspace (so records can still be linked
/// across shares from it) and never across workspaces (each has its own random key). The key never leaves
/// the store; without it a pseudonym cannot be reversed or recomputed from a guessed id.
public struct HMACPseudonymizer: Pseudonymizer {
    /// The name of the workspace secret holding the key.
    public static let secretName = "pseudonymisation-key"
    /// Key bytes (`SymmetricKey` is not `Sendable`; a key is rebuilt per call, which is cheap next to the HMAC).
    private let key: Data
    /// Hex characters kept (64 bits by default: collisions are negligible below billions of ids).
    public var length: Int
    /// Keeps pseudonyms of one use apart from another's: shares have none (their pseudonyms stay stable for
    /// recipients); files written by `pim anonymize` or the web's disclosure page use ``files``, so that such a
    /// file cannot be joined with a share by its pseudonyms (whose suppressions it does not keep).
    public var domain: String?

    /// The domain of files made outside a share.
    public static let files = "files"

    public init(key: Data, length: Int = 16, domain: String? = nil) {
        self.key = key
        self.length = max(8, min(64, length))
        self.domain = domain
    }

    /// 32 random bytes for a new workspace key.
    public static func newKey() -> Data { SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) } }

    public func pseudonym(for id: String) -> String {
        let message = domain.map { Data(($0 + "\u{0}" + id).utf8) } ?? Data(id.utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key))
        return "P-" + mac.map { String(format: "%02x", $0) }.joined().prefix(length)
    }
}
