import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PIMCore

/// Everything `pim serve` needs to know, resolved once by the command line (flags, then `PIM_*`
/// environment variables, then these defaults). Tests build one directly.
public struct ServerConfiguration: Sendable {
    /// Address to bind; loopback by default so that a field laptop never exposes pim by accident.
    public var host: String
    public var port: Int
    /// Mark cookies `Secure` (and use the `__Host-` prefix). Always on when pim serves TLS itself
    /// (``tls``); turn it on when pim is reached over TLS through a reverse proxy that terminates it.
    public var secureCookies: Bool {
        get { requestedSecureCookies || tls != nil }
        set { requestedSecureCookies = newValue }
    }
    private var requestedSecureCookies: Bool
    /// Serve HTTPS with this PEM certificate chain and private key (nil: plain HTTP).
    public var tls: TLSFiles?
    /// Take the client address from the last `X-Forwarded-For` entry, the one the trusted proxy appended
    /// (only behind a trusted proxy).
    public var trustForwardedFor: Bool
    /// Sessions end after this much inactivity.
    public var sessionIdleTimeout: TimeInterval
    /// Failed logins in a row that lock an account.
    public var maxFailedLogins: Int
    /// How long a locked account stays locked.
    public var lockoutDuration: TimeInterval
    /// Login attempts allowed per user name, and per client address, within `rateLimitWindow`.
    public var loginAttemptsPerUser: Int
    public var loginAttemptsPerAddress: Int
    public var rateLimitWindow: TimeInterval
    /// Rows per page in large HTML tables.
    public var pageSize: Int
    /// bcrypt cost for passwords set through the administration pages and API; tests lower it.
    public var passwordHashCost: UInt8 = 12
    /// The clock; tests inject a manual one.
    public var now: @Sendable () -> Date
    /// Where uploaded files wait for their import (each in its own folder, removed after the import).
    /// `pim serve` puts it under the data directory; nil means a private folder of this process (mode 0700)
    /// under the system's temporary directory.
    public var uploadDirectory: URL?
    /// The largest file accepted by the web import and the API upload, in bytes.
    public var maxUploadBytes: Int
    /// Signed-in sessions held at most.
    public var sessionCapacity = 20_000
    /// Anonymous (pre-login) sessions held at most, in their own pool: a flood of `GET /login` evicts only
    /// other anonymous sessions, never a signed-in one.
    public var anonymousSessionCapacity = 20_000
    /// Compute every dataset's shareable output in the background at start (`pim serve` does; tests do not),
    /// so that the first visitor after a start does not wait for a large dataset.
    public var warmCachesAtStart = false
    /// Seconds a connection may stay without a request in progress (also while a client sends a request's
    /// headers slowly or never finishes them) before it is closed, so that no client holds connections open.
    public var connectionIdleTimeout: Int64 = 30

    public init(
        host: String = "127.0.0.1", port: Int = 8080, secureCookies: Bool = false, trustForwardedFor: Bool = false,
        sessionIdleTimeout: TimeInterval = 60 * 60, maxFailedLogins: Int = 6, lockoutDuration: TimeInterval = 30 * 60,
        loginAttemptsPerUser: Int = 10, loginAttemptsPerAddress: Int = 30, rateLimitWindow: TimeInterval = 15 * 60,
        pageSize: Int = 50, tls: TLSFiles? = nil, now: @escaping @Sendable () -> Date = { Date() }, uploadDirectory: URL? = nil,
        maxUploadBytes: Int = 512 * 1024 * 1024
    ) {
        self.uploadDirectory = uploadDirectory
        self.maxUploadBytes = maxUploadBytes
        self.host = host
        self.port = port
        self.requestedSecureCookies = secureCookies
        self.tls = tls
        self.trustForwardedFor = trustForwardedFor
        self.sessionIdleTimeout = sessionIdleTimeout
        self.maxFailedLogins = maxFailedLogins
        self.lockoutDuration = lockoutDuration
        self.loginAttemptsPerUser = loginAttemptsPerUser
        self.loginAttemptsPerAddress = loginAttemptsPerAddress
        self.rateLimitWindow = rateLimitWindow
        self.pageSize = pageSize
        self.now = now
    }

    /// Where uploads wait for confirmation (``uploadDirectory``, else a folder of this process) and how large they may be.
    public var uploads: UploadSettings {
        UploadSettings(directory: uploadDirectory ?? UploadSettings.processDirectory, maxBytes: maxUploadBytes)
    }

    /// The session cookie's name: `__Host-` prefixed when Secure, so browsers refuse it over plain HTTP
    /// and from sub-domains.
    var sessionCookieName: String { secureCookies ? "__Host-pim_session" : "pim_session" }
}

/// The PEM files of `pim serve --tls-cert FILE --tls-key FILE`.
public struct TLSFiles: Sendable, Hashable {
    /// The certificate chain, leaf first (PEM).
    public var certificate: String
    /// The private key (PEM, unencrypted).
    public var key: String

    public init(certificate: String, key: String) {
        self.certificate = certificate
        self.key = key
    }
}
