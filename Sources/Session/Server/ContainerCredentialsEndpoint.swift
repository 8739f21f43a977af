import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import RolesAnywhere

/// The AWS container-credentials protocol on 127.0.0.1, a random port and a random path, for the
/// supervised child only: the exact token, a loopback Host and peer, and the exact path are required.
public final class ContainerCredentialsEndpoint: Sendable {
    public let path: String
    /// Sent by the SDK as the `Authorization` header; 256 random bits.
    public let token: SecretBytes
    private let cache: CredentialCache
    private let refusals: RefusalCounter
    private let report: @Sendable (String) -> Void

    public init(cache: CredentialCache, report: @escaping @Sendable (String) -> Void) {
        var generator = SystemRandomNumberGenerator()
        self.path = "/rolecall/" + (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexString
        self.token = SecretBytes((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexString)
        self.cache = cache
        self.refusals = RefusalCounter()
        self.report = report
    }

    /// Serves until the task is cancelled; `onListening` gets the full URI once connections are accepted.
    public func run(onListening: @escaping @Sendable (String) async -> Void) async throws {
        // No router: every request, whatever its method or path, is judged (and counted) by `respond`,
        // not answered by a framework default nobody logs.
        let responder = CallbackResponder<PeerRequestContext> { request, context in await self.respond(request, context) }
        let path = self.path
        let app = Application(
            responder: responder,
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
            onServerRunning: { channel in
                await onListening("http://127.0.0.1:\(channel.localAddress?.port ?? 0)\(path)")
            },
            logger: Logger(label: "rolecall.server", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        try await app.run()
    }

    public var refusalCount: Int { refusals.value }

    func respond(_ request: Request, _ context: PeerRequestContext) async -> Response {
        guard context.isLoopbackPeer else { return refuse(.forbidden, "a connection that is not from this machine") }
        guard let host = request.head.authority, context.localPort.map({ host == "127.0.0.1:\($0)" }) == true else {
            return refuse(.forbidden, "a Host header that is not 127.0.0.1 (possible DNS rebinding)")
        }
        guard request.uri.path == path else { return refuse(.notFound, "an unknown path") }
        guard request.method == .get else {
            return refuse(.methodNotAllowed, "method \(request.method.rawValue.prefix(20)), not GET", headers: [.allow: "GET"])
        }
        let presented = request.headers[.authorization] ?? ""
        guard SecretBytes(presented) == token else { return refuse(.unauthorized, "a missing or wrong authorization token") }
        do {
            let entry = try await cache.credentials()
            return entry.body.withBytes { body in
                Response(status: .ok, headers: [.contentType: "application/json"],
                         body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
            }
        } catch {
            return Response(status: .serviceUnavailable, headers: [.contentType: "application/json"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: Self.errorJSON("\(error)"))))
        }
    }

    private func refuse(_ status: HTTPResponse.Status, _ reason: String, headers extra: HTTPFields = [:]) -> Response {
        let count = refusals.increment()
        report("rolecall: refused credential request #\(count) (\(reason)): HTTP \(status.code)")
        var headers: HTTPFields = [.contentType: "application/json"]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers,
                        body: ResponseBody(byteBuffer: ByteBuffer(string: Self.errorJSON("refused"))))
    }

    static func errorJSON(_ message: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: ["message": message], options: [.withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

/// A request context that knows the connection's peer and local port.
struct PeerRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let peer: SocketAddress?
    let localPort: Int?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peer = source.channel.remoteAddress
        localPort = source.channel.localAddress?.port
    }

    var isLoopbackPeer: Bool {
        guard let address = peer?.ipAddress else { return false }
        return Endpoint.isLoopback(address)
    }
}

final class RefusalCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() -> Int { lock.withLock { count += 1; return count } }
    var value: Int { lock.withLock { count } }
}
