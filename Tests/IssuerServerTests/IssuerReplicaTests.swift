import Foundation
import Issuance
@testable import IssuerServer
import IssuerStorage
import RolesAnywhere
import Testing
import TestSupport
import X509

/// Two replicas on one database (PostgreSQL when `ROLECALL_TEST_POSTGRES_URL` is set, as in CI;
/// SQLite too): what one accepts or counts holds on the other, and losing one loses nothing.
@Suite struct IssuerReplicaTests {
    @Test(arguments: Backend.available)
    func oneCodeSentToBothReplicasAtOnceGetsExactlyOneCertificate(_ backend: Backend) async throws {
        try await IssuerWorld.with(backend) { world in
            let alice = try await world.addPerson()
            let (a, b) = (try await world.replica(), try await world.replica())
            // A password-only login: the per-session role still needs a code per certificate.
            let login = try await IssuerClient(a).login(alice, totp: nil)
            for _ in 0..<5 {
                world.clock.advance(TOTP.period)
                let code = world.code(alice)
                async let fromA = Result(catching: { try await IssuerClient(a).certificate(login, totp: code) })
                async let fromB = Result(catching: { try await IssuerClient(b).certificate(login, totp: code) })
                let outcomes = await [fromA, fromB]
                let issued = outcomes.filter { if case .success = $0 { true } else { false } }
                #expect(issued.count == 1)
                for case .failure(let error) in outcomes { #expect(refusalReason(error) == "mfa-replayed", "\(error)") }
            }
            let rows = try await world.admin.audit(since: .distantPast).filter { $0.event == "certificate" }
            #expect(rows.filter { $0.result == "ok" }.count == 5)
            #expect(rows.filter { $0.result == "replayed-code" }.count == 5)
        }
    }

    @Test(arguments: Backend.available)
    func aLockoutReachedThroughOneReplicaHoldsOnTheOther(_ backend: Backend) async throws {
        try await IssuerWorld.with(backend) { world in
            let alice = try await world.addPerson()
            let (a, b) = (try await world.replica(), try await world.replica())
            for _ in 0..<TOTPVerifier.failuresBeforeLockout {
                await #expect(throws: IssuanceRefusal.self) { _ = try await IssuerClient(a).login(alice, password: "wrong", totp: nil) }
            }
            let error = await #expect(throws: MFAError.self) { _ = try await IssuerClient(b).login(alice, totp: world.code(alice)) }
            #expect(error?.code == .locked)
            world.clock.advance(TOTPVerifier.firstLockout + 1)
            _ = try await IssuerClient(b).login(alice, totp: world.code(alice, steps: 1))
        }
    }

    @Test(arguments: Backend.available)
    func stoppingOneReplicaMidRunLosesNothing(_ backend: Backend) async throws {
        try await IssuerWorld.with(backend) { world in
            let alice = try await world.addPerson()
            let (a, b) = (try await world.replica(), try await world.replica())
            let client = IssuerClient(a, b, connectTimeout: .seconds(1))
            let login = try await client.login(alice, totp: world.code(alice))
            var serials: [String] = []
            for index in 0..<20 {
                if index == 15 { await a.stop() }
                let (issued, _) = try await client.certificate(login, role: IssuerWorld.openRoleArn, kind: .standard(sessionDuration: 900), totp: nil)
                serials.append(Array(try #require(issued.chain.first).serialNumber.bytes).hexString)
            }
            let audited = try await world.admin.audit(since: .distantPast).filter { $0.event == "certificate" && $0.result == "ok" }
            #expect(audited.compactMap(\.serial) == serials)
            #expect(Set(serials).count == 20)
        }
    }
}
