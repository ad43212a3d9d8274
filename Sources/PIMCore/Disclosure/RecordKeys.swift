import Crypto
import Foundation
import PIMTable

/// The secret random key of each record of a stored dataset version, for the cell-key method
/// (``PIMDisclosure/CellKeyPerturbation``).
///
/// With a record id, a record's key is derived from it (``keys(secret:dataset:recordIDs:otherwise:)``), the same
/// in every version. Otherwise the keys are the ChaCha20 keystream (read as little-endian 32-bit words) under a key derived with HKDF-SHA-256
/// from the workspace's cell-key secret and the version's id: row `i` of a version always has the same key, so
/// a cell shows the same perturbed count in every table, for every user and after every restart; two versions,
/// or two workspaces, have unrelated keys. Without the secret, which never leaves the store, the keys and hence
/// the perturbations cannot be recomputed.
public enum RecordKeys {
    /// The name of the workspace secret the keys derive from (separate from the pseudonymisation key).
    public static let secretName = "cell-key-secret"

    /// 32 random bytes for a new secret.
    public static func newSecret() -> Data { SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) } }

    /// The keys of rows `0 ..< count` of the version `scope` names (its id).
    public static func keys(secret: Data, scope: String, count: Int) -> [UInt32] {
        guard count > 0 else { return [] }
        let key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: secret), salt: Data("pim cell-key record keys".utf8),
            info: Data(scope.utf8), outputByteCount: 32)
        // Sealing zeros gives the keystream itself (the derived key is used for this scope only, so the fixed
        // nonce is never reused with another keystream's key).
        let zeros = Data(count: count * 4)
        guard let nonce = try? ChaChaPoly.Nonce(data: Data(count: 12)),
            let box = try? ChaChaPoly.seal(zeros, using: key, nonce: nonce)
        else { return fallbackKeys(key: key, count: count) }
        let stream = box.ciphertext
        var out = [UInt32](repeating: 0, count: count)
        stream.withUnsafeBytes { raw in
            for i in 0..<count { out[i] = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)) }
        }
        return out
    }

    /// The keys of records by their ids within the dataset `dataset` names (its id): the first four bytes of an
    /// HMAC-SHA-256 of the record id under a key derived from the secret and the dataset, so a record keeps its
    /// key in every version of the dataset (a cumulative file imported again does not re-draw every cell's
    /// perturbation). Rows without an id take the key of `otherwise` at their position.
    public static func keys(secret: Data, dataset: String, recordIDs: [String?], otherwise: [UInt32]) -> [UInt32] {
        let key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: secret), salt: Data("pim cell-key record keys by record id".utf8),
            info: Data(dataset.utf8), outputByteCount: 32)
        return recordIDs.enumerated().map { i, id in
            guard let id else { return i < otherwise.count ? otherwise[i] : 0 }
            let mac = HMAC<SHA256>.authenticationCode(for: Data(id.utf8), using: key)
            return mac.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) }
        }
    }

    /// The keys of the rows of a stored version, as the server and `pim aggregate --cell-key` both use them:
    /// by record id when `recordIDs` (the version's record id column, ``ConsentFilter/recordIDField(in:)``) holds
    /// a value for the row, by row within the version otherwise.
    public static func keys(secret: Data, dataset: String, version: String, recordIDs: Column?, count: Int) -> [UInt32] {
        let byRow = keys(secret: secret, scope: version, count: count)
        guard let ids = recordIDs, ids.count == count else { return byRow }
        let values: [String?] = (0..<count).map { r in
            switch ids[r] {
            case .null: nil
            case .text(let t): t
            case .integer(let i): String(i)
            default: String(describing: ids[r])
            }
        }
        return keys(secret: secret, dataset: dataset, recordIDs: values, otherwise: byRow)
    }

    /// HMAC-SHA-256 of each row number, should the cipher be unavailable (it is not expected to be).
    private static func fallbackKeys(key: SymmetricKey, count: Int) -> [UInt32] {
        (0..<count).map { i in
            let mac = HMAC<SHA256>.authenticationCode(for: Data(String(i).utf8), using: key)
            return mac.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) }
        }
    }
}
