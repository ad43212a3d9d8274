import HummingbirdBcrypt

/// Hashes and checks passwords with bcrypt.
public struct PasswordHasher: Sendable {
    /// New passwords need at least this many characters.
    public static let minimumLength = 12
    /// bcrypt cost; tests may lower it to keep them fast.
    public var cost: UInt8

    public init(cost: UInt8 = 12) { self.cost = cost }

    /// The most bytes (UTF-8) a password may have: bcrypt reads no further, so the rest of a longer one
    /// would be ignored at every sign-in.
    public static let maximumBytes = 72

    /// Hashes a new password after checking it: at least ``minimumLength`` characters, not only spaces or
    /// other invisible characters, not one character repeated, and at most ``maximumBytes`` bytes.
    /// - Throws: ``DomainError/weakPassword(minimumLength:)``, ``DomainError/passwordTooLong(maximumBytes:)``.
    public func hash(newPassword: String) throws(DomainError) -> String {
        if let weakness = Self.weakness(of: newPassword) { throw weakness }
        return Bcrypt.hash(newPassword, cost: cost)
    }

    /// Why `newPassword` would be refused by ``hash(newPassword:)``, or nil when it is acceptable; lets a prompt
    /// refuse a weak password before asking for it a second time.
    public static func weakness(of newPassword: String) -> DomainError? {
        guard newPassword.utf8.count <= maximumBytes else { return .passwordTooLong(maximumBytes: maximumBytes) }
        guard newPassword.count >= minimumLength,
              newPassword.contains(where: { !$0.isWhitespace && !$0.unicodeScalars.allSatisfy { $0.properties.isDefaultIgnorableCodePoint } }),
              Set(newPassword).count > 1
        else { return .weakPassword(minimumLength: minimumLength) }
        return nil
    }

    /// Whether `password` matches the stored bcrypt `hash`. A password longer than ``maximumBytes`` never
    /// matches (bcrypt would compare its first 72 bytes only, accepting a different password).
    public func verify(_ password: String, against hash: String) -> Bool {
        password.utf8.count <= Self.maximumBytes && Bcrypt.verify(password, hash: hash)
    }
}
