import Foundation
import Testing
import TestSupport

/// Duration options are parsed once, with the command line: a malformed one is a usage error
/// (exit 2) that shows the accepted forms, before anything runs or is asked for.
@Suite(.removesTemporaryFiles) struct DurationOptionTests {
    static let forms = "use seconds (3600) or units such as 15m, 1h, 1h30m"

    static func environment(_ base: String) -> [String: String] {
        ["PATH": "/usr/bin:/bin", "HOME": base, "ROLECALL_HOME": base + "/home", "LANG": "C.UTF-8"]
    }

    @Test(arguments: [
        (Paths.rolecall, ["exec", "--duration", "soon", "--", "true"]),
        (Paths.rolecall, ["env", "--duration", "1h1h"]),
        (Paths.rolecall, ["profile", "add", "dev", "--role-arn", "arn:aws:iam::123456789012:role/dev", "--source-profile", "base", "--duration", "1x"]),
        (SplitBinariesTests.issuer, ["user", "add", "bob", "--login-session", "a week"]),
        (SplitBinariesTests.issuer, ["audit", "--since", "yesterday"]),
    ])
    func aMalformedDurationIsAUsageErrorThatShowsTheForms(program: String, arguments: [String]) async throws {
        let base = try Paths.temporaryDirectory("rolecall-duration")
        defer { try? FileManager.default.removeItem(atPath: base) }
        let outcome = try await ProcessRunner.run(program, arguments, environment: Self.environment(base))
        #expect(outcome.status == 2, "\(outcome.stderr)")
        #expect(outcome.stderr.contains(Self.forms), "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: base + "/home"), "nothing ran")
    }

    /// A session's length is checked against AWS's range when parsed, in the policy's words.
    @Test(arguments: [("10m", "minimum is 900"), ("13h", "at most 12h")])
    func aSessionOutsideAWSRangeIsAUsageError(duration: String, reason: String) async throws {
        let base = try Paths.temporaryDirectory("rolecall-duration")
        defer { try? FileManager.default.removeItem(atPath: base) }
        let outcome = try await ProcessRunner.run(Paths.rolecall, ["env", "--duration", duration], environment: Self.environment(base))
        #expect(outcome.status == 2, "\(outcome.stderr)")
        #expect(outcome.stderr.contains(reason), "\(outcome.stderr)")
    }
}
