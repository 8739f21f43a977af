#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOCore
import NIOHTTP1
import RolesAnywhere
import Synchronization

/// The AWS container-credentials protocol on 127.0.0.1, a random port and a random path, for the
/// supervised child only: this user's own socket, the exact token, a loopback Host and the exact
/// path are required.
public final class ContainerCredentialsEndpoint: Sendable {
    public let path: String
    /// Sent by the SDK as the `Authorization` header; 256 random bits.
    public let token: SecretBytes
    private let cache: CredentialCache
    private let refusals: RefusalCounter
    /// Whose requests are answered: the supervisor's tree (nil: any process of this user).
    private let tree: SessionTree?

    public init(cache: CredentialCache, now: @escaping @Sendable () -> Date = Date.init, tree: SessionTree? = nil,
                report: @escaping @Sendable (String) -> Void) {
        self.tree = tree
        var generator = SystemRandomNumberGenerator()
        self.path = "/rolecall/" + (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexString
        self.token = SecretBytes((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexString)
        self.cache = cache
        self.refusals = RefusalCounter(what: "credential request", now: now, report: report)
    }

    /// Serves until the task is cancelled, then returns; `onListening` gets the full URI once the
    /// socket listens (connections made meanwhile wait in its backlog).
    public func run(onListening: @escaping @Sendable (String) async -> Void) async throws {
        try await LoopbackHTTPServer(tree: tree) { await self.respond($0) }.run { [path] port in
            await onListening("http://127.0.0.1:\(port)\(path)")
        }
    }

    public var refusalCount: Int { refusals.count }

    /// Reports the refusals not reported yet; once the endpoint has stopped.
    public func reportRemainingRefusals() { refusals.reportRemaining() }

    func respond(_ asked: LoopbackHTTPServer.Asked) async -> LoopbackHTTPServer.Reply {
        if let (status, reason) = asked.refusal { return refusals.refuse(status, reason) }
        guard asked.path == path else { return refusals.refuse(.notFound, "an unknown path") }
        guard asked.head.method == .GET else {
            return refusals.refuse(.methodNotAllowed, "method \(asked.head.method.rawValue.prefix(20)), not GET", headers: [("Allow", "GET")])
        }
        let presented = asked.head.headers["authorization"]
        guard presented.count == 1, SecretBytes(presented[0]) == token else {
            return refusals.refuse(.unauthorized, "a missing or wrong authorization token")
        }
        return await cache.reply()
    }
}

extension CredentialCache {
    /// The current credentials as an answer: straight from the locked buffer into the one buffer
    /// that is written. A request that races the supervisor's shutdown may find the buffer wiped:
    /// that is no answer, not an empty one.
    func reply() async -> LoopbackHTTPServer.Reply {
        do {
            let entry = try await credentials()
            let reply = entry.body.withBytes { $0.isEmpty ? nil : LoopbackHTTPServer.Reply(status: .ok, body: ByteBuffer(bytes: $0)) }
            return reply ?? LoopbackHTTPServer.Reply(status: .serviceUnavailable, body: ByteBuffer(string: Self.errorJSON("the session is ending")))
        } catch {
            return LoopbackHTTPServer.Reply(status: .serviceUnavailable, body: ByteBuffer(string: Self.errorJSON("\(error)")))
        }
    }

    static func errorJSON(_ message: String) -> String {
        (["message": .string(message)] as JSONValue).line
    }
}
