import HummingbirdCore
import Logging
import NIOCore
import ServerConnections

/// `Base`'s connections handed to Hummingbird as `AcceptedConnection`s: one the server drops
/// unserved as it stops (still buffered when its task is cancelled, or still being set up when the
/// listening socket closes) is closed instead of stopping the process. A graceful shutdown closes
/// the listening socket too, so it does not avoid the second case (swift-nio issue 2813).
public struct ClosingUnservedChildChannel<Base: ServerChildChannel, Inbound: Sendable, Outbound: Sendable>: ServerChildChannel
where Base.Value == NIOAsyncChannel<Inbound, Outbound> {
    let base: Base

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<AcceptedConnection<Inbound, Outbound>> {
        base.setup(channel: channel, logger: logger).map { AcceptedConnection($0) }
    }

    public func handle(value: AcceptedConnection<Inbound, Outbound>, logger: Logger) async {
        await base.handle(value: value.asyncChannel, logger: logger)
    }
}

extension AcceptedConnection: ServerChildChannelValue {}

extension HTTPServerBuilder {
    /// The server `make` builds for a responder, its unserved connections closed when dropped:
    /// `.closingUnserved { HTTP1Channel(responder: $0) }` in place of `.http1()`.
    public static func closingUnserved<Base: ServerChildChannel, Inbound: Sendable, Outbound: Sendable>(
        _ make: @escaping @Sendable (@escaping HTTPChannelHandler.Responder) throws -> Base
    ) -> HTTPServerBuilder where Base.Value == NIOAsyncChannel<Inbound, Outbound> {
        HTTPServerBuilder { responder in ClosingUnservedChildChannel(base: try make(responder)) }
    }
}
