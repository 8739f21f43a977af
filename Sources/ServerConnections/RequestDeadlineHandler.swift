import NIOCore

/// Closes a connection whose next request does not arrive whole in time, counted from the moment
/// the connection opens or the previous answer is written: a client that trickles its headers or
/// its body a byte at a time cannot hold a connection (and the server's memory for it) open. Idle
/// timeouts do not bound this, since every byte resets them.
///
/// It sits after the HTTP decoder, so it sees request and response parts; the closures say which
/// part ends a message and how many body bytes a part carries. Generic because the team issuer
/// (Hummingbird's `HTTPRequestPart`) and the `exec --server` endpoint (NIO's `HTTPServerRequestPart`)
/// speak different part types.
public final class RequestDeadlineHandler<RequestPart, ResponsePart>: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = RequestPart
    public typealias InboundOut = RequestPart
    public typealias OutboundIn = ResponsePart
    public typealias OutboundOut = ResponsePart

    /// How the handler reads the parts.
    public struct Parts: Sendable {
        public var isRequestEnd: @Sendable (RequestPart) -> Bool
        public var isResponseEnd: @Sendable (ResponsePart) -> Bool
        public var bodyBytes: @Sendable (RequestPart) -> Int

        public init(isRequestEnd: @escaping @Sendable (RequestPart) -> Bool, isResponseEnd: @escaping @Sendable (ResponsePart) -> Bool,
                    bodyBytes: @escaping @Sendable (RequestPart) -> Int) {
            self.isRequestEnd = isRequestEnd
            self.isResponseEnd = isResponseEnd
            self.bodyBytes = bodyBytes
        }
    }

    private let limit: TimeAmount
    private let maximumBodyBytes: Int?
    private let parts: Parts
    private var deadline: Scheduled<Void>?
    /// Requests read whole minus answers written. The clock runs while this is zero or below: below
    /// zero when a server answered before the request's body had arrived (Hummingbird does for a
    /// 404), and that request's end must not stop the clock for the next one.
    private var unanswered = 0
    private var bodyBytes = 0

    /// `maximumBodyBytes`, when given, also closes a connection whose request body grows past it.
    public init(limit: TimeAmount, maximumBodyBytes: Int? = nil, parts: Parts) {
        self.limit = limit
        self.maximumBodyBytes = maximumBodyBytes
        self.parts = parts
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    public func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        bodyBytes += parts.bodyBytes(part)
        if let maximumBodyBytes, bodyBytes > maximumBodyBytes {
            disarm()
            context.close(promise: nil)
            return
        }
        if parts.isRequestEnd(part) {
            unanswered += 1
            bodyBytes = 0
            if unanswered > 0 { disarm() } else { arm(context) }
        }
        context.fireChannelRead(data)
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if parts.isResponseEnd(unwrapOutboundIn(data)) {
            unanswered -= 1
            // Answered before its end arrived: the rest of this request is on the clock too.
            if unanswered <= 0 { arm(context) }
        }
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext) {
        disarm()
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: limit) {
            loopBound.value.close(promise: nil)
        }
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }
}

/// The request bound both servers use: 10 s for a whole request.
public enum RequestDeadline {
    public static let standard: TimeAmount = .seconds(10)
}
