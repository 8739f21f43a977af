import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// argument-parser's own flow for a root command, except that usage errors exit 2 as the
/// command-line contract says (argument-parser would use 64), and start with the program's name as
/// every other error does (`rolecall: …`, where argument-parser writes `Error: …`).
public enum CommandMain {
    public static func run<Root: ParsableCommand>(_ root: Root.Type) async {
        let status = await status(of: root, arguments: nil, programName: StandardIO.programName, streams: (StandardIO.out, StandardIO.err)) { command in
            var command = command
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        }
        exit(status: status)
    }

    /// Ends the process with `status`, standard output flushed. argument-parser's
    /// `exit(withError:)` first builds the root command's help for a message that an exit status
    /// does not print: 0.85 M instructions at the end of every command (BENCHMARKS.md).
    public static func exit(status: Int32) -> Never {
        #if canImport(Glibc)
        Glibc.exit(status)
        #else
        Darwin.exit(status)
        #endif
    }

    /// Parses `arguments` (nil: this process's), runs the command with `perform`, and gives the
    /// exit status, having written help, usage errors and other errors where the program would.
    /// Never exits the process, so that tests run commands in theirs.
    public static func status<Root: ParsableCommand>(
        of root: Root.Type, arguments: [String]?, programName: String,
        streams: (out: @Sendable (String) -> Void, err: @Sendable (String) -> Void),
        perform: (ParsableCommand) async throws -> Void
    ) async -> Int32 {
        do {
            try await perform(try root.parseAsRoot(arguments))
            return 0
        } catch {
            let code = root.exitCode(for: error)
            let message = root.fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { streams.out(message + "\n") }
                return 0
            }
            if !message.isEmpty { streams.err(usageMessage(message, programName: programName) + "\n") }
            return code == .validationFailure ? 2 : code.rawValue
        }
    }

    static func usageMessage(_ message: String, programName: String) -> String {
        message.hasPrefix("Error: ") ? "\(programName): " + message.dropFirst("Error: ".count) : message
    }
}
