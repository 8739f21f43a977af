import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Printing and the real-world context; the only place an executable touches the process.
public enum Console {
    public static func out(_ text: String) { writeAll(text, to: STDOUT_FILENO) }

    public static func err(_ text: String) { writeAll(text, to: STDERR_FILENO) }

    /// All of `text`, unbuffered, as FileHandle would write it.
    private static func writeAll(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }

    public static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The name messages start with: `rolecall`, `rolecall-issuer`, as the program was started.
    public static var programName: String {
        CommandLine.arguments.first.flatMap { $0.split(separator: "/").last.map(String.init) } ?? "rolecall"
    }

    /// Runs `body`; any error becomes `<program>: <message>` on stderr and exit status 1.
    public static func reportingErrors(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as ExitCode {
            throw error
        } catch let error as CleanExit {
            throw error
        } catch {
            err("\(programName): \(message(for: error))\n")
            throw ExitCode(1)
        }
    }

    /// rolecall's errors describe themselves without secrets; so do the library errors that reach here.
    public static func message(for error: any Error) -> String {
        String(describing: error)
    }

    public static var isStandardErrorTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}

/// argument-parser's own flow for a root command, except that usage errors exit 2 as the
/// command-line contract says (argument-parser would use 64), and start with the program's name as
/// every other error does (`rolecall: …`, where argument-parser writes `Error: …`).
public enum CommandMain {
    public static func run<Root: ParsableCommand>(_ root: Root.Type) async {
        do {
            var command = try root.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if root.exitCode(for: error) == .validationFailure {
                Console.err(usageMessage(root.fullMessage(for: error)) + "\n")
                exit(2)
            }
            root.exit(withError: error)
        }
    }

    static func usageMessage(_ message: String) -> String {
        message.hasPrefix("Error: ") ? "\(Console.programName): " + message.dropFirst("Error: ".count) : message
    }
}
