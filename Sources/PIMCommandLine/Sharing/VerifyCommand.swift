import ArgumentParser
import Crypto
import Foundation
import PIMCore
import PIMStorage

/// `pim verify FILE [--public-key FILE]`: the recipient's check of a package.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a package's signatures and file hashes; exit 1 if anything changed.",
        discussion: """
            Examples:
              pim verify pm-drc.zip --public-key producer.pem
              pim verify pm-drc.pimenc --public-key producer.pem \\
                  --passphrase-file pass.txt --extract pm-drc/

            A verified package's metadata follows: dataset, level and method, agreement, producer and recipient, delete-by date, period, consent and risk. With only the producer's public key (from `pim key export`), no workspace is needed. Without --public-key, the key of the workspace in --data-dir is used (the producer checking its own package).
            """
    )

    @Argument(help: "The package file.") var file: String
    @Option(help: "The producer's Ed25519 public key (PEM).") var publicKey: String?
    @Option(help: "Passphrase file, for a package encrypted with a passphrase.") var passphraseFile: String?
    @Option(help: "Your X25519 private key (PEM), for a package encrypted to your key.") var identity: String?
    @Option(help: "After a successful check, write the files into this directory.") var extract: String?
    @Option(help: "text or json (verified or not, the signer's key fingerprint, the files, the package's metadata); exit 1 if not verified.") var format: OutputFormat = .text
    @OptionGroup var store: StoreOptions

    func run() async throws {
        guard let bytes = FileManager.default.contents(atPath: file) else { throw CLIError("\(file): no such file.") }
        let key: Curve25519.Signing.PublicKey
        if let publicKey {
            key = try Self.signingKey(file: publicKey)
        } else {
            // A recipient has no workspace, and needs none (QA11 S13: it was told to run `pim init`).
            let noKey = CLIError("No --public-key given, and no workspace here whose key signed it: give the producer's public key, --public-key PRODUCER.pem (the producer makes it with `pim key export`).")
            guard store.storeExists else { throw noKey }
            do {
                key = try await store.withStore(writing: true, command: "pim verify") { try await ShareFileDelivery.signingKey($0).publicKey }
            } catch StoreError.notInitialized { throw noKey }
        }
        // A package that cannot be decrypted is not verified either, and says so as a bad signature does (QA18 F7).
        func notVerified(_ why: String) throws -> Never {
            if format == .json {
                try Output.printJSON(VerifySummary(verified: false, reason: why, error: why))
                throw ExitCode(1)
            }
            throw CLIError("NOT VERIFIED: \(why)")
        }
        var package = bytes
        if PackageEncryption.isEncrypted(bytes) {
            let secret = try passphraseFile.map { try Secrets.passphrase(file: $0) }
            let recipientKey = try identity.map { try Self.identityKey(file: $0) }
            do throws(PackageError) {
                if let secret {
                    package = try PackageEncryption.decrypt(bytes, passphrase: secret)
                } else if let recipientKey {
                    package = try PackageEncryption.decrypt(bytes, identity: recipientKey)
                } else {
                    throw .encrypted
                }
            } catch {
                try notVerified(error.description)
            }
        }
        let v: SharePackage.Verification
        do { v = try SharePackage.verify(package, publicKey: key) } catch {
            try notVerified(error.description)
        }
        if let extract {
            let dir = URL(fileURLWithPath: extract, isDirectory: true)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for (name, data) in v.contents where !name.contains("/") && !name.hasPrefix(".") {
                try data.write(to: dir.appendingPathComponent(name))
            }
        }
        let metadata = v.contents["metadata.json"].flatMap(PackageMetadataSummary.init(data:))
        if format == .json {
            let summary = VerifySummary(
                verified: true, signerFingerprint: v.signerFingerprint, files: v.contents.keys.sorted(), extractedTo: extract)
            guard let metadata else { try Output.printJSON(summary); return }
            // The summary with the package's metadata.json object under "metadata", as the producer wrote it.
            var object = (try JSONSerialization.jsonObject(with: Data(try Output.json(summary).utf8))) as? [String: Any] ?? [:]
            object["metadata"] = metadata.object
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("Verified: signed by key \(v.signerFingerprint); \(v.contents.count) files match the signed manifest (\(v.contents.keys.sorted().joined(separator: ", ")))."
              + (extract.map { " Extracted to \($0)." } ?? ""))
        if let metadata {
            print("")
            print(metadata.lines.joined(separator: "\n"))
        }
    }
}

