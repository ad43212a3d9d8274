import Crypto
import Foundation

/// PEM encodings of the keys used by share packages, interoperable with OpenSSL
/// (`openssl pkey -pubin -in producer.pem -text`): Ed25519 signing keys (SubjectPublicKeyInfo) and
/// X25519 recipient keys (SubjectPublicKeyInfo / PKCS #8).
public enum PackageKeys {
    /// The name of the workspace secret holding the Ed25519 signing key (32 raw bytes).
    public static let signingSecretName = "signing-key"

    private static let ed25519SPKI: [UInt8] = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]
    private static let x25519SPKI: [UInt8] = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00]
    private static let x25519PKCS8: [UInt8] = [
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
    ]

    /// 32 fresh random bytes for a new workspace signing key.
    public static func newSigningKey() -> Data { Curve25519.Signing.PrivateKey().rawRepresentation }

    public static func pem(_ key: Curve25519.Signing.PublicKey) -> String {
        pem(label: "PUBLIC KEY", der: ed25519SPKI + Array(key.rawRepresentation))
    }

    public static func pem(_ key: Curve25519.KeyAgreement.PublicKey) -> String {
        pem(label: "PUBLIC KEY", der: x25519SPKI + Array(key.rawRepresentation))
    }

    public static func pem(_ key: Curve25519.KeyAgreement.PrivateKey) -> String {
        pem(label: "PRIVATE KEY", der: x25519PKCS8 + Array(key.rawRepresentation))
    }

    public static func signingPublicKey(pem text: String) throws(PackageError) -> Curve25519.Signing.PublicKey {
        let raw = try body(text, prefix: ed25519SPKI)
        do { return try Curve25519.Signing.PublicKey(rawRepresentation: raw) } catch { throw .unreadableKey }
    }

    public static func agreementPublicKey(pem text: String) throws(PackageError) -> Curve25519.KeyAgreement.PublicKey {
        let raw = try body(text, prefix: x25519SPKI)
        do { return try Curve25519.KeyAgreement.PublicKey(rawRepresentation: raw) } catch { throw .unreadableKey }
    }

    public static func agreementPrivateKey(pem text: String) throws(PackageError) -> Curve25519.KeyAgreement.PrivateKey {
        let raw = try body(text, prefix: x25519PKCS8)
        do { return try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: raw) } catch { throw .unreadableKey }
    }

    /// The PEM public key of a raw 32-byte Ed25519 signing key: what recipients verify packages with.
    /// - Throws: ``PackageError/unreadableKey`` when the raw key is damaged.
    public static func publicKeyPEM(signingKey raw: Data) throws(PackageError) -> String {
        do { return pem(try Curve25519.Signing.PrivateKey(rawRepresentation: raw).publicKey) } catch { throw .unreadableKey }
    }

    /// Short hex fingerprint (first 8 bytes of SHA-256 of the raw key) for display and audit.
    public static func fingerprint(_ raw: Data) -> String {
        SHA256.hash(data: raw).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    private static func pem(label: String, der: [UInt8]) -> String {
        "-----BEGIN \(label)-----\n" + Data(der).base64EncodedString(options: [.lineLength64Characters])
            + "\n-----END \(label)-----\n"
    }

    private static func body(_ text: String, prefix: [UInt8]) throws(PackageError) -> Data {
        let b64 = text.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("-----") }.joined()
        guard let der = Data(base64Encoded: b64), der.count == prefix.count + 32, Array(der.prefix(prefix.count)) == prefix
        else { throw .unreadableKey }
        return der.suffix(32)
    }
}
