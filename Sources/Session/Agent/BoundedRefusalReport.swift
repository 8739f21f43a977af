#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// Refusals told without flooding: the first whole, later ones summed up in at most one line a
/// minute, and what is left when the server stops in one last line. A local process that knocks
/// thousands of times costs a line a minute, not a screen (issue 22). The agent and the loopback
/// endpoints (`RefusalCounter`) report through it.
final class BoundedRefusalReport: Sendable {
    /// At most one summary line in this many seconds.
    static let interval: TimeInterval = 60

    private struct State {
        var total = 0
        /// Refusals since the last line, and the latest of them.
        var unreported = 0
        var latest = ""
        var lastLine = Date.distantPast
    }

    private let what: String
    /// When the last line comes: "the agent ends", "the session ends".
    private let until: String
    private let now: @Sendable () -> Date
    private let report: @Sendable (String) -> Void
    private let state = Mutex(State())

    init(what: String, until: String = "the agent ends", now: @escaping @Sendable () -> Date = Date.init, report: @escaping @Sendable (String) -> Void) {
        self.what = what
        self.until = until
        self.now = now
        self.report = report
    }

    var count: Int { state.withLock { $0.total } }

    func refuse(_ reason: String) {
        let time = now()
        let line = state.withLock { state -> String? in
            state.total += 1
            state.unreported += 1
            state.latest = reason
            if state.total == 1 {
                state.unreported = 0
                state.lastLine = time
                return "rolecall: refused one \(what) (\(reason)); further refusals are summed up at most once a minute and when \(until)"
            }
            guard time.timeIntervalSince(state.lastLine) >= Self.interval else { return nil }
            state.lastLine = time
            return summary(&state)
        }
        if let line { report(line) }
    }

    /// The last line: the refusals since the previous one, if any.
    func reportRemaining() {
        if let line = state.withLock({ $0.unreported > 0 ? summary(&$0) : nil }) { report(line) }
    }

    private func summary(_ state: inout State) -> String {
        defer { state.unreported = 0 }
        return "rolecall: refused \(state.unreported) more \(what)\(state.unreported == 1 ? "" : "s") (\(state.total) in all; the latest: \(state.latest))"
    }
}
