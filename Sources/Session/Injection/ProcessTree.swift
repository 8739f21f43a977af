import CHardening
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The supervised command with every process it starts. The supervisor is a child subreaper, so a
/// process whose parent exits (a worker the command left running) becomes the supervisor's child:
/// the supervisor keeps serving credentials until the last process of the tree has exited, and the
/// endpoint's port is never left free for another user's process to bind while a worker still holds
/// its URI and token.
enum ProcessTree {
    /// Adopts orphaned descendants from now on; a warning when the system refuses.
    static func adoptOrphans() -> String? {
        let failure = rolecall_become_subreaper()
        guard failure != 0 else { return nil }
        return "cannot serve processes the command leaves running (PR_SET_CHILD_SUBREAPER: \(String(cString: strerror(failure)))): the session ends with the command"
    }

    enum Event: Sendable {
        /// The direct child's exit code (128 + signal when a signal killed it).
        case directExited(Int32)
        /// No child is left.
        case empty
        /// A tenth of a second has passed: time to look at signals, the clock and the tree.
        case tick
    }

    /// Reaps every child, direct or adopted, on a thread of its own (`DedicatedThread`: a blocking
    /// `waitpid` must hold none of the threads the endpoint's tasks need), and tells `observe` of the
    /// direct child's exit, then that none is left.
    static func reap(direct: pid_t, terminal: Int32?, observe: @escaping @Sendable (Event) -> Void) {
        DedicatedThread.run {
            var status: Int32 = 0
            // -1 once reaped: an adopted process may later get the same pid.
            var direct = direct
            while true {
                let reaped = rolecall_wait_any(direct, terminal ?? -1, &status)
                if reaped < 0 { break }
                if reaped == direct {
                    observe(.directExited(ProcessLauncher.exitCode(fromWaitStatus: status)))
                    direct = -1
                }
            }
            observe(.empty)
        }
    }

    /// The children this process has now; nil when the kernel does not list them.
    static func children() -> Set<pid_t>? {
        var pids = [pid_t](repeating: 0, count: 4096)
        let count = rolecall_list_children(&pids, Int32(pids.count))
        return count < 0 ? nil : Set(pids.prefix(Int(count)))
    }

    /// Whether a process of the session's tree is left: a child that is not one of `earlier` (the
    /// children rolecall already had when it started the command, say a daemon its shell started
    /// before `exec rolecall`).
    static func hasChildren(besides earlier: Set<pid_t>) -> Bool {
        guard let now = children() else { return rolecall_has_children() != 0 }
        return !now.subtracting(earlier).isEmpty
    }
}