extension VerifyCommand {
    /// The producer's Ed25519 public key; a recipient key or a private key given instead is named as such.
    static func signingKey(file: String) throws -> Curve25519.Signing.PublicKey {
        let text = try Secrets.text(file: file)
        do { return try PackageKeys.signingPublicKey(pem: text) } catch {
            if text.contains("PRIVATE KEY") {
                throw CLIError("\(file) holds a private key; --public-key needs the producer's Ed25519 public key (from `pim key export`).")
            }
            if (try? PackageKeys.agreementPublicKey(pem: text)) != nil {
                throw CLIError("\(file) holds an X25519 recipient key; --public-key needs the producer's Ed25519 signing key (from `pim key export`).")
            }
            throw error
        }
    }

    /// The recipient's X25519 private key; a public key given instead is named as such.
    static func identityKey(file: String) throws -> Curve25519.KeyAgreement.PrivateKey {
        let text = try Secrets.text(file: file)
        do { return try PackageKeys.agreementPrivateKey(pem: text) } catch {
            if text.contains("PUBLIC KEY") {
                throw CLIError("\(file) holds a public key; --identity needs your X25519 private key (PREFIX.key from `pim key recipient`).")
            }
            throw error
        }
    }
}

/// What `pim verify --format json` prints.
struct VerifySummary: Encodable {
    var verified: Bool
    var signerFingerprint: String?
    var files: [String]?
    var extractedTo: String?
    /// Why the package is not verified.
    var reason: String?
    /// The same, under the key every command's JSON gives a failure in.
    var error: String?
}

/// `pim key export|recipient`.
struct KeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Keys of share packages: export the workspace's signing public key; make a recipient key pair.",
        discussion: "Example:\n  pim key export --out producer.pem",
        subcommands: [Export.self, Recipient.self]
    )

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "export",
            abstract: "Write the workspace's Ed25519 public key (PEM) for recipients to verify packages.",
            discussion: "Example:\n  pim key export --out producer.pem")
        @OptionGroup var store: StoreOptions
        @Option(help: "File to write.") var out: String

        func run() async throws {
            try Output.checkOutput(out)
            // Read-only first, so that it works beside a running server (which holds the directory); a workspace
            // that has no signing key yet needs the writer to make it.
            let key: Curve25519.Signing.PublicKey
            do {
                key = try await store.withStore(writing: false, command: "pim key export") { try await ShareFileDelivery.signingKey($0).publicKey }
            } catch let e as StoreError {
                // Only a key still to be made needs the writer; a damaged one, say, is reported as it is.
                if case .corrupt = e { throw e }
                key = try await store.withStore(writing: true, command: "pim key export") { try await ShareFileDelivery.signingKey($0).publicKey }
            }
            try PackageKeys.pem(key).write(toFile: out, atomically: true, encoding: .utf8)
            print("Wrote the signing public key (fingerprint \(PackageKeys.fingerprint(key.rawRepresentation))) to \(out).")
        }
    }

    struct Recipient: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "recipient",
            abstract: "Make an X25519 key pair for receiving encrypted packages (no workspace needed).",
            discussion: "Example:\n  pim key recipient --out drc\n  (writes drc.key, keep it secret, and drc.pub, give it to the producer)")
        @Option(help: "Path prefix: writes PREFIX.key and PREFIX.pub.") var out: String

        func run() async throws {
            for path in [out + ".key", out + ".pub"] { try Output.checkOutput(path) }
            let k = Curve25519.KeyAgreement.PrivateKey()
            try PackageKeys.pem(k).write(toFile: out + ".key", atomically: true, encoding: .utf8)
            _ = try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: out + ".key")
            try PackageKeys.pem(k.publicKey).write(toFile: out + ".pub", atomically: true, encoding: .utf8)
            print("Wrote \(out).key (private, keep it) and \(out).pub (public, give it to the producer).")
        }
    }
}
