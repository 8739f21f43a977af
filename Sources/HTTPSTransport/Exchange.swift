import NIOCore
import NIOHTTP1
import RolesAnywhere

/// One request and its answer on a ready connection, which is closed afterwards. The deadline
/// covers the head and the whole body; the body is bounded; a redirect ends the exchange.
enum Exchange {
    static func run(_ request: TransportRequest, target: Target, on channel: any Channel, deadline: Duration) async throws -> TransportResponse {
        let head = requestHead(request, target: target)
        let body = channel.allocator.buffer(bytes: request.body)
        let answer: EventLoopFuture<TransportResponse> = channel.eventLoop.flatSubmit {
            let promise = channel.eventLoop.makePromise(of: TransportResponse.self)
            guard channel.isActive else {
                promise.fail(TransportError("the connection closed before the request was sent", neverSent: true))
                return promise.futureResult
            }
            do {
                let collector = ResponseCollector(promise, limit: NIOClientTransport.maximumResponseBytes, deadline: deadline)
                try channel.pipeline.syncOperations.addHTTPClientHandlers()
                try channel.pipeline.syncOperations.addHandler(collector)
                let timeout = channel.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(deadline)) { collector.timeOut() }
                promise.futureResult.whenComplete { _ in
                    timeout.cancel()
                    channel.close(promise: nil)
                }
            } catch {
                channel.close(promise: nil)
                promise.fail(error)
                return promise.futureResult
            }
            channel.write(HTTPClientRequestPart.head(head), promise: nil)
            if body.readableBytes > 0 { channel.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil) }
            channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            return promise.futureResult
        }
        return try await withTaskCancellationHandler {
            try await answer.get()
        } onCancel: {
            channel.close(promise: nil)
        }
    }

    /// The caller's headers, plus Host and Content-Length when it gave none.
    static func requestHead(_ request: TransportRequest, target: Target) -> HTTPRequestHead {
        var headers = HTTPHeaders(request.headers.map { ($0.name, $0.value) })
        if !headers.contains(name: "host") { headers.add(name: "Host", value: target.hostHeader) }
        if !headers.contains(name: "content-length"), !request.body.isEmpty || !["GET", "HEAD"].contains(request.method) {
            headers.add(name: "Content-Length", value: String(request.body.count))
        }
        return HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: request.method), uri: target.requestTarget, headers: headers)
    }
}

/// Gathers one answer: its head (a redirect is refused at once), its body up to `limit` bytes.
/// The only one to complete the promise, whichever comes first: the end, an error, the
/// connection's end, the deadline.
final class ResponseCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private var promise: EventLoopPromise<TransportResponse>?
    private let limit: Int
    private let deadline: Duration
    private var head: HTTPResponseHead?
    private var body: [UInt8] = []

    init(_ promise: EventLoopPromise<TransportResponse>, limit: Int, deadline: Duration) {
        self.promise = promise
        self.limit = limit
        self.deadline = deadline
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            if [301, 302, 303, 307, 308].contains(head.status.code) {
                return finish(.failure(TransportError.redirect(status: Int(head.status.code), location: head.headers.first(name: "location"))))
            }
            self.head = head
        case .body(let part):
            guard body.count + part.readableBytes <= limit else {
                finish(.failure(TransportError.tooLarge(limit: limit)))
                return
            }
            body.append(contentsOf: part.readableBytesView)
        case .end:
            guard let head else { return finish(.failure(TransportError("the server's answer had no head"))) }
            finish(.success(TransportResponse(status: Int(head.status.code), headers: head.headers.map { (name: $0.name, value: $0.value) }, body: body)))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let reason = error is HTTPParserError ? "the server's answer is not HTTP/1.1" : "the connection failed (\(type(of: error)))"
        finish(.failure(TransportError(reason)))
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.failure(TransportError("the server closed the connection before answering in full")))
        context.fireChannelInactive()
    }

    func timeOut() {
        finish(.failure(TransportError.timedOut(after: deadline)))
    }

    private func finish(_ result: Result<TransportResponse, any Error>) {
        promise?.completeWith(result)
        promise = nil
    }
}
