#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOCore
import NIOHTTP1
import NIOPosix
import RequestDeadline
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

    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    public init(cache: CredentialCache, report: @escaping @Sendable (String) -> Void) {
        var generator = SystemRandomNumberGenerator()
        self.path = "/rolecall/" + (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexString
        self.token = SecretBytes((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexString)
        self.cache = cache
        self.report = report
    }

    /// Serves until the task is cancelled, then returns; `onListening` gets the full URI once the
    /// socket listens (connections made meanwhile wait in its backlog).
    public func run(onListening: @escaping @Sendable (String) async -> Void) async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    // No router: every request, whatever its method or path, is judged (and
                    // counted) by `respond`, not answered by a default nobody logs.
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    // A whole request within 10 s and no body: a local process trickling bytes
                    // cannot hold connections open.
                    try channel.pipeline.syncOperations.addHandler(Self.requestDeadline())
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
        await onListening("http://127.0.0.1:\(server.channel.localAddress?.port ?? 0)\(path)")
        do {
            // One child task per connection: cancelling `run` ends the accept loop, which closes the
            // listening socket, and cancels every connection, each closing its own socket, so no
            // keep-alive connection outlives the session. (Accept errors such as EMFILE do not end
            // the loop: NIO backs off and retries.)
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { await self.serve(connection) }
                    }
                }
            }
        } catch is CancellationError {
            // How the supervisor stops the endpoint, not a failure.
        }
    }

    static func requestDeadline() -> RequestDeadlineHandler<HTTPServerRequestPart, HTTPServerResponsePart> {
        RequestDeadlineHandler(limit: RequestDeadline.standard, maximumBodyBytes: 4096, parts: .init(
            isRequestEnd: { if case .end = $0 { true } else { false } },
            isResponseEnd: { if case .end = $0 { true } else { false } },
            bodyBytes: { if case .body(let bytes) = $0 { bytes.readableBytes } else { 0 } }
        ))
    }

    public var refusalCount: Int { refusals.withLock { $0 } }

    /// One connection's requests, answered in order. NIO's pipeline handler holds a pipelined
    /// request back until the previous response's end is written.
    private func serve(_ connection: Connection) async {
        let peer = connection.channel.remoteAddress
        let localPort = connection.channel.localAddress?.port
        // An error ends this connection only: a reset, cancellation, or a malformed request that
        // NIO's error handler has already answered with 400.
        try? await connection.executeThenClose { requests, responses in
            var head: HTTPRequestHead?
            for try await part in requests {
                switch part {
                case .head(let received):
                    head = received
                case .body:
                    continue  // no request the endpoint answers has a body; it is read and dropped
                case .end:
                    guard let asked = head else { continue }
                    head = nil
                    let reply = await respond(Asked(head: asked, peer: peer, localPort: localPort))
                    try await responses.write(contentsOf: reply.parts(for: asked))
                    // Leaving closes the socket. The response is already flushed: the writer hands
                    // it to the event loop before the close that executeThenClose queues after it.
                    guard asked.isKeepAlive else { return }
                }
            }
        }
    }

    /// What is written back.
    struct Reply: Sendable {
        var status: HTTPResponseStatus
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        var body: ByteBuffer

        func parts(for request: HTTPRequestHead) -> [HTTPServerResponsePart] {
            var headers = headers
            headers.add(name: "Content-Length", value: String(body.readableBytes))
            headers.add(name: "Connection", value: request.isKeepAlive ? "keep-alive" : "close")
            let head = HTTPServerResponsePart.head(HTTPResponseHead(version: request.version, status: status, headers: headers))
            // A response to HEAD has no body, or the next response on the connection would start inside it.
            return request.method == .HEAD ? [head, .end(nil)] : [head, .body(.byteBuffer(body)), .end(nil)]
        }
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
            // Straight from the locked buffer into the one buffer that is written. A request that
            // races the supervisor's shutdown may find the buffer wiped: that is no answer, not an
            // empty one.
            let reply = entry.body.withBytes { $0.isEmpty ? nil : Reply(status: .ok, body: ByteBuffer(bytes: $0)) }
            return reply ?? Reply(status: .serviceUnavailable, body: ByteBuffer(string: Self.errorJSON("the session is ending")))
        } catch {
            return Reply(status: .serviceUnavailable, body: ByteBuffer(string: Self.errorJSON("\(error)")))
        }
    }

    private func refuse(_ status: HTTPResponseStatus, _ reason: String, headers extra: [(String, String)] = []) -> Reply {
        let count = refusals.withLock { count in
            count += 1
            return count
        }
        report("rolecall: refused credential request #\(count) (\(reason)): HTTP \(status.code)")
        var reply = Reply(status: status, body: ByteBuffer(string: Self.errorJSON("refused")))
        reply.headers.add(contentsOf: extra)
        return reply
    }

    static func errorJSON(_ message: String) -> String {
        (["message": .string(message)] as JSONValue).line
    }
}
