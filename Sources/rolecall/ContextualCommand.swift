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
    /// One command line (nil: this process's), parsed and run against `ctx`: its exit status, the
    /// usage errors, help and messages written to `ctx`'s streams, each error starting `rolecall:`.
    static func status(of arguments: [String]?, in ctx: CommandContext) async -> Int32 {
        await CommandMain.status(of: Self.self, arguments: arguments, programName: "rolecall", streams: (ctx.out, ctx.err)) { command in
            try await perform(command, in: ctx)
        }
    }

    /// Runs a parsed command against `ctx`; the groups (`profile`, `ca`, `mfa`, this root), which
    /// do nothing but print their help, run argument-parser's own `run`.
    static func perform(_ command: any ParsableCommand, in ctx: CommandContext) async throws {
        if let command = command as? any ContextualCommand {
            try await command.run(ctx)
        } else {
            var command = command
            try command.run()
        }
    }
}
