import ArgumentParser
import CommandLineSupport
import Session

/// A rolecall command: it runs against a `CommandContext`, the live one in the program, a fake one
/// in the in-process tests (swiftly's pattern).
protocol ContextualCommand: AsyncParsableCommand {
    func run(_ ctx: CommandContext) async throws
}

extension ContextualCommand {
    func run() async throws { try await run(.live) }
}

extension CommandContext {
    /// Runs `body`; any error becomes `rolecall: <message>` on stderr and exit status 1.
    func reportingErrors(_ body: () async throws -> Void) async throws {
        try await StandardIO.reportingErrors(to: output.err, as: "rolecall") {
            do {
                try await body()
            } catch {
                if !(error is ExitCode || error is CleanExit) { sawError(error) }
                throw error
            }
        }
    }
}

extension Rolecall {
    /// One command line, parsed and run against `ctx` in this process: its exit status, the usage
    /// errors, help and messages written to `ctx`'s streams as the program writes them.
    static func status(of arguments: [String], in ctx: CommandContext) async -> Int32 {
        await CommandMain.status(of: Self.self, arguments: arguments, programName: "rolecall", streams: (ctx.out, ctx.err)) { command in
            try await perform(command, in: ctx)
        }
    }

    /// Runs a parsed command: against `ctx` when it is one of rolecall's own (every command but
    /// the groups, which print their help, and the hand-off to rolecall-issuer).
    static func perform(_ command: any ParsableCommand, in ctx: CommandContext) async throws {
        if let command = command as? any ContextualCommand {
            try await command.run(ctx)
        } else if var command = command as? any AsyncParsableCommand {
            try await command.run()
        } else {
            var command = command
            try command.run()
        }
    }
}
