import Foundation
@testable import Issuance
import IssuanceCore
@testable import IssuerServer
import IssuerProtocol
import IssuerStorage
import RolesAnywhere
import Testing
import TestSupport

/// `/v1/certificates/batch` through `RemoteIssuer.issueMany`: one code for several roles, every
/// grant checked before the code is used, one audit row per certificate.
@Suite(.removesTemporaryFiles) struct CertificateBatchTests {
    static let inMemory = CertificateKind.inMemory(verificationInterval: 3600, holderLifetime: nil)

    func requests(_ roles: [String], kind: CertificateKind = inMemory) throws -> [(IssuanceRequest, SigningKey)] {
        try roles.map { role in
            let key = SigningKey.generateP256()
            return (try IssuanceRequest(key: key, kind: kind, roleArn: role, mfaProof: nil), key)
        }
    }

    func issuer(_ client: IssuerClient, _ login: IssuerLogin) throws -> RemoteIssuer {
        RemoteIssuer(login: login, transport: try client.transport)
    }

    func certificateRows(_ world: IssuerWorld) async throws -> [AuditRecord] {
        try await world.admin.audit(since: .distantPast).filter { $0.event == "certificate" }
    }

    @Test(arguments: Backend.available)
    func oneCodeCertifiesEveryRoleAtOnce(_ backend: Backend) async throws {
        try await IssuerWorld.with(backend) { world in
            let alice = try await world.addPerson()
            let client = IssuerClient(routes: try await world.routes().client)
            let login = try await client.login(alice, totp: world.code(alice))
            world.clock.advance(30)
            let asked = try requests([IssuerWorld.roleArn, IssuerWorld.loginRoleArn, IssuerWorld.openRoleArn])
            let code = world.code(alice)
            let issued = try await issuer(client, login).issueMany(asked.map(\.0), mfaProof: .totp(code: code))
            #expect(issued.count == 3)
            for (certificate, (_, key)) in zip(issued, asked) { #expect(certificate.chain.first?.publicKey == key.certificatePublicKey) }
            let rows = try await certificateRows(world)
            #expect(rows.map(\.roleArn) == [IssuerWorld.roleArn, IssuerWorld.loginRoleArn, IssuerWorld.openRoleArn])
            #expect(rows.allSatisfy { $0.result == "ok" && $0.serial != nil })
            // The code counted once, for all three.
            await #expect { try await issuer(client, login).issueMany(try requests([IssuerWorld.roleArn]).map(\.0), mfaProof: .totp(code: code)) }
                throws: { ($0 as? MFAError)?.code == .replayed }
        }
    }

    @Test(arguments: Backend.available)
    func aRoleNotGrantedStopsTheBatchBeforeTheCodeIsUsedUnlessPartial(_ backend: Backend) async throws {
        try await IssuerWorld.with(backend) { world in
            let alice = try await world.addPerson()
            let replica = try await world.replica()
            let client = IssuerClient(replica)
            let login = try await client.login(alice, totp: world.code(alice))
            world.clock.advance(30)
            let admin = "arn:aws:iam::111122223333:role/admin"
            let code = world.code(alice)
            await #expect { try await issuer(client, login).issueMany(try requests([IssuerWorld.roleArn, admin]).map(\.0), mfaProof: .totp(code: code)) }
                throws: { error in
                    let refusal = error as? IssuanceRefusal
                    return refusal?.reason == .roleNotAllowed && refusal?.message.contains("role/admin") == true && refusal?.message.contains("nothing was issued") == true
                }
            #expect(try await certificateRows(world).map(\.result) == ["role-not-allowed"])
            // With partial, the others are issued; the code was not spent by the refusal.
            let batch = IssuerAPI.CertificateBatchRequest(certificates: try requests([IssuerWorld.roleArn, admin]).map { try RemoteIssuer.wire($0.0, totp: nil) },
                                                          totp: code, partial: true)
            let answer = try await replica.service.issueMany(batch, token: login.token, client: "127.0.0.1")
            #expect(answer.issued.map(\.roleArn) == [IssuerWorld.roleArn])
            #expect(answer.refused.map(\.roleArn) == [admin] && answer.refused.first?.error.error == .known(.roleNotAllowed))
        }
    }

    @Test(arguments: Backend.available)
    func aPerSessionRoleInTheBatchNeedsTheCode(_ backend: Backend) async throws {
        try await IssuerWorld.with(backend) { world in
            let alice = try await world.addPerson()
            let client = IssuerClient(routes: try await world.routes().client)
            let login = try await client.login(alice, totp: world.code(alice))
            await #expect { try await issuer(client, login).issueMany(try requests([IssuerWorld.openRoleArn, IssuerWorld.roleArn]).map(\.0), mfaProof: nil) }
                throws: { ($0 as? MFAError)?.code == .unavailable && "\($0)".contains("MFA code") }
            // A row for each role the refused code was for.
            #expect(try await certificateRows(world).map(\.roleArn) == [IssuerWorld.openRoleArn, IssuerWorld.roleArn])
            #expect(try await certificateRows(world).map(\.result) == ["mfa-required", "mfa-required"])
        }
    }

    /// An issuer from before the batch endpoint answers 404: the client says what that means.
    @Test func anOlderIssuerIsNamedAsSuch() async throws {
        struct OldIssuer: HTTPTransport {
            func send(_ request: TransportRequest) async throws -> TransportResponse { TransportResponse(status: 404, body: []) }
        }
        let login = IssuerLogin(urls: ["https://issuer.example"], user: "alice", token: "t", expiresAt: Date().addingTimeInterval(3600), mfa: true,
                                pinnedCertificatePEM: nil)
        await #expect { try await RemoteIssuer(login: login, transport: OldIssuer()).issueMany(try requests([IssuerWorld.roleArn]).map(\.0), mfaProof: nil) }
            throws: {
                ($0 as? IssuanceRefusal)?.reason == .unavailable && "\($0)".contains("this issuer is older than your rolecall")
                    && "\($0)".contains(IssuerAPI.certificateBatchPath)
            }
    }
}
