import CHardening
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

/// Starts the session's command: either by replacing rolecall (`exec`) or as a supervised child
/// (`exec --server`, `demo`).
public enum ProcessLauncher {
    /// A command that could not be started, with the exit code a shell would use.
    public struct LaunchError: Error, Sendable, CustomStringConvertible {
        public let exitCode: Int32
        public let description: String

        static func notFound(_ command: String) -> LaunchError {
            .init(exitCode: 127, description: "\(command): command not found")
        }
        static func cannotExecute(_ command: String, errno code: Int32) -> LaunchError {
            if code == ENOENT { return .init(exitCode: 127, description: "\(command): command not found (no such file)") }
            return .init(exitCode: 126, description: "\(command): cannot execute: \(String(cString: strerror(code)))")
        }
    }

    /// The command to run when none is given: `$SHELL`, else `/bin/sh`.
    public static func defaultCommand(environment: [String: String]) -> [String] {
        if let shell = environment["SHELL"], !shell.isEmpty { return [shell] }
        return ["/bin/sh"]
    }

    /// The executable for `command` as execvp would find it, using the child's PATH.
    public static func resolve(_ command: String, path: String?) throws(LaunchError) -> String {
        if command.utf8.contains(UInt8(ascii: "/")) { return command }
        guard !command.isEmpty else { throw .notFound(command) }
        var deniedCandidate: String?
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (directory.isEmpty ? "." : String(directory)) + "/" + command
            var info = stat()
            guard stat(candidate, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            if access(candidate, X_OK) == 0 { return candidate }
            deniedCandidate = deniedCandidate ?? candidate
        }
        if let deniedCandidate { return deniedCandidate }
        throw .notFound(command)
    }

    /// Whether `command` can start, checked before anything is spent on the session (a mistyped
    /// name must not cost an MFA code): found on `path`, or a file that exists.
    public static func preflight(_ command: [String], path: String?) throws(LaunchError) {
        guard let name = command.first else { return }
        let executable = try resolve(name, path: path)
        guard access(executable, F_OK) == 0 else { throw .notFound(name) }
    }

    /// Replaces this process with `command` (argv[0] as given). Returns only by throwing.
    public static func replace(command: [String], environment: [String: String]) throws(LaunchError) -> Never {
        let executable = try resolve(command[0], path: environment["PATH"])
        let environmentStrings = environment.map { "\($0.key)=\($0.value)" }
        var failure = CStrings.with(command) { argv in
            CStrings.with(environmentStrings) { envp in rolecall_execve(executable, argv, envp) }
        }
        if failure == ENOEXEC {
            // A script without a #! line: run it with /bin/sh, as execvp and shells do.
            failure = CStrings.with(["/bin/sh", executable] + command.dropFirst()) { argv in
                CStrings.with(environmentStrings) { envp in rolecall_execve("/bin/sh", argv, envp) }
            }
        }
        throw .cannotExecute(command[0], errno: failure)
    }

    /// Starts `command` as a child that gets back the core-dump limit the supervisor gave up.
    /// `standardStreams` replaces the child's descriptors 0, 1 and 2 where an entry is not -1.
    public static func spawn(command: [String], environment: [String: String], coreLimit: (soft: UInt64, hard: UInt64),
                             ownProcessGroup: Bool, terminal: Int32? = nil,
                             standardStreams: [Int32] = [-1, -1, -1]) throws(LaunchError) -> pid_t {
        precondition(standardStreams.count == 3)
        let executable = try resolve(command[0], path: environment["PATH"])
        var failure: Int32 = 0
        let pid = CStrings.with(command) { argv in
            CStrings.with(environment.map { "\($0.key)=\($0.value)" }) { envp in
                standardStreams.withUnsafeBufferPointer { streams in
                    rolecall_spawn(executable, argv, envp, coreLimit.soft, coreLimit.hard, ownProcessGroup ? 1 : 0, terminal ?? -1, streams.baseAddress, &failure)
                }
            }
        }
        guard pid > 0 else { throw .cannotExecute(command[0], errno: failure) }
        return pid
    }

    /// Waits for `pid`; returns its exit status, or 128 + signal when a signal killed it. With the
    /// terminal the child owns, Ctrl-Z stops and `fg` continues both as one job.
    public static func wait(for pid: pid_t, terminal: Int32? = nil) -> Int32 {
        let status = rolecall_wait_child(pid, terminal ?? -1)
        return status < 0 ? 1 : exitCode(fromWaitStatus: status)
    }

    /// `wait(for:terminal:)` on a thread of its own. A blocking `waitpid` inside a task would hold one
    /// of the few cooperative-pool threads (one, on a one-CPU machine) for the child's whole life,
    /// and the supervisor's endpoint, which the child calls, needs those threads to answer.
    public static func waitOffThePool(for pid: pid_t, terminal: Int32? = nil) async -> Int32 {
        await DedicatedThread.valueWithoutThrowing { wait(for: pid, terminal: terminal) }
    }

    public static func exitCode(fromWaitStatus status: Int32) -> Int32 {
        let signal = status & 0x7f
        if signal == 0 { return (status >> 8) & 0xff }
        return 128 + signal
    }
}
