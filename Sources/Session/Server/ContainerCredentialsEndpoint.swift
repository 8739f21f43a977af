#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOCore
import NIOHTTP1
import NIOPosix
import RolesAnywhere
import Synchronization

/// The AWS container-credentials protocol on 127.0.0.1, a random port and a random path, for the
/// supervised child only: the exact token, a loopback Host and peer, and the exact path are required.
///
/// Served by NIO's HTTP/1 server, which async-http-client already brings into the client: a
/// framework on top of it would add its weight to every rolecall start (BENCHMARKS.md).
public final class ContainerCredentialsEndpoint: Sendable {
    public let path: String
    /// Sent by the SDK as the `Authorization` header; 256 random bits.
    public let token: SecretBytes
    private let cache: CredentialCache
    private let refusals = Mutex(0)
    private let report: @Sendable (String) -> Void

    public init(cache: CredentialCache, report: @escaping @Sendable (String) -> Void) {
        var generator = SystemRandomNumberGenerator()
        self.path = "/rolecall/" + (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexString
        self.token = SecretBytes((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexString)
        self.cache = cache
        self.report = report
    }

    /// Serves until the task is cancelled; `onListening` gets the full URI once connections are accepted.
    public func run(onListening: @escaping @Sendable (String) async -> Void) async throws {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // No router: every request, whatever its method or path, is judged (and
                    // counted) by `respond`, not answered by a default nobody logs.
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(EndpointHandler(endpoint: self))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        try await withTaskCancellationHandler {
            await onListening("http://127.0.0.1:\(channel.localAddress?.port ?? 0)\(path)")
            try await channel.closeFuture.get()
        } onCancel: {
            channel.close(promise: nil)
        }
    }

    public var refusalCount: Int { refusals.withLock { $0 } }

    /// What the handler writes back.
    struct Reply: Sendable {
        var status: HTTPResponseStatus
        var headers: [(String, String)] = [("Content-Type", "application/json")]
        var body: [UInt8]
    }

    /// One request, as the connection saw it.
    struct Asked: Sendable {
        var head: HTTPRequestHead
        var peer: SocketAddress?
        var localPort: Int?

        var isLoopbackPeer: Bool {
            guard let address = peer?.ipAddress else { return false }
            return Endpoint.isLoopback(address)
        }
    }

    func respond(_ asked: Asked) async -> Reply {
        guard asked.isLoopbackPeer else { return refuse(.forbidden, "a connection that is not from this machine") }
        let hosts = asked.head.headers["host"]
        guard hosts.count == 1, asked.localPort.map({ hosts[0] == "127.0.0.1:\($0)" }) == true else {
            return refuse(.forbidden, "a Host header that is not 127.0.0.1 (possible DNS rebinding)")
        }
        guard asked.head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0] == path else {
            return refuse(.notFound, "an unknown path")
        }
        guard asked.head.method == .GET else {
            return refuse(.methodNotAllowed, "method \(asked.head.method.rawValue.prefix(20)), not GET", headers: [("Allow", "GET")])
        }
        let presented = asked.head.headers["authorization"]
        guard presented.count == 1, SecretBytes(presented[0]) == token else {
            return refuse(.unauthorized, "a missing or wrong authorization token")
        }
        do {
            let entry = try await cache.credentials()
            return entry.body.withBytes { Reply(status: .ok, body: Array($0)) }
        } catch {
            return Reply(status: .serviceUnavailable, body: Array(Self.errorJSON("\(error)").utf8))
        }
    }

    private func refuse(_ status: HTTPResponseStatus, _ reason: String, headers extra: [(String, String)] = []) -> Reply {
        let count = refusals.withLock { count in
            count += 1
            return count
        }
        report("rolecall: refused credential request #\(count) (\(reason)): HTTP \(status.code)")
        var reply = Reply(status: status, body: Array(Self.errorJSON("refused").utf8))
        reply.headers += extra
        return reply
    }

    static func errorJSON(_ message: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(["message": message])) ?? Data(), as: UTF8.self)
    }
}

/// One connection: collects a request, lets the endpoint judge it, writes the reply. NIO's server
/// pipeline orders pipelined requests and keeps the connection alive when the client asks.
private final class EndpointHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let endpoint: ContainerCredentialsEndpoint
    private var head: HTTPRequestHead?

    init(endpoint: ContainerCredentialsEndpoint) {
        self.endpoint = endpoint
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let received):
            head = received
        case .body:
            break  // no request the endpoint answers has a body; it is read and dropped
        case .end:
            guard let head else { return }
            self.head = nil
            let asked = ContainerCredentialsEndpoint.Asked(head: head, peer: context.channel.remoteAddress,
                                                           localPort: context.channel.localAddress?.port)
            let endpoint = endpoint
            let promise = context.eventLoop.makePromise(of: ContainerCredentialsEndpoint.Reply.self)
            promise.completeWithTask { await endpoint.respond(asked) }
            // Back on the connection's event loop, where the handler and its context live.
            promise.futureResult.assumeIsolated().whenSuccess { reply in
                self.write(reply, keepAlive: head.isKeepAlive, version: head.version, context: context)
            }
        }
    }

    private func write(_ reply: ContainerCredentialsEndpoint.Reply, keepAlive: Bool, version: HTTPVersion, context: ChannelHandlerContext) {
        var headers = HTTPHeaders(reply.headers)
        headers.add(name: "Content-Length", value: String(reply.body.count))
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: reply.status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: reply.body)))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            done.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }
}
