#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOCore
import NIOHTTP1

/// Refusals counted, answered with a JSON body that says only "refused", and reported on the
/// supervisor's stderr in a bounded way (`BoundedRefusalReport`): any process on the machine can
/// connect, and a line per refusal would let another user bury the command's output or fill a log.
final class RefusalCounter: Sendable {
    private let refusals: BoundedRefusalReport

    init(what: String, now: @escaping @Sendable () -> Date, report: @escaping @Sendable (String) -> Void) {
        refusals = BoundedRefusalReport(what: what, until: "the session ends", now: now, report: report)
    }

    var count: Int { refusals.count }

    func refuse(_ status: HTTPResponseStatus, _ reason: String, headers extra: [(String, String)] = []) -> LoopbackHTTPServer.Reply {
        refusals.refuse("\(reason), HTTP \(status.code)")
        var reply = LoopbackHTTPServer.Reply(status: status, body: ByteBuffer(string: CredentialCache.errorJSON("refused")))
        reply.headers.add(contentsOf: extra)
        return reply
    }

    /// The last line: the refusals since the previous one, if any.
    func reportRemaining() { refusals.reportRemaining() }
}
