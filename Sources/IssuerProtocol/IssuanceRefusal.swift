/// An issuer said no for a reason other than the MFA code itself. The reason is a stable code
/// (the team issuer's API and audit rows use the same strings); the message says what to do next.
public struct IssuanceRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable, Codable, CaseIterable {
        case badRequest = "bad-request"
        case badCSR = "bad-csr"
        case unauthenticated = "unauthenticated"
        case wrongPassword = "wrong-password"
        case unknownUser = "unknown-user"
        case userDisabled = "user-disabled"
        case tokenExpired = "token-expired"
        case tokenInvalid = "token-invalid"
        case roleNotAllowed = "role-not-allowed"
        case kindNotAllowed = "kind-not-allowed"
        case mfaRequired = "mfa-required"
        case wrongCode = "wrong-code"
        case replayedCode = "replayed-code"
        case locked = "locked"
        case rateLimited = "rate-limited"
        case loginTooShort = "login-too-short"
        case passwordChangeRequired = "password-change-required"
        case unavailable = "unavailable"
    }

    public let reason: Reason
    public let message: String
    /// For a wrong code: how many more the user may get wrong before the lockout.
    public let attemptsLeft: Int?

    public init(reason: Reason, message: String, attemptsLeft: Int? = nil) {
        self.reason = reason
        self.message = message
        self.attemptsLeft = attemptsLeft
    }

    public var description: String { message }
}
