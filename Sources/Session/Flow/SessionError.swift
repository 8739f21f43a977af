#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Issuance
import RolesAnywhere

/// Why a session cannot start or be served, with what to do next. Built from profile names,
/// durations and times only: never from a credential.
public struct SessionError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case nestedSession, chainedDurationTooLong, sourceSessionEnding, mfaWindowTooShort, endpointDidNotStart, serverKeyNotP256
    }

    public let code: Code
    public let description: String

    init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }

    static func nestedSession(current: String) -> SessionError {
        .init(.nestedSession, SessionEnvironment.nestedSessionMessage(current: current))
    }

    static func chainedDurationTooLong(_ requested: Int, profile: String, source: String) -> SessionError {
        .init(.chainedDurationTooLong, "--duration \(DurationText.format(requested)) is longer than AWS allows for role chaining (1h): profile \(Profile.shown(profile)) assumes its role with a session of \(Profile.shown(source)); ask for 1h or less")
    }

    static func sourceSessionEnding(_ source: String, at end: Date) -> SessionError {
        .init(.sourceSessionEnding, "profile \(Profile.shown(source))'s login session or certificate ends at \(RFC3339.string(from: end)), in less than the 15m an AWS session lasts: log in again (`rolecall login`) or renew the certificate")
    }

    static func mfaWindowTooShort(_ profile: String, seconds: Int) -> SessionError {
        .init(.mfaWindowTooShort, "profile \(shellQuoted(profile)) has an MFA window of \(DurationText.format(seconds)), too short for one AWS session of at least 15m: `exec --server` and `agent` need `--mfa-interval 16m` or more")
    }

    /// `error`: why the endpoint's server ended, when it did.
    static func endpointDidNotStart(_ error: (any Error)?) -> SessionError {
        .init(.endpointDidNotStart, "the credentials endpoint did not start" + (error.map { ": \($0)" } ?? ""))
    }

    static func serverKeyNotP256() -> SessionError { .init(.serverKeyNotP256, "exec --server keeps P-256 keys only") }
}
