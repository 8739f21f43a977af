import Foundation
@testable import Issuance
import IssuanceCore
@testable import IssuerServer
import IssuerProtocol
import IssuerStorage
import RolesAnywhere
import Testing
import TestSupport

/// Values a newer replica or client may send: the answer still decodes, and each use fails closed.
@Suite(.removesTemporaryFiles) struct WireValueTests {
    static func decode<T: Decodable>(_ json: String, as type: T.Type) throws -> T {
        try IssuerAPI.decoder().decode(type, from: Data(json.utf8))
    }

    @Test func aLoginAnswerWithAnMFARequirementFromTheFutureStillDecodes() throws {
        let answer = try Self.decode("""
            {"token": "t", "user": "alice", "expiresAt": "2030-01-01T00:00:00Z", "mfa": true, "roles": [
              {"roleArn": "r1", "profileArn": "p", "trustAnchorArn": "a", "maxDurationSeconds": 3600, "mfa": "hardware-key"},
              {"roleArn": "r2", "profileArn": "p", "trustAnchorArn": "a", "maxDurationSeconds": 3600, "mfa": "login"}]}
            """, as: IssuerAPI.LoginResponse.self)
        #expect(answer.roles.map(\.mfa) == [.unknown("hardware-key"), .known(.login)])
        let encoded = String(decoding: try IssuerAPI.encoder().encode(answer.roles[0]), as: UTF8.self)
        #expect(encoded.contains(#""mfa":"hardware-key""#), "passed on as it came")
    }

    @Test func aRefusalFromTheFutureIsUnavailableWithItsMessage() throws {
        let body = #"{"error": "quota-exceeded", "message": "try next month"}"#
        #expect(try Self.decode(body, as: IssuerAPI.ErrorResponse.self).error == .unknown("quota-exceeded"))
        let response = TransportResponse(status: 429, body: Array(body.utf8))
        let refusal = #expect(throws: IssuanceRefusal.self) {
            _ = try IssuerConnection.decode(response, path: IssuerAPI.certificatesPath, as: IssuerAPI.CertificateResponse.self)
        }
        #expect(refusal?.reason == .unavailable)
        #expect(refusal?.message.contains("try next month") == true)
    }

    /// `attemptsLeft` is optional both ways: an older issuer's refusal has none, and an older
    /// client reading a newer one skips it (JSON keys it does not know are ignored).
    @Test func attemptsLeftIsOptionalOnTheWire() throws {
        #expect(try Self.decode(#"{"error": "wrong-code", "message": "m"}"#, as: IssuerAPI.ErrorResponse.self).attemptsLeft == nil)
        let newer = try Self.decode(#"{"error": "wrong-code", "message": "m", "attemptsLeft": 1}"#, as: IssuerAPI.ErrorResponse.self)
        #expect(newer.attemptsLeft == 1)
        struct OlderErrorResponse: Decodable { let error: String; let message: String }
        let encoded = try IssuerAPI.encoder().encode(newer)
        #expect(try IssuerAPI.decoder().decode(OlderErrorResponse.self, from: encoded).error == "wrong-code")
        #expect(String(decoding: encoded, as: UTF8.self).contains(#""attemptsLeft":1"#))
    }

    @Test func aCertificateKindFromTheFutureIsRefusedAsABadRequest() async throws {
        try await IssuerWorld.with(.sqlite) { world in
            let alice = try await world.addPerson()
            let replica = try await world.replica()
            let login = try await IssuerClient(replica).login(alice, totp: world.code(alice))
            let csr = try IssuanceRequest(key: .generateP256(), kind: .singleUse, roleArn: IssuerWorld.openRoleArn, mfaProof: nil).csr.serializeAsPEM().pemString
            let request = try Self.decode("""
                {"csr": \(String(decoding: try JSONEncoder().encode(csr), as: UTF8.self)), "roleArn": "\(IssuerWorld.openRoleArn)", "kind": "quantum"}
                """, as: IssuerAPI.CertificateRequest.self)
            #expect(request.kind == .unknown("quantum"))
            let refusal = await #expect(throws: IssuanceRefusal.self) {
                _ = try await replica.service.issue(request, token: login.token, client: "127.0.0.1")
            }
            #expect(refusal?.reason == .badRequest)
        }
    }

    /// A grant a newer replica wrote to the shared database: listed as it is, and no certificate
    /// is issued for it, not even with a code.
    @Test func aGrantWithAnMFARequirementFromTheFutureIssuesNothing() async throws {
        try await IssuerWorld.with(.sqlite) { world in
            let alice = try await world.addPerson()
            let grant = RoleGrant(user: "alice", roleArn: IssuerWorld.openRoleArn, profileArn: IssuerWorld.profileArn, trustAnchorArn: IssuerWorld.trustAnchorArn,
                                  region: nil, maxDurationSeconds: 1800, mfa: "hardware-key", createdAt: world.clock.now)
            try await world.admin.database.putGrant(grant)
            let client = IssuerClient(routes: try await world.routes().client)
            let answer = try await client.connection.post(IssuerAPI.loginPath, IssuerAPI.LoginRequest(user: "alice", password: alice.password, totp: nil),
                                                          as: IssuerAPI.LoginResponse.self)
            #expect(answer.roles.first { $0.roleArn == IssuerWorld.openRoleArn }?.mfa == .unknown("hardware-key"))
            let login = try await client.login(alice, totp: world.code(alice))
            for kind in [CertificateKind.singleUse, .standard(sessionDuration: 900)] {
                let refusal = await #expect(throws: IssuanceRefusal.self) {
                    _ = try await client.certificate(login, role: IssuerWorld.openRoleArn, kind: kind, totp: world.code(alice))
                }
                #expect(refusal?.reason == .roleNotAllowed)
            }
        }
    }
}
