import ArgumentParser
import Foundation

/// Every command names itself (`commandName`): otherwise argument-parser derives the name with
/// `String(describing:)` on the type, and each of those costs the Swift runtime a scan of every
/// protocol conformance in this large binary on every start (BENCHMARKS.md).
@main
struct Rolecall: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rolecall",
        abstract: "Short-lived AWS credentials through IAM Roles Anywhere, behind a per-session MFA check.",
        discussion: """
        rolecall checks an MFA code, certifies a fresh in-memory key for 60 seconds, calls \
        CreateSession once, and hands the credentials to one process tree only. Nothing secret is \
        written to disk. Start with `rolecall demo` (no AWS account needed) or `rolecall init`.
        """,
        version: BuildInfo.versionLine,
        subcommands: [
            InitCommand.self, CACommand.self, MFACommand.self, ProfileCommand.self,
            ExecCommand.self, EnvCommand.self, CredentialProcessCommand.self, AWSConfigCommand.self,
            StatusCommand.self, DemoCommand.self, IssuerCommand.self, LoginCommand.self, LogoutCommand.self,
        ]
    )

    /// argument-parser's own flow, except that usage errors exit 2 as DESIGN.md's contract says
    /// (argument-parser would use 64).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
