import Crypto
import Foundation
import PIMCore
import Testing

@Suite struct SharingPackageTests {
    let key = Curve25519.Signing.PrivateKey()
    let members: [(name: String, data: Data)] = [
        ("data.csv", Data("adm1,count\n#adm1+code,#affected+num\nXY01,12\n".utf8)),
        ("data.json", Data("[{\"adm1\":\"XY01\",\"count\":12}]".utf8)),
        ("metadata.json", Data("{\"format\":\"pim-share/1\"}".utf8)),
        ("README.txt", Data("synthetic\n".utf8)),
    ]

    func package() throws -> Data { try SharePackage.build(members: members, signingKey: key, date: SharingFixtures.now) }

    @Test func aSignedPackageVerifiesWithTheProducersPublicKey() throws {
        let v = try SharePackage.verify(try package(), publicKey: key.publicKey)
        #expect(v.contents.keys.sorted() == ["README.txt", "data.csv", "data.json", "metadata.json"])
        #expect(v.contents["data.csv"] == members[0].data)
        #expect(v.members.suffix(2) == ["manifest.json", "manifest.sig"])
    }

    @Test func flippingAnyByteIsDetected() throws {
        let p = try package()
        // Every byte of the file (headers, data, directory, signature comment), one low bit at a time
        for i in 0..<p.count {
            var t = p
            t[i] ^= 0x01
            #expect(throws: PackageError.self, "byte \(i) of \(p.count)") { _ = try SharePackage.verify(t, publicKey: key.publicKey) }
        }
    }

    @Test func anotherKeyDoesNotVerify() throws {
        #expect(throws: PackageError.fileSignatureInvalid) {
            _ = try SharePackage.verify(try package(), publicKey: Curve25519.Signing.PrivateKey().publicKey)
        }
    }

    @Test func appendingOrTruncatingIsDetected() throws {
        let p = try package()
        #expect(throws: PackageError.self) { _ = try SharePackage.verify(p + Data([0]), publicKey: key.publicKey) }
        #expect(throws: PackageError.self) { _ = try SharePackage.verify(p.dropLast(), publicKey: key.publicKey) }
    }

    @Test func passphraseEncryptionRoundTripsAndDetectsTampering() throws {
        let p = try package()
        let sealed = try PackageEncryption.encrypt(p, passphrase: "correct horse battery", logN: 10)
        #expect(PackageEncryption.isEncrypted(sealed))
        #expect(sealed.range(of: Data("XY01".utf8)) == nil)
        #expect(try PackageEncryption.decrypt(sealed, passphrase: "correct horse battery") == p)
        #expect(throws: PackageError.wrongSecret) { _ = try PackageEncryption.decrypt(sealed, passphrase: "wrong horse battery") }
        var t = sealed
        t[t.count - 20] ^= 0x80
        #expect(throws: PackageError.wrongSecret) { _ = try PackageEncryption.decrypt(t, passphrase: "correct horse battery") }
        #expect(throws: PackageError.encrypted) { _ = try SharePackage.verify(sealed, publicKey: key.publicKey) }
    }

    @Test func recipientKeyEncryptionRoundTrips() throws {
        let p = try package()
        let recipient = Curve25519.KeyAgreement.PrivateKey()
        let sealed = try PackageEncryption.encrypt(p, to: recipient.publicKey)
        #expect(try PackageEncryption.decrypt(sealed, identity: recipient) == p)
        #expect(throws: PackageError.wrongSecret) {
            _ = try PackageEncryption.decrypt(sealed, identity: Curve25519.KeyAgreement.PrivateKey())
        }
    }

    @Test func keysRoundTripThroughPEM() throws {
        let pem = PackageKeys.pem(key.publicKey)
        #expect(pem.hasPrefix("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA"))  // Ed25519 SPKI, as OpenSSL writes it
        #expect(try PackageKeys.signingPublicKey(pem: pem).rawRepresentation == key.publicKey.rawRepresentation)
        let x = Curve25519.KeyAgreement.PrivateKey()
        #expect(try PackageKeys.agreementPrivateKey(pem: PackageKeys.pem(x)).rawRepresentation == x.rawRepresentation)
        #expect(try PackageKeys.agreementPublicKey(pem: PackageKeys.pem(x.publicKey)).rawRepresentation == x.publicKey.rawRepresentation)
        #expect(throws: PackageError.unreadableKey) { _ = try PackageKeys.signingPublicKey(pem: PackageKeys.pem(x.publicKey)) }
    }
}
