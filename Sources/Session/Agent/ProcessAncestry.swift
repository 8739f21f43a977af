#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process an agent or a supervisor serves the descendants of, named by its pid and its start
/// time, so a later process that gets the same pid is not taken for it.
public struct TreeRoot: Sendable, Equatable {
    public let pid: pid_t
    public let startTime: UInt64

    init(pid: pid_t, startTime: UInt64) {
        self.pid = pid
        self.startTime = startTime
    }

    /// The running process `pid`. Never pid 1 (then every process would be inside). A child
    /// subreaper is just as wrong a root, since every orphan of the session would become its
    /// descendant, but the kernel tells only a process itself whether it is one
    /// (`PR_GET_CHILD_SUBREAPER`), so a caller that binds to another process must refuse the
    /// subreapers it knows of (systemd --user, tmux, …) itself.
    public init(pid: pid_t) throws(AgentError) {
        guard pid > 1 else { throw .invalidRoot("pid \(pid) is init or the kernel, and every process descends from it") }
        guard let stat = ProcessStat.of(pid: pid) else { throw .invalidRoot("no process has pid \(pid)") }
        self.init(pid: pid, startTime: stat.startTime)
    }

    /// `pid` as above, and an ancestor of this process (`agent --shell-pid` must name one).
    public static func ancestor(_ pid: pid_t) throws(AgentError) -> TreeRoot {
        let root = try TreeRoot(pid: pid)
        guard ProcessAncestry.verdict(peer: getpid(), root: root, boundAt: 0, acceptedAt: BootClock.ticks()) == .inside else {
            throw .invalidRoot("pid \(pid) is not an ancestor of this rolecall; pass the shell's own pid ($$, or $fish_pid in fish)")
        }
        return root
    }
}

/// Whether a peer descends from the tree an agent serves, by its parent chain in `/proc`.
public enum ProcessAncestry {
    public enum Verdict: Sendable, Equatable {
        case inside
        case outside(Reason)
    }

    public enum Reason: String, Sendable {
        case vanished = "it or one of its ancestors has exited"
        case startedAfterAccept = "its pid belongs to a process started after the connection (pid reuse)"
        case ancestorYounger = "an ancestor started after its child (pid reuse)"
        case rootGone = "the process the agent serves has exited"
        case startedBeforeBinding = "it descends from a process that was already running when the agent started"
        case notDescendant = "it does not descend from the process the agent serves"
    }

    /// Deeper than any real tree; a guard against a loop while the tree changes under the walk.
    static let maximumDepth = 4096

    /// Walks up from `peer`. A process started after `acceptedAt` (one tick of slack: both clocks
    /// round down) holds a reused pid; every ancestor must have started no later than its child;
    /// reaching `root` with its recorded start time means inside, unless the root's child on the
    /// chain started before `boundAt` (it was the root's child before the agent began: a job the
    /// shell already ran, or the `$(rolecall agent)` that started it). pid 1 or 0 means outside.
    public static func verdict(peer: pid_t, root: TreeRoot, boundAt: UInt64, acceptedAt: UInt64) -> Verdict {
        verdict(peer: peer, root: root, boundAt: boundAt, acceptedAt: acceptedAt, stat: ProcessStat.of(pid:))
    }

    static func verdict(peer: pid_t, root: TreeRoot, boundAt: UInt64, acceptedAt: UInt64, stat: (pid_t) -> ProcessStat?) -> Verdict {
        guard var current = stat(peer) else { return .outside(.vanished) }
        guard current.startTime <= acceptedAt + 1 else { return .outside(.startedAfterAccept) }
        if current.pid == root.pid { return current.startTime == root.startTime ? .inside : .outside(.rootGone) }
        for _ in 0..<maximumDepth {
            if current.parent == root.pid {
                guard stat(root.pid)?.startTime == root.startTime else { return .outside(.rootGone) }
                return current.startTime >= boundAt ? .inside : .outside(.startedBeforeBinding)
            }
            guard current.parent > 1 else { return .outside(.notDescendant) }
            guard let parent = stat(current.parent) else { return .outside(.vanished) }
            guard parent.startTime <= current.startTime else { return .outside(.ancestorYounger) }
            current = parent
        }
        return .outside(.notDescendant)
    }
}
