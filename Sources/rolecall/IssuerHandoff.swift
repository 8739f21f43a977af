import ArgumentParser
import CommandLineSupport
import Session

/// `rolecall issuer …` is `rolecall-issuer …`: the team service is a program of its own, so the
/// client carries none of its code. Arguments pass through unchanged; the process is replaced, so
/// exit codes and signals are rolecall-issuer's own.
struct IssuerHandoff: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "issuer",
        abstract: "The team issuer service and its administration (runs rolecall-issuer).",
        discussion: "Same as `rolecall-issuer ARGUMENTS`: init, serve, user, role, audit, ca. See `rolecall-issuer --help`."
    )

    @Argument(parsing: .captureForPassthrough, help: "Passed to rolecall-issuer unchanged.", completion: Completions.issuerArguments)
    var arguments: [String] = []

    func run(_ ctx: CommandContext) async throws {
        try Self.handOff(arguments, ctx)
    }

    /// Replaces this process with rolecall-issuer (through `ctx`'s launcher), or says why not.
    static func handOff(_ arguments: [String], _ ctx: CommandContext) throws -> Never {
        do {
            let executable = try CompanionProgram.locate("rolecall-issuer", environment: ctx.environment)
            try ctx.launcher.replace(command: [executable] + arguments, environment: ctx.environment)
        } catch let error as ProcessLauncher.LaunchError {
            ctx.err("rolecall: \(error.description)\n")
            // 126 or 127 when it is there but cannot start, as a shell says.
            throw ExitCode(error.exitCode)
        } catch let error as CompanionProgram.NotInstalled {
            ctx.err("rolecall: \(error.description)\n")
            throw ExitCode(1)
        }
    }
}
