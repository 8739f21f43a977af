import IssuerProtocol

/// Why `rolecall login` stopped before or between its requests to the team issuer, with what to do
/// next. Never holds a password or a code.
public struct LoginError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case noEarlierLogin, firstLoginNeedsCode, noPassword, noNewPassword, newPasswordsDiffer, newPasswordRefused, noPasswordLine
    }

    public let code: Code
    public let description: String

    init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }

    public static func noEarlierLogin() -> LoginError {
        .init(.noEarlierLogin, "give --issuer URL and --user NAME: no earlier login to take them from")
    }

    public static func firstLoginNeedsCode() -> LoginError {
        .init(.firstLoginNeedsCode, "your first login sets a new password and needs an MFA code: leave out --no-mfa")
    }

    static func noPassword() -> LoginError {
        .init(.noPassword, "a password is needed and there is no terminal to ask on: use --password-stdin")
    }

    static func noNewPassword() -> LoginError {
        .init(.noNewPassword, "a new password is needed and there is no terminal to ask on: use --password-stdin")
    }

    static func newPasswordsDiffer() -> LoginError {
        .init(.newPasswordsDiffer, "the two new passwords differ: run `rolecall login` again")
    }

    /// `problem` is `IssuerAPI.newPasswordProblem`'s, which names the rule and never the password.
    static func newPasswordRefused(_ problem: String) -> LoginError { .init(.newPasswordRefused, problem) }

    static func noPasswordLine(_ missing: String) -> LoginError { .init(.noPasswordLine, "--password-stdin: " + missing) }
}
