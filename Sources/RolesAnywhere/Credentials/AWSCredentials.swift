#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Temporary AWS credentials as CreateSession returns them.
///
/// The secret access key and session token are `SecretBytes`; `description` names the access key id
/// and expiry only.
public struct AWSCredentials: Sendable, CustomStringConvertible {
    public let accessKeyId: String
    public let secretAccessKey: SecretBytes
    public let sessionToken: SecretBytes
    public let expiration: Date

    public init(accessKeyId: String, secretAccessKey: SecretBytes, sessionToken: SecretBytes, expiration: Date) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }

    /// Zeroes the secret parts.
    public func wipe() {
        secretAccessKey.wipe()
        sessionToken.wipe()
    }

    public var description: String {
        "AWSCredentials(accessKeyId: \(accessKeyId), secretAccessKey: <redacted>, sessionToken: <redacted>, expiration: \(RFC3339.string(from: expiration)))"
    }
}

/// RFC 3339 timestamps in UTC with second precision, as AWS writes them (`2026-11-25T09:00:00Z`).
public enum RFC3339 {
    public static func string(from date: Date) -> String {
        UTCTime(date).text(dateSeparator: "-", timeSeparator: ":")
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)`; returns nil for anything else.
    ///
    /// The format styles are FoundationEssentials' own parser: `ISO8601DateFormatter` loaded ICU's
    /// data, which cost every `credential-process` call milliseconds and the `--server` supervisor
    /// tens of megabytes of resident memory (BENCHMARKS.md).
    public static func date(from string: String) -> Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(string))
            ?? (try? Date.ISO8601FormatStyle().parse(string))
    }
}
