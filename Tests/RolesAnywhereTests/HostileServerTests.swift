import Foundation
import HTTPSTransport
import RolesAnywhere
import TestSupport
import Testing

/// CreateSession against a server that misbehaves: each ends in a clear, typed error.
@Suite(.serialized, .removesTemporaryFiles) struct HostileServerTests {
    static let cases: [(String, String)] = [
        ("slow", "timed out"),
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
                                         transport: AsyncHTTPClientTransport(timeout: .seconds(2)))
        let started = Date()
        do {
            _ = try await client.createSession(CreateSessionRequest(durationSeconds: 900, profileArn: "p", roleArn: "r", trustAnchorArn: "t"), identity: identity)
            Issue.record("\(mode): expected an error")
        } catch {
            #expect(error.description.contains(message), "\(mode): \(error.description)")
            #expect(error.description.count < 400)
        }
        // The slow server answers after 30 s; the 2 s timeout must end it well before, even on a
        // machine that a whole `swift test` run keeps busy.
        #expect(Date().timeIntervalSince(started) < 20, "\(mode) was bounded in time")
    }
}
