import Foundation
import Subprocess
#if canImport(System)
import System
#else
import SystemPackage
#endif

/// The outcome of running a program to its end.
public struct ProcessOutcome: Sendable {
    /// The exit status, or 128 + signal, as a shell reports it.
    public let status: Int32
    public let stdout: String
    public let stderr: String
    /// The error a command run in the test's process ended with (its message is in `stderr`), so
    /// that tests match its code; nil for programs and for commands that ended well.
    public let error: (any Error)?

    public init(status: Int32, stdout: String, stderr: String, error: (any Error)? = nil) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
        self.error = error
    }
}

/// Runs programs with real argv for the tests (swift-subprocess).
public enum ProcessRunner {
    public static func run(
        _ executable: String, _ arguments: [String] = [], environment: [String: String]? = nil,
        input: String? = nil, workingDirectory: String? = nil
    ) async throws -> ProcessOutcome {
        let environmentValue: Subprocess.Environment = environment.map { variables in
            .custom(Dictionary(uniqueKeysWithValues: variables.map { (Subprocess.Environment.Key(rawValue: $0.key)!, $0.value) }))
        } ?? .inherit
        let directory = workingDirectory.map { FilePath($0) }
        let executableValue: Executable = executable.contains("/") ? .path(FilePath(executable)) : .name(executable)
        let result = if let input {
            try await Subprocess.run(executableValue, arguments: Arguments(arguments), environment: environmentValue,
                                     workingDirectory: directory, input: .string(input),
                                     output: .string(limit: 16 << 20), error: .string(limit: 16 << 20))
        } else {
            try await Subprocess.run(executableValue, arguments: Arguments(arguments), environment: environmentValue,
                                     workingDirectory: directory, input: .none,
                                     output: .string(limit: 16 << 20), error: .string(limit: 16 << 20))
        }
        let status: Int32 = switch result.terminationStatus {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        }
        return ProcessOutcome(status: status, stdout: result.standardOutput, stderr: result.standardError)
    }
}
