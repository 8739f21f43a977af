#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOCore
import NIOHTTP1
import Synchronization

/// Refusals counted, answered with a JSON body that says only "refused", and reported on the
/// supervisor's stderr in a bounded way: any process on the machine can connect, and a line per
/// refusal would let another user bury the command's output or fill a log (issue 22). The first
/// refusal is reported whole; later ones are summed up in at most one line a minute, and what is
/// left when the endpoint stops in one last line.
final class RefusalCounter: Sendable {
    private struct State {
        var total = 0
        /// Refusals since the last line, and the latest of them.
        var unreported = 0
        var latest = ""
        var lastLine = Date.distantPast
    }

    private let state = Mutex(State())
    /// At most one summary line in this many seconds.
    static let interval: TimeInterval = 60
    private let what: String
    private let now: @Sendable () -> Date
    private let report: @Sendable (String) -> Void

    init(what: String, now: @escaping @Sendable () -> Date, report: @escaping @Sendable (String) -> Void) {
        self.what = what
        self.now = now
        self.report = report
    }

    var count: Int { state.withLock { $0.total } }

    func refuse(_ status: HTTPResponseStatus, _ reason: String, headers extra: [(String, String)] = []) -> LoopbackHTTPServer.Reply {
        let refusal = "\(reason), HTTP \(status.code)"
        let line = state.withLock { state -> String? in
            state.total += 1
            state.unreported += 1
            state.latest = refusal
            let time = now()
            if state.total == 1 {
                state.unreported = 0
                state.lastLine = time
                return "rolecall: refused one \(what) (\(refusal)); further refusals are summed up at most once a minute and when the session ends"
            }
            guard time.timeIntervalSince(state.lastLine) >= Self.interval else { return nil }
            state.lastLine = time
            return summary(&state)
        }
        if let line { report(line) }
        var reply = LoopbackHTTPServer.Reply(status: status, body: ByteBuffer(string: CredentialCache.errorJSON("refused")))
        reply.headers.add(contentsOf: extra)
        return reply
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
