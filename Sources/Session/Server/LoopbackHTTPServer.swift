import NIOCore
import NIOHTTP1
import NIOPosix
import ServerConnections
import RolesAnywhere

/// The HTTP/1 server both credential endpoints run on (the container one of `exec --server`, the
/// instance-metadata one of `exec --imds`): 127.0.0.1 and a random port, no router, every request
/// whole within 10 s and without a body worth the name, and nothing answered before the endpoint's
/// `respond` has judged it. Only connections from this user's own sockets get that far.
///
/// Served by NIO's HTTP/1 server, which async-http-client already brings into the client: a
/// framework on top of it would add its weight to every rolecall start (BENCHMARKS.md).
struct LoopbackHTTPServer: Sendable {
    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    /// What is written back.
    struct Reply: Sendable {
        var status: HTTPResponseStatus
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        var body: ByteBuffer
        /// Called once the response is written (the one-time redirect's signal that it was served).
        var onWritten: (@Sendable () -> Void)? = nil

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
        /// The uid owning the peer's socket (`/proc/net/tcp`); nil when it cannot be told.
        var peerUID: UInt32?
        /// Why the processes holding the peer's socket are outside the served tree; nil when one is inside (or no tree is set).
        var outsideTree: ProcessAncestry.Reason? = nil

        var isLoopbackPeer: Bool {
            guard let address = peer?.ipAddress else { return false }
            return Endpoint.isLoopback(address)
        }

        /// The path without its query.
        var path: Substring { head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0] }

        /// Why the request is refused before its endpoint looks at it: another user's process, a
        /// connection from elsewhere, a Host that is not this socket (DNS rebinding).
        var refusal: (HTTPResponseStatus, String)? {
            guard isLoopbackPeer else { return (.forbidden, "a connection that is not from this machine") }
            guard let peerUID else { return (.forbidden, "a connection whose owner cannot be told") }
            guard peerUID == SocketOwner.ownUID else { return (.forbidden, "a connection from another user (uid \(peerUID))") }
            if let outsideTree { return (.forbidden, "a process outside the session's tree (\(outsideTree.rawValue))") }
            let hosts = head.headers["host"]
            guard hosts.count == 1, localPort.map({ hosts[0] == "127.0.0.1:\($0)" }) == true else {
                return (.forbidden, "a Host header that is not 127.0.0.1 (possible DNS rebinding)")
            }
            return nil
        }
    }

    /// The tree whose processes alone are answered (`exec --server`, `exec --imds`); nil: any
    /// process of this user.
    var tree: SessionTree? = nil
    let respond: @Sendable (Asked) async -> Reply

    /// Serves until the task is cancelled, then returns; `onListening` gets the port once the
    /// socket listens (connections made meanwhile wait in its backlog).
    func run(onListening: @escaping @Sendable (Int) async -> Void) async throws {
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
                    // Closed, not left to stop the process, if the server stops before serving it.
                    return AcceptedConnection(try Connection(wrappingChannelSynchronously: channel))
                }
            }
        await onListening(server.channel.localAddress?.port ?? 0)
        do {
            // One child task per connection: cancelling `run` ends the accept loop, which closes the
            // listening socket, and cancels every connection, each closing its own socket, so no
            // keep-alive connection outlives the session. Those NIO accepted but drops unserved
            // close as their `AcceptedConnection` goes. (Accept errors such as EMFILE do not end
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

    /// One connection's requests, answered in order. NIO's pipeline handler holds a pipelined
    /// request back until the previous response's end is written.
    private func serve(_ accepted: AcceptedConnection<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        // `accepted` closes the connection when it goes: it must outlive the serving.
        await serve(accepted.asyncChannel)
        withExtendedLifetime(accepted) {}
    }

    private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        let peer = connection.channel.remoteAddress
        let local = connection.channel.localAddress
        // Once per connection: the socket's owner does not change.
        let owner = peer.flatMap { peer in local.flatMap { SocketOwner.owner(ofPeer: peer, connectedTo: $0) } }
        var outsideTree: ProcessAncestry.Reason?
        if let tree, let owner, owner.uid == SocketOwner.ownUID,
           // Reading /proc blocks: on a thread of its own, not one of the few the endpoint's tasks need.
           case .outside(let why) = await DedicatedThread.valueWithoutThrowing({ tree.verdict(socketInode: owner.inode) }) {
            outsideTree = why
        }
        // An error ends this connection only: a reset, cancellation, or a malformed request that
        // NIO's error handler has already answered with 400.
        try? await connection.executeThenClose { requests, responses in
            var head: HTTPRequestHead?
            for try await part in requests {
                switch part {
                case .head(let received):
                    head = received
                case .body:
                    continue  // no request either endpoint answers has a body; it is read and dropped
                case .end:
                    guard let asked = head else { continue }
                    head = nil
                    let reply = await respond(Asked(head: asked, peer: peer, localPort: local?.port, peerUID: owner?.uid, outsideTree: outsideTree))
                    try await responses.write(contentsOf: reply.parts(for: asked))
                    reply.onWritten?()
                    // Leaving closes the socket. The response is already flushed: the writer hands
                    // it to the event loop before the close that executeThenClose queues after it.
                    guard asked.isKeepAlive else { return }
                }
            }
        }
    }
}
