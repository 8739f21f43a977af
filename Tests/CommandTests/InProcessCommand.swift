import ArgumentParser
import CommandLineSupport
import Foundation
import HTTPSTransport
@testable import rolecall
import Session
import Synchronization
import TestSupport

/// A `rolecall` command line run in the test's own process against a `CommandContext` of fakes:
/// its output captured, the clock the test's, no terminal, and `exec`'s `execve` replaced by
/// running the command as a child whose output and status become the command's.
enum InProcessCommand {
    static func run(_ arguments: [String], environment: [String: String], now: @escaping @Sendable () -> Date,
                    input: String? = nil, terminal: any Terminal = NoTerminal(), workingDirectory: String) async -> ProcessOutcome {
        let stdout = Captured(), stderr = Captured()
        let lines = Lines(input)
        var ctx = CommandContext(
            environment: environment, now: now, output: StandardStreams(out: stdout.append, err: stderr.append), terminal: terminal,
            readLine: lines.next, launcher: RecordingLauncher(), random: .system,
            makeTransport: { ClientTransport.make(environment: $0, progress: $1) },
            workingDirectory: { workingDirectory }, programPath: { Paths.rolecall }
        )
        let error = Mutex<(any Error)?>(nil)
        ctx.sawError = { seen in error.withLock { $0 = seen } }
        let launched = Mutex<RecordingLauncher.Launch?>(nil)
        var status = await CommandMain.status(of: Rolecall.self, arguments: arguments, programName: "rolecall", streams: (stdout.append, stderr.append)) { command in
            do {
                try await Rolecall.perform(command, in: ctx)
            } catch let launch as RecordingLauncher.Launch {
                launched.withLock { $0 = launch }
            }
        }
        if let launch = launched.withLock({ $0 }) {
            status = await launch.run(input: lines.rest, stdout: stdout, stderr: stderr)
        }
        return ProcessOutcome(status: status, stdout: stdout.text, stderr: stderr.text, error: error.withLock { $0 })
    }

    /// Text written by a command, from any thread.
    final class Captured: Sendable {
        private let buffer = Mutex("")
        var text: String { buffer.withLock { $0 } }
        @Sendable func append(_ text: String) { buffer.withLock { $0 += text } }
    }

    /// Standard input as lines, for `--password-stdin`; what is left goes to the `exec`'d command.
    final class Lines: Sendable {
        private let remaining: Mutex<Substring?>
        init(_ text: String?) { remaining = Mutex(text.map { Substring($0) }) }

        @Sendable func next() -> String? {
            remaining.withLock { remaining in
                guard let text = remaining, !text.isEmpty else { return nil }
                let line = text.prefix { $0 != "\n" }
                remaining = text.dropFirst(line.count + 1)
                return String(line)
            }
        }

        var rest: String? { remaining.withLock { $0.map(String.init) } }
    }
}

/// No controlling terminal: prompts find no one to ask, as under `ProcessRunner`.
struct NoTerminal: Terminal {
    var isAvailable: Bool { false }
    func askWithoutEcho(_ question: String, limit: Int, exact: Bool) -> String? { nil }
}

/// `execve` in a test: the command and environment rolecall would hand over, thrown so that the
/// test runs them as a child instead.
struct RecordingLauncher: CommandLauncher {
    struct Launch: Error, CustomStringConvertible {
        let command: [String]
        /// Holds the session's credentials: never in `description`.
        let environment: [String: String]

        var description: String { "RecordingLauncher.Launch(\(command.first ?? ""), <environment redacted>)" }

        /// Runs the command as `execve` would have: its output after rolecall's, its status the command's.
        func run(input: String?, stdout: InProcessCommand.Captured, stderr: InProcessCommand.Captured) async -> Int32 {
            do {
                let executable = try ProcessLauncher.resolve(command[0], path: environment["PATH"])
                let outcome = try await ProcessRunner.run(executable, Array(command.dropFirst()), environment: environment, input: input)
                stdout.append(outcome.stdout)
                stderr.append(outcome.stderr)
                return outcome.status
            } catch let error as ProcessLauncher.LaunchError {
                stderr.append("rolecall: \(error.description)\n")
                return error.exitCode
            } catch {
                stderr.append("rolecall: \(error)\n")
                return 126
            }
        }
    }

    func replace(command: [String], environment: [String: String]) throws -> Never {
        throw Launch(command: command, environment: environment)
    }
}
