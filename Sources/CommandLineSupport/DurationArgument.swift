import ArgumentParser
import RolesAnywhere

/// A duration option (`--duration 1h`, `--mfa-interval 16m`), parsed once, with the command line,
/// into seconds: a malformed one is a usage error (exit 2) that shows the accepted forms.
public struct DurationArgument: ExpressibleByArgument, Sendable, Equatable, CustomStringConvertible {
    public let seconds: Int

    public init(seconds: Int) { self.seconds = seconds }

    public init?(argument: String) {
        guard let parsed = try? Self.parse(argument) else { return nil }
        self = parsed
    }

    public var description: String { DurationText.format(seconds) }
    public var defaultValueDescription: String { description }

    /// For `@Option(transform:)`: a refusal that says which forms are accepted.
    @Sendable public static func parse(_ text: String) throws -> DurationArgument {
        DurationArgument(seconds: try DurationText.seconds(text))
    }

    /// An AWS session's length as a command asks for it: also within 15m to 12h, else a usage error
    /// that names the limit.
    @Sendable public static func session(_ text: String) throws -> DurationArgument {
        let duration = try parse(text)
        _ = try SessionDurationPolicy.durationSeconds(for: .init(requestedSeconds: duration.seconds, profileLimitSeconds: SessionDurationPolicy.maximumSeconds))
        return duration
    }
}
