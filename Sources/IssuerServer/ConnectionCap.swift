import NIOCore
import NIOHTTPTypes
import Synchronization

/// Open connections per source address (`SourceAddress`) on one server: a client holding many
/// idle connections open must not use up the process's file descriptors and starve everyone else.
final class ConnectionCounts: Sendable {
    let cap: Int
    private let open = Mutex<[String: Int]>([:])

    init(cap: Int) {
        self.cap = cap
    }

    /// Counts one more connection from `source`; false (and not counted) when it already has `cap`.
    func admit(_ source: String) -> Bool {
        open.withLock { open in
            guard open[source, default: 0] < cap else { return false }
            open[source, default: 0] += 1
            return true
        }
    }

    func release(_ source: String) {
        open.withLock { open in
            open[source] = open[source].flatMap { $0 > 1 ? $0 - 1 : nil }
        }
    }
}

/// Closes a new connection at once, before its TLS handshake, when its source already holds the
/// cap; otherwise counts it while it stays open. It passes every request part on untouched.
final class ConnectionCapHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart

    private let counts: ConnectionCounts
    private var source: String?

    init(counts: ConnectionCounts) {
        self.counts = counts
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let source = SourceAddress(context.channel.remoteAddress?.ipAddress).key
        if counts.admit(source) {
            self.source = source
        } else {
            context.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if let source { counts.release(source) }
        source = nil
    }
}
