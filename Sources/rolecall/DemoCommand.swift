import ArgumentParser
import CommandLineSupport
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Session

struct DemoCommand: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole flow against the bundled emulator: no AWS account needed.",
        discussion: """
        Starts rolesanywhere-emulator (installed next to rolecall) on loopback, creates a temporary home, runs `init`, registers \
        the CA as a trust anchor, adds an MFA profile, computes the TOTP code itself, and runs COMMAND \
        (default: aws sts get-caller-identity) through the exec path. The temporary home is removed afterwards, \
        and the emulator stopped, unless --keep. The home is made under $TMPDIR (else /tmp).
        """
    )

    @Flag(help: "Leave the emulator running, and the temporary home with it; print the lines that use them and how to stop it.")
    var keep = false

    @Argument(parsing: .postTerminator, help: "The command to run inside the session, after --.")
    var command: [String] = []

    func run(_ ctx: CommandContext) async throws {
        var status: Int32 = 0
        try await ctx.reportingErrors {
            let demo = Demo(environment: ctx.environment, transport: ctx.makeTransport(ctx.environment, nil),
                            report: { ctx.err($0 + "\n") }, print: { ctx.out($0) })
            status = try await demo.run(command: command, keep: keep)
        }
        if status != 0 { throw ExitCode(status) }
    }
}
