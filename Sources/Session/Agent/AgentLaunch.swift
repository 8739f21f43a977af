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
import CSocketDiag
import RolesAnywhere

/// The front half of `rolecall agent`: choose the shell to bind to, start the agent process, and
/// hand its shell lines to `eval` once it is ready.
///
/// The agent is this program again, started with the same arguments and a handoff variable naming
/// the bound shell: a forked copy of a process running Swift's task threads could not go on
/// safely. The agent asks for the code on the terminal (it shares the front's session), prints its
/// lines into a pipe the front reads, then leaves the session (`setsid`) and lets go of the
/// terminal; the front exits, so the agent is re-parented and nothing waits on it.
public enum AgentLaunch {
    /// `PID:START:BOUND`: the shell's pid and start time, and when the binding began (clock ticks).
    static let handoffVariable = "ROLECALL_AGENT_HANDOFF"

    /// What the front hands the agent process.
    public struct Handoff: Sendable, Equatable {
        public let root: TreeRoot
        public let boundAt: UInt64

        var value: String { "\(root.pid):\(root.startTime):\(boundAt)" }

        init(root: TreeRoot, boundAt: UInt64) {
            self.root = root
            self.boundAt = boundAt
        }

        init?(value: String) {
            let parts = value.split(separator: ":")
            guard parts.count == 3, let pid = pid_t(parts[0]), pid > 1, let start = UInt64(parts[1]), let bound = UInt64(parts[2]) else { return nil }
            self.init(root: TreeRoot(pid: pid, startTime: start), boundAt: bound)
        }
    }

    /// The handoff this process was started with: it is the agent process. Nil in the front.
    public static func handoff(environment: [String: String]) -> Handoff? {
        environment[handoffVariable].flatMap(Handoff.init(value:))
    }

    /// Programs that adopt orphans or hold a whole login's processes: bound to one of them, "inside
    /// the tree" would take in every program they run.
    static let tooWideRoots: Set<String> = ["systemd", "init", "tmux: server", "screen", "SCREEN", "tini", "dumb-init", "s6-svscan",
                                            "runsvdir", "containerd-shim", "sshd", "login", "gnome-shell", "kwin_x11", "kwin_wayland"]

    /// The process the agent serves: `shellPid` (an ancestor of this process), else the parent,
    /// when it is a shell that outlives this command rather than the short-lived subshell some
    /// shells run `$(…)` in.
    public static func root(shellPid: pid_t?) throws(AgentError) -> TreeRoot {
        let root = try TreeRoot.ancestor(shellPid ?? getppid())
        let name = commandName(root.pid)
        if tooWideRoots.contains(name) {
            throw .invalidRoot("pid \(root.pid) is \(name), which runs a whole session's programs; pass your shell's own pid with --shell-pid $$ (fish: $fish_pid)")
        }
        if shellPid == nil, isFreshSubshell(root) {
            throw .invalidRoot("rolecall runs in a subshell that ends with it (pid \(root.pid)); pass the shell's own pid: eval \"$(rolecall agent --shell-pid $$ …)\" (fish: rolecall agent --format fish --shell-pid $fish_pid … | source)")
        }
        return root
    }

    /// A copy of its own parent (the same program) made just now: the subshell of a `$(…)`.
    private static func isFreshSubshell(_ root: TreeRoot) -> Bool {
        guard let stat = ProcessStat.of(pid: root.pid), let own = ProcessStat.of(pid: getpid()),
              own.startTime <= root.startTime + BootClock.ticksPerSecond else { return false }
        let program = executable(root.pid)
        return program != nil && program == executable(stat.parent)
    }

    private static func executable(_ pid: pid_t) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")
    }

    private static func commandName(_ pid: pid_t) -> String {
        String(((try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? "").prefix { $0 != "\n" })
    }

    /// How the front ended: the agent's shell lines once it is ready, or the status it failed with
    /// (it has said why on standard error).
    public enum Outcome: Sendable {
        case ready(lines: String)
        case failed(status: Int32)
    }

    /// Starts the agent process (this program, `arguments`, the handoff in its environment) and
    /// waits until it is ready or has failed.
    public static func start(arguments: [String], environment: [String: String], root: TreeRoot, boundAt: UInt64) throws -> Outcome {
        var pipe: [Int32] = [-1, -1]
        let failure = rolecall_wake_pipe(&pipe)
        guard failure == 0 else { throw AgentError.socketFailed("make a pipe for", "the agent", errno: failure) }
        defer { close(pipe[0]) }
        // The read end blocks: the front has nothing else to do while the agent asks for the code.
        _ = fcntl(pipe[0], F_SETFL, fcntl(pipe[0], F_GETFL) & ~O_NONBLOCK)
        var childEnvironment = environment
        childEnvironment[handoffVariable] = Handoff(root: root, boundAt: boundAt).value
        let program = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let pid: pid_t
        do {
            pid = try ProcessLauncher.spawn(command: [program] + arguments, environment: childEnvironment, coreLimit: (0, 0),
                                            ownProcessGroup: false, standardStreams: [-1, pipe[1], -1])
        } catch {
            close(pipe[1])
            throw error
        }
        close(pipe[1])
        var lines: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(pipe[0], &chunk, chunk.count)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            lines += chunk[..<count]
        }
        defer { wipeBytes(&lines) }
        guard !lines.isEmpty else { return .failed(status: ProcessLauncher.wait(for: pid)) }
        return .ready(lines: String(decoding: lines, as: UTF8.self))
    }
}
