import ArgumentParser
import CommandLineSupport
import Session

/// `rolecall issuer …` is `rolecall-issuer …`: the team service is a program of its own, so the
/// client carries none of its code. Arguments pass through unchanged; the process is replaced, so
/// exit codes and signals are rolecall-issuer's own.
struct IssuerHandoff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issuer",
        abstract: "The team issuer service and its administration (runs rolecall-issuer).",
        discussion: "Same as `rolecall-issuer ARGUMENTS`: init, serve, user, role, audit, ca. See `rolecall-issuer --help`."
    )

    @Argument(parsing: .captureForPassthrough, help: "Passed to rolecall-issuer unchanged.", completion: Completions.issuerArguments)
    var arguments: [String] = []

    func run() throws {
        try Self.handOff(arguments)
    }

    static func handOff(_ arguments: [String]) throws -> Never {
        do {
            try CompanionProgram.handOff(to: "rolecall-issuer", arguments: arguments, environment: StandardIO.environment)
        } catch {
            StandardIO.err("rolecall: \(StandardIO.message(for: error))\n")
            // 126 or 127 when it is there but cannot start, as a shell says; 1 when it is not installed.
            throw ExitCode((error as? ProcessLauncher.LaunchError)?.exitCode ?? 1)
        }
    }
}
