import ArgumentParser
import CommandLineSupport
import Session

struct CredentialProcessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credential-process",
        abstract: "Print AWS credential_process JSON for a profile without per-session MFA."
    )

    @Option(help: "The profile (must have --mfa off).")
    var profile: String

    func run() async throws {
        try await Console.reportingErrors {
            let credentials = try await SessionStarter(context: Console.context()).credentialProcess(profileName: profile)
            Console.out(CredentialProcessOutput.render(credentials))
            credentials.wipe()
        }
    }
}
