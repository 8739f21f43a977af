import Issuance
import IssuerProtocol

/// Why `init`, `ca rotate`, `mfa` or `demo` could not set up the local CA, its devices or a
/// demo's home, with what to do next. Never holds a TOTP seed, a code or a PIN.
public struct SetupError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalidUserName, alreadySetUp, caKeyWithPromote, caKeyMustBeOnToken, authenticatorNotAccepted
        case invalidDeviceName, deviceExists, unknownDevice, temporaryDirectory
    }

    public let code: Code
    public let description: String

    init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }

    static func invalidUserName(_ user: String) -> SetupError { .init(.invalidUserName, UserName.invalid(user)) }

    static func alreadySetUp(_ home: String) -> SetupError {
        .init(.alreadySetUp, "\(home) is already set up: nothing was changed (to start over, remove that directory)")
    }

    static func caKeyWithPromote() -> SetupError {
        .init(.caKeyWithPromote, "--ca-key names the key of a new CA; --promote switches to the staged one, which has its key already")
    }

    static func caKeyMustBeOnToken(current uri: String) -> SetupError {
        .init(.caKeyMustBeOnToken, "the current CA's key is on a token (\(uri)): give the new CA's key with --ca-key pkcs11:URI, another object on a token, so that no CA key lands in a file")
    }

    /// `checked`: a code reached the CA and was refused (else none was checked at all).
    static func authenticatorNotAccepted(_ error: MFAError, checked: Bool) -> SetupError {
        let outcome = checked ? "the authenticator's code was not accepted" : "the authenticator was not checked"
        return .init(.authenticatorNotAccepted, "\(outcome) (\(error)): check that the app shows the rolecall entry and that its clock is right, then run `rolecall mfa verify`")
    }

    /// The same refusal at the end of `init`, whose home is made by then.
    public func afterInit() -> SetupError { .init(code, "\(description) (the home is set up: do not run init again)") }

    static func invalidDeviceName(_ name: String) -> SetupError {
        .init(.invalidDeviceName, "invalid device name \"\(name.prefix(64))\": use \(ConfigError.nameRule)")
    }

    static func deviceExists(_ name: String) -> SetupError {
        .init(.deviceExists, "an MFA device named \(name) already exists: pick another name")
    }

    static func unknownDevice(_ name: String) -> SetupError { .init(.unknownDevice, "no MFA device named \(name): see `rolecall mfa list`") }

    static func temporaryDirectory(reason: String) -> SetupError {
        .init(.temporaryDirectory, "cannot create a temporary directory: \(reason)")
    }
}
