import HummingbirdBcrypt

/// Hashes and checks passwords with bcrypt.
public struct PasswordHasher: Sendable {
    /// New passwords need at least this many characters.
    public static let minimumLength = 12
    /// bcrypt cost; tests may lower it to keep them fast.
    public var cost: UInt8

    public init(cost: UInt8 = 12) { self.cost = cost }

    /// Hashes a new password after checking it: at least ``minimumLength`` characters, not only spaces or
    /// other invisible characters, and not one character repeated.
    /// - Throws: ``DomainError/weakPassword(minimumLength:)``.
    public func hash(newPassword: String) throws(DomainError) -> String {
        guard newPassword.count >= Self.minimumLength,
              newPassword.contains(where: { !$0.isWhitespace && !$0.unicodeScalars.allSatisfy { $0.properties.isDefaultIgnorableCodePoint } }),
              Set(newPassword).count > 1
        else { throw .weakPassword(minimumLength: Self.minimumLength) }
        return Bcrypt.hash(newPassword, cost: cost)
    }

    /// Whether `password` matches the stored bcrypt `hash`.
    public func verify(_ password: String, against hash: String) -> Bool {
        Bcrypt.verify(password, hash: hash)
    }
}
