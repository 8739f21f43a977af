import ArgumentParser
import CommandLineSupport
import Session

struct CredentialProcessCommand: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "credential-process",
        abstract: "Print AWS credential_process JSON for a profile: from this tree's agent, or for a profile without per-session MFA.",
        discussion: """
        Inside `rolecall exec --server` or an agent's shell (ROLECALL_AGENT), a profile they serve is \
        answered by them, with no prompt. Elsewhere only profiles with --mfa off are answered.
        """
    )

    @Option(help: "The profile.", completion: Completions.profileNames)
    var profile: String

    func run(_ ctx: CommandContext) async throws {
        try await ctx.reportingErrors {
            // The agent's answer first, from the environment alone: no file is read for it.
            let credentials = if let agent = try AgentAddress.serving(profile: profile, environment: ctx.environment) {
                try AgentClient.credentials(profile: profile, address: agent)
            } else {
                try await SessionStarter(context: ctx.session()).credentialProcess(profileName: profile)
            }
            ctx.out(CredentialProcessOutput.render(credentials))
            credentials.wipe()
        }
    }
}
