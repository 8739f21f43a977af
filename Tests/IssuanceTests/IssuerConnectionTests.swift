import Foundation
import Issuance
import IssuerProtocol
import RolesAnywhere
import Synchronization
import Testing
import TestSupport

/// Which failures send a request on to the next issuer URL: only those where it certainly never
/// reached a replica, and a load balancer's 502/503. Anything else could spend a TOTP code twice
/// over (the second replica then says "replayed") or count a wrong password twice.
@Suite(.removesTemporaryFiles) struct IssuerConnectionTests {
    /// Answers per URL host; records which hosts were asked.
    final class FakeReplicas: HTTPTransport {
        let answers: [String: @Sendable () throws -> TransportResponse]
        let asked = Mutex<[String]>([])

        init(_ answers: [String: @Sendable () throws -> TransportResponse]) { self.answers = answers }

        func send(_ request: TransportRequest) async throws -> TransportResponse {
            let host = try #require(URLComponents(string: request.url)?.host)
            asked.withLock { $0.append(host) }
            let answer = try #require(answers[host])
            return try answer()
        }
    }

    static let ok: @Sendable () throws -> TransportResponse = { TransportResponse(status: 200, body: Array(#"{"certificate":"pem"}"#.utf8)) }

    func ask(_ replicas: FakeReplicas) async throws -> IssuerAPI.ServerCertificate {
        try await IssuerConnection(urls: ["https://a", "https://b"], transport: replicas).get(IssuerAPI.serverCertificatePath, as: IssuerAPI.ServerCertificate.self)
    }

    /// A POST, as a login or a certificate request (the fake answers any path alike).
    func post(_ replicas: FakeReplicas) async throws -> IssuerAPI.ServerCertificate {
        try await IssuerConnection(urls: ["https://a", "https://b"], transport: replicas)
            .post(IssuerAPI.loginPath, IssuerAPI.LoginRequest(user: "alice", password: "p", totp: "123456"), as: IssuerAPI.ServerCertificate.self)
    }

    @Test(arguments: [
        TransportError("connection refused", neverSent: true),
        TransportError("TLS handshake failed", neverSent: true),
    ])
    func aReplicaThatWasNeverReachedIsSkipped(_ failure: TransportError) async throws {
        let replicas = FakeReplicas(["a": { throw failure }, "b": Self.ok])
        #expect(try await post(replicas).certificate == "pem")
        #expect(replicas.asked.withLock { $0 } == ["a", "b"])
    }

    @Test(arguments: [502, 503])
    func aLoadBalancerWithoutABackendIsSkipped(_ status: Int) async throws {
        let replicas = FakeReplicas(["a": { TransportResponse(status: status, body: []) }, "b": Self.ok])
        #expect(try await post(replicas).certificate == "pem")
        #expect(replicas.asked.withLock { $0 } == ["a", "b"])
    }

    @Test func aPostThatFailedAfterItWasSentIsNotSentAgain() async throws {
        let replicas = FakeReplicas(["a": { throw TransportError("the server closed the connection") }, "b": Self.ok])
        let error = await #expect(throws: IssuanceRefusal.self) { _ = try await post(replicas) }
        #expect(error?.reason == .unavailable)
        #expect(error?.message.contains("was not sent again") == true)
        #expect(replicas.asked.withLock { $0 } == ["a"])
    }

    /// A GET changes nothing: any failure moves on.
    @Test func aGetGoesOnWhateverTheFailure() async throws {
        let replicas = FakeReplicas(["a": { throw TransportError("the server closed the connection") }, "b": Self.ok])
        #expect(try await ask(replicas).certificate == "pem")
        #expect(replicas.asked.withLock { $0 } == ["a", "b"])
    }

    @Test func aRefusalEndsTheSearch() async throws {
        let refusal = Array(#"{"error":"wrong-password","message":"wrong user name or password"}"#.utf8)
        let replicas = FakeReplicas(["a": { TransportResponse(status: 401, body: refusal) }, "b": Self.ok])
        let error = await #expect(throws: IssuanceRefusal.self) { _ = try await post(replicas) }
        #expect(error?.reason == .wrongPassword)
        #expect(replicas.asked.withLock { $0 } == ["a"])
    }

    @Test func noReplicaAnsweringNamesEveryURL() async throws {
        let replicas = FakeReplicas(["a": { throw TransportError("connection refused", neverSent: true) }, "b": { TransportResponse(status: 502, body: []) }])
        let error = await #expect(throws: IssuanceRefusal.self) { _ = try await post(replicas) }
        #expect(error?.message.contains("https://a: connection refused") == true)
        #expect(error?.message.contains("https://b: HTTP 502") == true)
    }

    /// The real transport tells the two apart: a closed port and a failed TLS handshake were never
    /// sent; a connection closed after the request was.
    @Test func theTransportKnowsWhatWasNeverSent() async throws {
        let transport = try IssuerTLS.transport(pinnedCertificatePEM: nil, connectTimeout: .seconds(1))
        func failure(_ url: String) async -> TransportError? {
            await #expect(throws: TransportError.self) {
                _ = try await transport.send(TransportRequest(method: "POST", url: url, headers: [], body: Array("{}".utf8)))
            }
        }
        let server = try HostileServer.start()
        defer { server.stop() }
        let closedPort = await failure("https://127.0.0.1:1/v1/login")
        #expect(closedPort?.neverSent == true, "\(String(describing: closedPort))")
        // A plain-HTTP server: TLS fails in the handshake, before any request byte.
        let noTLS = await failure("https://127.0.0.1:\(server.port)/close/v1/login")
        #expect(noTLS?.neverSent == true, "\(String(describing: noTLS))")
        let closedAfterSending = await failure("http://127.0.0.1:\(server.port)/close/v1/login")
        #expect(closedAfterSending?.neverSent == false, "\(String(describing: closedAfterSending))")
    }
}
