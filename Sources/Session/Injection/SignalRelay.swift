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
import Synchronization

/// Signal handling for a parent that spawns one child and must outlive it to clean up: `demo`
/// (which removes a temporary home holding a CA key and a TOTP seed) and the `exec --server`
/// supervisor (which wipes the key and credentials). Installed before the child is spawned, so a
/// signal that arrives in between is neither lost nor fatal: it is passed on once the child exists.
///
/// - `recorded` signals (SIGINT, SIGQUIT) come from the terminal, which already sends them to the
///   whole foreground process group, child included: they are recorded (so the parent stops before
///   starting a child) but not forwarded, which would deliver them twice.
/// - `relayed` signals (SIGTERM, SIGHUP) are sent to this process alone (`kill`, a closing terminal):
///   they are recorded and passed on to the child.
/// Neither ends this process before its cleanup.
///
/// Plain signal handlers rather than Dispatch sources: they are in place when `install` returns,
/// with no window in which a signal is dropped. One relay per process, hence static.
public enum SignalRelay {
    private static let child = Atomic<Int32>(0)
    private static let first = Atomic<Int32>(0)
    private static let stop = Atomic<Bool>(false)

    public static func install(recording recorded: [Int32] = [SIGINT, SIGQUIT], relaying relayed: [Int32] = [SIGTERM, SIGHUP]) {
        // Touch the statics here: their lazy initialisation is not async-signal-safe.
        child.store(0, ordering: .releasing)
        first.store(0, ordering: .releasing)
        stop.store(false, ordering: .releasing)
        for number in recorded {
            signal(number) { number in
                // Async-signal-safe only: atomics.
                _ = SignalRelay.first.compareExchange(expected: 0, desired: number, ordering: .acquiringAndReleasing)
                if number == SIGINT || number == SIGTERM || number == SIGHUP { SignalRelay.stop.store(true, ordering: .releasing) }
            }
        }
        for number in relayed {
            signal(number) { number in
                // Async-signal-safe only: atomics and kill(2), which may set errno under the
                // code this interrupted.
                let savedErrno = errno
                _ = SignalRelay.first.compareExchange(expected: 0, desired: number, ordering: .acquiringAndReleasing)
                if number == SIGINT || number == SIGTERM || number == SIGHUP { SignalRelay.stop.store(true, ordering: .releasing) }
                let target = SignalRelay.child.load(ordering: .acquiring)
                if target != 0 { kill(target, number) }
                errno = savedErrno
            }
        }
    }

    /// The first signal received, recorded or relayed, if any: the caller stops instead of starting the child.
    public static var received: Int32? {
        let number = first.load(ordering: .acquiring)
        return number == 0 ? nil : number
    }

    /// Whether INT, TERM or HUP has come: sticky, so that one relayed to a child that then exits still
    /// says to stop what would outlive it.
    public static var stopRequested: Bool { stop.load(ordering: .acquiring) }

    /// From now on relayed signals go to `target` (a pid, or minus a process group); one that came
    /// in while the child was being spawned goes now.
    public static func relay(to target: pid_t) {
        child.store(target, ordering: .releasing)
        if let pending = received { kill(target, pending) }
    }

    /// Stops relaying (the child is gone); the handlers stay, so a late signal still cannot end
    /// the process before its cleanup.
    public static func stopRelaying() {
        child.store(0, ordering: .releasing)
    }
}
