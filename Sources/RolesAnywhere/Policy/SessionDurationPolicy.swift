/// How long the AWS session asked of CreateSession lasts.
///
/// Never derived from the signing certificate's lifetime: a 60-second single-use certificate still
/// yields a session of at least 900 s, the CreateSession floor. The result is
/// `min(requested or 1 h, login session left, profile limit, role limit, 43 200)`.
public enum SessionDurationPolicy {
    public static let minimumSeconds = 900
    public static let maximumSeconds = 43_200
    public static let defaultSeconds = 3_600
    /// Every session length CreateSession accepts: the one home of 900…43 200.
    public static let range = minimumSeconds...maximumSeconds

    public struct Inputs: Sendable, Equatable {
        public var requestedSeconds: Int?
        public var loginSecondsLeft: Int?
        public var profileLimitSeconds: Int
        public var roleLimitSeconds: Int?

        public init(requestedSeconds: Int? = nil, loginSecondsLeft: Int? = nil, profileLimitSeconds: Int, roleLimitSeconds: Int? = nil) {
            self.requestedSeconds = requestedSeconds
            self.loginSecondsLeft = loginSecondsLeft
            self.profileLimitSeconds = profileLimitSeconds
            self.roleLimitSeconds = roleLimitSeconds
        }
    }

    public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        case requestedBelowMinimum(Int)
        case requestedAboveMaximum(Int)
        case loginSessionTooShort(secondsLeft: Int)
        case limitBelowMinimum(limit: String, seconds: Int)

        public var description: String {
            switch self {
            case .requestedBelowMinimum(let seconds):
                "a session of \(seconds) s was requested, but CreateSession's minimum is \(minimumSeconds) s (15m): ask for 15m or more"
            case .requestedAboveMaximum(let seconds):
                "a session of \(DurationText.format(seconds)) was requested, but IAM Roles Anywhere gives at most \(DurationText.format(maximumSeconds)): ask for 12h or less"
            case .loginSessionTooShort(let left):
                "the login session has only \(left) s left, less than the \(minimumSeconds) s an AWS session must last: log in again"
            case .limitBelowMinimum(let limit, let seconds):
                "the \(limit) limit is \(seconds) s, below CreateSession's minimum of \(minimumSeconds) s: raise it to at least 15m"
            }
        }
    }

    public static func durationSeconds(for inputs: Inputs) throws(Refusal) -> Int {
        if let requested = inputs.requestedSeconds, requested < minimumSeconds {
            throw .requestedBelowMinimum(requested)
        }
        if let requested = inputs.requestedSeconds, requested > maximumSeconds {
            throw .requestedAboveMaximum(requested)
        }
        if inputs.profileLimitSeconds < minimumSeconds {
            throw .limitBelowMinimum(limit: "profile", seconds: inputs.profileLimitSeconds)
        }
        if let role = inputs.roleLimitSeconds, role < minimumSeconds {
            throw .limitBelowMinimum(limit: "role", seconds: role)
        }
        if let left = inputs.loginSecondsLeft, left < minimumSeconds {
            throw .loginSessionTooShort(secondsLeft: max(left, 0))
        }
        let candidates = [
            inputs.requestedSeconds ?? defaultSeconds,
            inputs.loginSecondsLeft ?? .max,
            inputs.profileLimitSeconds,
            inputs.roleLimitSeconds ?? .max,
            maximumSeconds,
        ]
        return candidates.min()!
    }

    /// What cut the session below the length asked for, named for a message; nil when nothing did.
    public static func shortenedBy(_ inputs: Inputs, to seconds: Int) -> String? {
        guard let requested = inputs.requestedSeconds, seconds < requested else { return nil }
        if seconds == inputs.loginSecondsLeft { return "what is left of the login session (or of the profile's own certificate)" }
        if seconds == inputs.roleLimitSeconds { return "the role's limit on the team issuer" }
        return "the profile's --duration"
    }
}
