import Foundation
import HTTPSTransport
import RolesAnywhere
import TestSupport
import Testing

/// CreateSession against a server that misbehaves: each ends in a clear, typed error.
@Suite(.serialized, .removesTemporaryFiles) struct HostileServerTests {
    static let cases: [(String, String)] = [
        ("slow", "timed out"),
        ("trickle", "timed out"),
        ("close", "could not reach"),
        ("huge", "larger than"),
        ("badjson", "not CreateSession JSON"),
    ]

    @Test(arguments: cases)
    func hostileResponsesEndInClearErrors(mode: String, message: String) async throws {
        let server = try HostileServer.start()
        defer { server.stop() }
        let port = server.port
        let key = SigningKey.p256(.init())
        let identity = SigningIdentity(certificate: try TestPKI.make().leaf(for: key), key: key, isSingleUse: true)
        let client = CreateSessionClient(endpoint: try Endpoint(parsing: "http://127.0.0.1:\(port)/\(mode)"), region: "us-east-1",
                                         transport: ClientTransport.make(deadline: .seconds(2)))
        let started = Date()
        do {
            _ = try await client.createSession(CreateSessionRequest(durationSeconds: 900, profileArn: "p", roleArn: "r", trustAnchorArn: "t"), identity: identity)
            Issue.record("\(mode): expected an error")
        } catch {
            #expect(error.description.contains(message), "\(mode): \(error.description)")
            #expect(error.description.count < 400)
        }
        // The slow server answers after 30 s, the trickling one sends a byte a second; the 2 s deadline
        // must end both well before, even on a machine that a whole `swift test` run keeps busy.
        #expect(Date().timeIntervalSince(started) < 20, "\(mode) was bounded in time")
    }

    /// A 307 to plain HTTP on another server: the signed request is not posted again there, and
    /// the error is not one a retry policy tries again.
    @Test func aRedirectIsNeitherFollowedNorRetried() async throws {
        let first = try HostileServer.start()
        defer { first.stop() }
        let second = try HostileServer.start()
        defer { second.stop() }
        let key = SigningKey.p256(.init())
        let identity = SigningIdentity(certificate: try TestPKI.make().leaf(for: key), key: key, isSingleUse: false)
        let transport = ClientTransport.make(deadline: .seconds(10))
        let client = CreateSessionClient(endpoint: try Endpoint(parsing: "http://127.0.0.1:\(first.port)/redirect-\(second.port)"), region: "us-east-1",
                                         transport: transport)
        let error = await #expect(throws: RolesAnywhereError.self) {
            _ = try await client.createSession(CreateSessionRequest(durationSeconds: 900, profileArn: "p", roleArn: "r", trustAnchorArn: "t"), identity: identity,
                                       retry: RetryPolicy(maximumAttempts: 3, baseDelayMilliseconds: 1))
        }
        #expect(error?.code == .unexpectedResponse, "\(String(describing: error))")
        #expect(error?.message.contains("follows no redirects") == true)
        func count(_ server: HostileServer) async throws -> String {
            let answer = try await transport.send(TransportRequest(method: "GET", url: "http://127.0.0.1:\(server.port)/count", headers: [], body: []))
            return String(decoding: answer.body, as: UTF8.self)
        }
        #expect(try await count(second) == "0", "the redirect's target received a request")
        #expect(try await count(first) == "1", "sent once, not retried")
    }
}
