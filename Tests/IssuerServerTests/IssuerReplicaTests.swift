import Foundation
import Issuance
@testable import IssuerServer
import IssuanceCore
import IssuerProtocol
import IssuerStorage
import RolesAnywhere
import Testing
import TestSupport
import X509

/// Two replicas on one database (PostgreSQL when `ROLECALL_TEST_POSTGRES_URL` is set, as in CI;
/// SQLite too): what one accepts or counts holds on the other, and losing one loses nothing.
@Suite(.removesTemporaryFiles) struct IssuerReplicaTests {
    /// Straight into both replicas' services, so that the requests really arrive together (over
    /// HTTPS each would first wait for its own TLS handshake); within a replica one user's checks
    /// are serialised, so it is the database's replay guard that must let only one through.
    /// `ca rotate --stage` on one replica's database: every replica keeps signing with the current
    /// CA until `--promote`, then every one signs with the new CA, without a restart.
    @Test(arguments: Backend.available)
    func aStagedCASignsOnEveryReplicaOnlyOncePromoted(_ backend: Backend) async throws {
        try await IssuerWorld.with(backend) { world in
            let alice = try await world.addPerson()
            let (first, second) = (IssuerClient(try await world.replica()), IssuerClient(try await world.replica()))
            let login = try await first.login(alice, totp: nil)
            func signer(_ client: IssuerClient) async throws -> Certificate {
                let leaf = try #require(try await client.openRoleCertificate(login).0.chain.first)
                return try #require([world.authority.certificate, staged.certificate].first { $0.publicKey.isValidSignature(leaf.signature, for: leaf) },
                                    "signed by neither CA")
            }
            let staged = try await world.admin.stageAuthority(commonName: "next")
            #expect(try await signer(first) == world.authority.certificate)
            #expect(try await signer(second) == world.authority.certificate)
            let listed = try await world.admin.authorities()
            #expect(listed.map(\.staged) == [false, true] && listed.map(\.retired) == [false, false])
            let whileStaged = await #expect(throws: IssuerError.self) { _ = try await world.admin.rotateAuthority(commonName: "not now") }
            #expect(whileStaged?.code == .authorityStaged)
            let promoted = try await world.admin.promoteAuthority()
            #expect(promoted == staged.certificate)
            #expect(try await signer(first) == staged.certificate)
            #expect(try await signer(second) == staged.certificate)
            #expect(try await world.admin.authorities().map(\.retired) == [true, false])
            let nothingStaged = await #expect(throws: IssuerError.self) { _ = try await world.admin.promoteAuthority() }
            #expect(nothingStaged?.code == .noStagedAuthority)
            let audited = try await world.admin.audit(since: .distantPast).map(\.event).filter { $0.hasPrefix("ca-") }
            #expect(audited == ["ca-stage", "ca-promote"])
        }
    }

    @Test(arguments: Backend.available)
    func oneCodeSentToBothReplicasAtOnceGetsExactlyOneCertificate(_ backend: Backend) async throws {
        try await IssuerWorld.with(backend) { world in
            let alice = try await world.addPerson()
            let (a, b) = (try await world.replica(), try await world.replica())
            // A password-only login: the per-session role still needs a code per certificate.
            let login = try await IssuerClient(a).login(alice, totp: nil)
            let csr = try IssuanceRequest(key: .generateP256(), kind: .singleUse, roleArn: IssuerWorld.roleArn, mfaProof: nil).csr.serializeAsPEM().pemString
            let rounds = 5, perRound = 8
            for _ in 0..<rounds {
                world.clock.advance(TOTP.period)
                let request = IssuerAPI.CertificateRequest(csr: csr, roleArn: IssuerWorld.roleArn, kind: .known(.singleUse),
                                                           lifetimeSeconds: nil, sessionSeconds: nil, totp: world.code(alice))
                let answers = await withTaskGroup(of: String?.self) { group in
                    for index in 0..<perRound {
                        let replica = index.isMultiple(of: 2) ? a : b
                        group.addTask {
                            do { _ = try await replica.service.issue(request, token: login.token, client: "127.0.0.1"); return "issued" }
                            catch { return refusalReason(error) }
                        }
                    }
                    return await group.reduce(into: [String?]()) { $0.append($1) }
                }
                #expect(answers.filter { $0 == "issued" }.count == 1, "\(answers)")
                #expect(answers.filter { $0 == "replayed-code" }.count == perRound - 1, "\(answers)")
            }
            let rows = try await world.admin.audit(since: .distantPast).filter { $0.event == "certificate" }
            #expect(rows.filter { $0.result == "ok" }.count == rounds)
            #expect(rows.filter { $0.result == "replayed-code" }.count == rounds * (perRound - 1))
        }
    }

    @Test(arguments: Backend.available)
    func aLockoutReachedThroughOneReplicaHoldsOnTheOther(_ backend: Backend) async throws {
        try await IssuerWorld.with(backend) { world in
            let alice = try await world.addPerson()
            let (a, b) = (try await world.replica(), try await world.replica())
            for _ in 0..<TOTPLockout.failuresBeforeLockout {
                await #expect(throws: IssuanceRefusal.self) { _ = try await IssuerClient(a).login(alice, password: "wrong", totp: nil) }
            }
            let error = await #expect(throws: MFAError.self) { _ = try await IssuerClient(b).login(alice, totp: world.code(alice)) }
            #expect(error?.code == .locked)
            world.clock.advance(TOTPLockout.firstLockout + 1)
            _ = try await IssuerClient(b).login(alice, totp: world.code(alice, steps: 1))
        }
    }

    @Test(arguments: Backend.available)
    func stoppingOneReplicaMidRunLosesNothing(_ backend: Backend) async throws {
        try await IssuerWorld.with(backend) { world in
            let alice = try await world.addPerson()
            let (a, b) = (try await world.replica(), try await world.replica())
            // The production connect timeout: a shorter one can run out on a busy machine.
            let client = IssuerClient(a, b)
            let login = try await client.login(alice, totp: world.code(alice))
            var serials: [String] = []
            for index in 0..<20 {
                if index == 15 { await a.stop() }
                let (issued, _) = try await client.openRoleCertificate(login)
                serials.append(Array(try #require(issued.chain.first).serialNumber.bytes).hexString)
            }
            let audited = try await world.admin.audit(since: .distantPast).filter { $0.event == "certificate" && $0.result == "ok" }
            #expect(audited.compactMap(\.serial) == serials)
            #expect(Set(serials).count == 20)
        }
    }
}
