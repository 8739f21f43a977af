import ArgumentParser
import ChildProcess
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

/// Standard output, standard error and the environment of this process, for the commands of
/// `rolecall-issuer`, and for `rolecall`'s completions, which argument-parser runs before any command
/// (`rolecall`'s commands run against a `CommandContext`).
public enum StandardIO {
    public static func out(_ text: String) { writeAll(text, to: STDOUT_FILENO) }

    public static func err(_ text: String) { writeAll(text, to: STDERR_FILENO) }

    private static func writeAll(_ text: String, to descriptor: Int32) {
        DescriptorWriter.writeAll(text, to: descriptor)
    }

    public static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The name messages start with: `rolecall`, `rolecall-issuer`, as the program was started.
    public static var programName: String {
        CommandLine.arguments.first.flatMap { $0.split(separator: "/").last.map(String.init) } ?? "rolecall"
    }

    /// Runs `body`; any error becomes `<program>: <message>` on stderr (`to`, this process's
    /// unless given) and exit status 1.
    public static func reportingErrors(to err: (String) -> Void = err, as program: String = programName,
                                       _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as ExitCode {
            throw error
        } catch let error as CleanExit {
            throw error
        } catch {
            err("\(program): \(message(for: error))\n")
            throw ExitCode(1)
        }
    }

    /// rolecall's errors describe themselves without secrets; so do the library errors that reach here.
    public static func message(for error: any Error) -> String {
        String(describing: error)
    }
}
