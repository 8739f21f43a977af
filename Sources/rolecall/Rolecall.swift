import ArgumentParser
import CommandLineSupport

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
        written to disk. Start with `rolecall demo` (no AWS account needed) or `rolecall init`. State \
        lives in $ROLECALL_HOME (default $XDG_CONFIG_HOME/rolecall, else ~/.config/rolecall); every \
        variable rolecall reads or sets is listed under ENVIRONMENT in rolecall(1).
        """,
        version: BuildInfo.versionLine("rolecall"),
        subcommands: [
            InitCommand.self, CACommand.self, MFACommand.self, ProfileCommand.self,
            ExecCommand.self, EnvCommand.self, AgentCommand.self, CredentialProcessCommand.self, AWSConfigCommand.self,
            ConsoleCommand.self, StatusCommand.self, PromptCommand.self, DemoCommand.self, IssuerHandoff.self, LoginCommand.self, LogoutCommand.self,
        ]
    )

    static func main() async {
        // Handed off before parsing, so that every argument, `--help` and `--version` among them,
        // reaches rolecall-issuer as typed.
        let arguments = CommandLine.arguments
        if arguments.count > 1, arguments[1] == IssuerHandoff.configuration.commandName {
            do { try IssuerHandoff.handOff(Array(arguments.dropFirst(2)), .live) } catch { exit(withError: error) }
        }
        CommandMain.exit(status: await status(of: nil, in: .live))
    }
}
