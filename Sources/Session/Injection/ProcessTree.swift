import CHardening
import Dispatch
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
        /// INT or TERM arrived (it stops the serving once only leftover processes remain).
        case stopSignal
    }

    /// Reaps every child, direct or adopted, on a thread of its own (a blocking `waitpid` inside a
    /// task would hold one of the cooperative pool's few threads, which the endpoint needs), and
    /// tells `observe` of the direct child's exit, then that none is left.
    static func reap(direct: pid_t, terminal: Int32?, observe: @escaping @Sendable (Event) -> Void) {
        DispatchQueue.global().async {
            var status: Int32 = 0
            while true {
                let reaped = rolecall_wait_any(direct, terminal ?? -1, &status)
                if reaped < 0 { break }
                if reaped == direct { observe(.directExited(ProcessLauncher.exitCode(fromWaitStatus: status))) }
            }
            observe(.empty)
        }
    }

    static var hasChildren: Bool { rolecall_has_children() != 0 }
}
