import Crypto
import Foundation
import _CryptoExtras

/// Optional encryption of a signed share package with a modern AEAD (ChaCha20-Poly1305); never ZipCrypto.
///
/// Layout: the magic line `PIMENC1\n`, one JSON header line ending in `\n`, then the ChaCha20-Poly1305
/// combined box (12-byte nonce, ciphertext, 16-byte tag). The magic and header are the AEAD's associated
/// data, so changing any byte of the file makes decryption fail.
///
/// - Passphrase: the key is scrypt(passphrase, 16-byte random salt, N = 2^15, r = 8, p = 1), 32 bytes.
/// - Recipient key (ECIES): an ephemeral X25519 key agrees with the recipient's X25519 public key; the key
///   is HKDF-SHA-256(shared secret, salt = ephemeral public ‖ recipient public, info = "pim-share/1").
public enum PackageEncryption {
    static let magic = Data("PIMENC1\n".utf8)
    static let info = Data("pim-share/1".utf8)

    struct Header: Codable {
        var scheme: String
        var salt: String?
        var n: Int?
        var r: Int?
        var p: Int?
        var ephemeral: String?
        var recipient: String?
    }

    /// Encrypts with a passphrase. `logN` lowers the cost in tests only.
    public static func encrypt(_ package: Data, passphrase: String, logN: Int = 15) throws(PackageError) -> Data {
        var salt = Data(count: 16)
        salt.withUnsafeMutableBytes { b in
            var g = SystemRandomNumberGenerator()
            for i in b.indices { b[i] = UInt8.random(in: 0...255, using: &g) }
        }
        let header = Header(scheme: "scrypt+chacha20poly1305", salt: salt.base64EncodedString(), n: 1 << logN, r: 8, p: 1)
        let key = try scrypt(passphrase, header: header)
        return try seal(package, header: header, key: key)
    }

    /// Encrypts to a recipient's X25519 public key.
    public static func encrypt(_ package: Data, to recipient: Curve25519.KeyAgreement.PublicKey) throws(PackageError) -> Data {
        let ephemeral = Curve25519.KeyAgreement.PrivateKey()
        let header = Header(scheme: "x25519-hkdf-sha256+chacha20poly1305",
                            ephemeral: ephemeral.publicKey.rawRepresentation.base64EncodedString(),
                            recipient: PackageKeys.fingerprint(recipient.rawRepresentation))
        let key = try agree(ephemeral, recipient, ephemeralPublic: ephemeral.publicKey)
        return try seal(package, header: header, key: key)
    }

    /// Decrypts a passphrase-encrypted package.
    public static func decrypt(_ file: Data, passphrase: String) throws(PackageError) -> Data {
        let (header, aad, box) = try open(file)
        guard header.scheme.hasPrefix("scrypt") else { throw .wrongSecret }
        return try unseal(box, aad: aad, key: try scrypt(passphrase, header: header))
    }

    /// Decrypts a package encrypted to `identity`'s public key.
    public static func decrypt(_ file: Data, identity: Curve25519.KeyAgreement.PrivateKey) throws(PackageError) -> Data {
        let (header, aad, box) = try open(file)
        guard header.scheme.hasPrefix("x25519"), let e = header.ephemeral.flatMap({ Data(base64Encoded: $0) }),
              let ephemeral = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: e) else { throw .wrongSecret }
        let key = try agree(identity, ephemeral, ephemeralPublic: ephemeral, recipientPublic: identity.publicKey)
        return try unseal(box, aad: aad, key: key)
    }

    public static func isEncrypted(_ file: Data) -> Bool { file.starts(with: magic) }

    // MARK: - Internals

    private static func scrypt(_ passphrase: String, header: Header) throws(PackageError) -> SymmetricKey {
        guard let s = header.salt.flatMap({ Data(base64Encoded: $0) }), let n = header.n, let r = header.r, let p = header.p,
              n >= 2, n <= 1 << 20, r >= 1, r <= 32, p >= 1, p <= 16 else { throw .damagedEncryptionHeader }
        do {
            return try KDF.Scrypt.deriveKey(from: Data(passphrase.utf8), salt: s, outputByteCount: 32, rounds: n,
                                            blockSize: r, parallelism: p)
        } catch { throw .keyDerivationFailed }
    }

    private static func agree(
        _ mine: Curve25519.KeyAgreement.PrivateKey, _ theirs: Curve25519.KeyAgreement.PublicKey,
        ephemeralPublic: Curve25519.KeyAgreement.PublicKey, recipientPublic: Curve25519.KeyAgreement.PublicKey? = nil
    ) throws(PackageError) -> SymmetricKey {
        guard let shared = try? mine.sharedSecretFromKeyAgreement(with: theirs) else { throw .wrongSecret }
        let recipient = recipientPublic ?? theirs
        return shared.hkdfDerivedSymmetricKey(
            using: SHA256.self, salt: ephemeralPublic.rawRepresentation + recipient.rawRepresentation,
            sharedInfo: info, outputByteCount: 32)
    }

    private static func seal(_ plain: Data, header: Header, key: SymmetricKey) throws(PackageError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let h = try? encoder.encode(header) else { throw .archiveFailed }
        let aad = magic + h + Data("\n".utf8)
        guard let box = try? ChaChaPoly.seal(plain, using: key, authenticating: aad) else { throw .archiveFailed }
        return aad + box.combined
    }

    private static func open(_ file: Data) throws(PackageError) -> (Header, Data, Data) {
        guard file.starts(with: magic) else { throw .notEncrypted }
        let rest = file.dropFirst(magic.count)
        guard let nl = rest.firstIndex(of: 0x0a),
              let header = try? JSONDecoder().decode(Header.self, from: Data(rest[rest.startIndex..<nl])) else {
            throw .damagedEncryptionHeader
        }
        return (header, Data(file[file.startIndex...nl]), Data(file[(nl + 1)...]))
    }

    private static func unseal(_ box: Data, aad: Data, key: SymmetricKey) throws(PackageError) -> Data {
        guard let sealed = try? ChaChaPoly.SealedBox(combined: box),
              let plain = try? ChaChaPoly.open(sealed, using: key, authenticating: aad) else { throw .wrongSecret }
        return plain
    }
}
