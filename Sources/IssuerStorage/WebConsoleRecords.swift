import Foundation

/// One TOTP device (authenticator app) of a user. A user has one or more; a new one counts once a
/// code from it has been confirmed.
public struct TOTPDevice: Sendable, Equatable, CustomStringConvertible {
    public var user: String
    /// "default" for the device made with the account or by a reset; a name the user chose otherwise.
    public var name: String
    /// The seed, sealed with the issuer key.
    public var sealedSeed: [UInt8]
    public var confirmed: Bool
    public var createdAt: Date

    public init(user: String, name: String, sealedSeed: [UInt8], confirmed: Bool, createdAt: Date) {
        self.user = user
        self.name = name
        self.sealedSeed = sealedSeed
        self.confirmed = confirmed
        self.createdAt = createdAt
    }

    public static let initialName = "default"

    public var description: String { "TOTPDevice(\(user)/\(name), confirmed: \(confirmed), seed: <redacted>)" }
}

/// A signed-in web console session. The browser holds a random cookie; the database holds its
/// SHA-256 (`idHash`), so that every replica sees the same sessions and the same idle clock.
public struct WebConsoleSessionRecord: Sendable, Equatable, CustomStringConvertible {
    public var idHash: [UInt8]
    public var user: String
    /// The user's token generation at sign-in: a disable or reset raises it and ends the session.
    public var tokenGeneration: Int64
    /// Carried by every state-changing form.
    public var csrfToken: String
    /// Signed in with a one-time password: the only thing allowed is choosing a new one.
    public var passwordChangeOnly: Bool
    /// Signed in after an administrator's reset: a device may be enrolled without a code from another.
    public var enrolWithoutCode: Bool
    public var createdAt: Date
    /// The end of the login session.
    public var expiresAt: Date
    public var lastSeenAt: Date

    public init(idHash: [UInt8], user: String, tokenGeneration: Int64, csrfToken: String, passwordChangeOnly: Bool,
                enrolWithoutCode: Bool, createdAt: Date, expiresAt: Date, lastSeenAt: Date) {
        self.idHash = idHash
        self.user = user
        self.tokenGeneration = tokenGeneration
        self.csrfToken = csrfToken
        self.passwordChangeOnly = passwordChangeOnly
        self.enrolWithoutCode = enrolWithoutCode
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.lastSeenAt = lastSeenAt
    }

    public var description: String { "WebConsoleSessionRecord(\(user), until: \(expiresAt), id and CSRF token: <redacted>)" }
}

/// Which audit rows the console's audit page shows; nil fields do not filter.
public struct AuditFilter: Sendable, Equatable {
    public var user: String?
    public var event: String?
    public var result: String?
    public var from: Date?
    /// Exclusive.
    public var until: Date?

    public init(user: String? = nil, event: String? = nil, result: String? = nil, from: Date? = nil, until: Date? = nil) {
        self.user = user
        self.event = event
        self.result = result
        self.from = from
        self.until = until
    }
}

/// Issuances and refusals in one hour (`hourStart`), for the console's summary chart.
public struct HourlyCounts: Sendable, Equatable {
    public var hourStart: Date
    /// Certificates issued.
    public var issued: Int64
    /// Refused logins and certificate requests (a rate-limit row counts as many as it stands for).
    public var refused: Int64

    public init(hourStart: Date, issued: Int64, refused: Int64) {
        self.hourStart = hourStart
        self.issued = issued
        self.refused = refused
    }
}
