import ArgumentParser

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
            StatusCommand.self, DemoCommand.self,
        ]
    )
}
