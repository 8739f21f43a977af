import RolesAnywhere

/// A bad configuration, naming the key at fault.
public struct EmulatorConfigError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        // The file.
        case unreadable, missingKey, wrongType, invalidJSON
        // Its values.
        case invalidAccountId, invalidARN, otherAccount, roleOutsideProfileAccount, durationOutOfRange
        // A trust anchor's certificate file.
        case unreadableCertificate, noCertificate
    }

    public let code: Code
    public let description: String

    private init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }

    static func unreadable(_ path: String, reason: String) -> EmulatorConfigError {
        .init(.unreadable, "cannot read emulator config \(path): \(reason)")
    }

    static func missingKey(_ path: String, key: String) -> EmulatorConfigError {
        .init(.missingKey, "emulator config \(path): missing key \(key)")
    }

    static func wrongType(_ path: String, at key: String) -> EmulatorConfigError {
        .init(.wrongType, "emulator config \(path): wrong type at \(key)")
    }

    /// `key`: where the parser stopped, when it knows.
    static func invalidJSON(_ path: String, at key: String?) -> EmulatorConfigError {
        .init(.invalidJSON, "emulator config \(path): not valid JSON\(key.map { " at \($0)" } ?? "")")
    }

    static func invalidAccountId() -> EmulatorConfigError { .init(.invalidAccountId, "emulator config: accountId must be 12 digits") }

    /// `error`: `ARN`'s refusal, which names the form expected.
    static func invalidARN(at key: String, _ error: any Error) -> EmulatorConfigError {
        .init(.invalidARN, "emulator config: \(key): \(error)")
    }

    static func otherAccount(at key: String, account: String, accountId: String) -> EmulatorConfigError {
        .init(.otherAccount, "emulator config: \(key) is in account \(account), not accountId \(accountId): leave accountId out to hold several accounts")
    }

    static func roleOutsideProfileAccount(at key: String, roleArn: String, account: String) -> EmulatorConfigError {
        .init(.roleOutsideProfileAccount, "emulator config: \(key): \(printableExcerpt(roleArn, limit: 200)) is not a role in the profile's account \(account)")
    }

    static func durationOutOfRange(at key: String) -> EmulatorConfigError {
        .init(.durationOutOfRange, "emulator config: \(key) must be \(SessionDurationPolicy.minimumSeconds)…\(SessionDurationPolicy.maximumSeconds)")
    }

    static func unreadableCertificate(at key: String, _ file: String) -> EmulatorConfigError {
        .init(.unreadableCertificate, "emulator config: \(key): cannot read \(file)")
    }

    static func noCertificate(at key: String, _ file: String) -> EmulatorConfigError {
        .init(.noCertificate, "emulator config: \(key): \(file) holds no PEM certificate")
    }
}
