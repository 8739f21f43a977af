import Foundation
import HTTPSTransport
import Issuance
import IssuanceCore
import IssuerProtocol
import RolesAnywhere
import TestSupport
import Testing

/// What every transport rolecall makes promises, whatever stands behind `HTTPTransport`: one
/// deadline over the head and the whole body, and no redirect followed.
@Suite(.serialized) struct TransportLimitsTests {
    /// The product's transport factories: the one the commands use towards AWS, and the team issuer's.
    enum Factory: String, CaseIterable, Sendable {
        case aws, teamIssuer

        func make(deadline: Duration) throws -> any HTTPTransport {
            switch self {
            case .aws: ClientTransport.make(deadline: deadline)
            case .teamIssuer: try IssuerTLS.transport(pinnedCertificatePEM: nil, responseTimeout: deadline)
            }
        }
    }

    static func post(_ transport: any HTTPTransport, _ url: String) async -> TransportError? {
        await #expect(throws: TransportError.self) {
            _ = try await transport.send(TransportRequest(method: "POST", url: url, headers: [], body: Array("{}".utf8)))
        }
    }

    /// Headers at once, then a byte a second: every byte would restart a read timeout.
    @Test(arguments: Factory.allCases)
    func aTrickledBodyTimesOutWithinTheDeadline(factory: Factory) async throws {
        let server = try HostileServer.start()
        defer { server.stop() }
        let started = ContinuousClock.now
        let error = await Self.post(try factory.make(deadline: .seconds(2)), "http://127.0.0.1:\(server.port)/trickle/sessions")
        #expect(error?.code == .timedOut, "\(String(describing: error))")
        #expect(error?.reason.contains("timed out") == true)
        #expect(ContinuousClock.now - started < .seconds(30), "bounded by the 2 s deadline, with room for a busy machine (without it: 120 s)")
    }

    /// `rolecall login --pin-sha256` fetches the issuer's certificate before anything else.
    @Test func theLoginCertificateFetchTimesOut() async throws {
        let server = try HostileServer.start()
        defer { server.stop() }
        let started = ContinuousClock.now
        let error = await #expect(throws: IssuanceRefusal.self) {
            _ = try await IssuerTLS.pinnedCertificate(urls: ["http://127.0.0.1:\(server.port)/trickle"], expected: String(repeating: "ab", count: 32),
                                                      responseTimeout: .seconds(2))
        }
        #expect(error?.message.contains("timed out") == true, "\(String(describing: error))")
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    /// A 307 to another loopback server: that server hears nothing, and the error says why.
    @Test(arguments: Factory.allCases)
    func aRedirectIsRefusedNotFollowed(factory: Factory) async throws {
        let first = try HostileServer.start()
        defer { first.stop() }
        let second = try HostileServer.start()
        defer { second.stop() }
        let transport = try factory.make(deadline: .seconds(10))
        let error = await Self.post(transport, "http://127.0.0.1:\(first.port)/redirect-\(second.port)/sessions")
        #expect(error?.code == .redirect, "\(String(describing: error))")
        #expect(error?.reason.contains("HTTP 307, a redirect to http://127.0.0.1:\(second.port), and rolecall follows no redirects") == true)
        let count = try await transport.send(TransportRequest(method: "GET", url: "http://127.0.0.1:\(second.port)/count", headers: [], body: []))
        #expect(String(decoding: count.body, as: UTF8.self) == "0", "the redirect's target received a request")
    }
}
