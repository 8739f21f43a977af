import Foundation
import HTTPSTransport
import Issuance
import IssuanceCore
import RolesAnywhere
import Session
import TestSupport
import Testing

/// The per-session flow against the emulator, in-process.
@Suite(.removesTemporaryFiles) struct CredentialBrokerTests {
    struct World {
        let context: SessionContext
        let harness: EmulatorHarness
        let device: TOTPVerifier.Device
        let profile: Profile
    }

    func world(mfa: Profile.MFAMode = .required) async throws -> World {
        let base = try Paths.temporaryDirectory()
        let context = SessionContext(environment: ["ROLECALL_HOME": base + "/home"], transport: NIOClientTransport())
        let initialized = try LocalSetup(context: context).initialize(user: "alice")
        let harness = try await EmulatorHarness.start(try EmulatorHarness.standardConfig(caPEM: initialized.caCertificatePEM, directory: base))
        let profile = Profile(name: "dev", roleArn: EmulatorHarness.roleArn, kind: .localCA(EmulatorHarness.target), mfa: mfa, endpoint: harness.url)
        try context.config.add(profile)
        let device = try #require(try context.localCAStore.devices().first)
        return World(context: context, harness: harness, device: device, profile: profile)
    }

    func code(_ world: World, offset: Int64 = 0) -> String {
        TOTP.code(secret: world.device.secret, step: TOTP.step(at: Date()) + offset)
    }

    @Test func singleUseCertificateYieldsAFullLengthSession() async throws {
        let world = try await world()
        let started = try await SessionStarter(context: world.context).start(.init(profileName: "dev"), mfa: .code(code(world)))
        #expect(started.issued.durationSeconds == 3600)
        let certificate = try #require(started.issued.certificate)
        let lifetime = certificate.notValidAfter.timeIntervalSince(certificate.notValidBefore)
        #expect(lifetime <= 70)
        let record = try #require(world.harness.records.last)
        #expect(record.status == 201)
        #expect(record.durationSeconds == 3600)
        #expect((record.certificateLifetimeSeconds ?? 999) <= 70)
        #expect(abs(started.issued.credentials.expiration.timeIntervalSinceNow - 3600) < 60)
    }

    /// The local issuer's one check for several roles: one code, every certificate naming its role's
    /// account, and the code spent once (the replay guard refuses it for the next call).
    @Test func oneCodeCertifiesSeveralRolesLocally() async throws {
        let world = try await world()
        let roles = [EmulatorHarness.roleArn, EmulatorHarness.targetRoleArn]
        let kind = CertificateKind.inMemory(verificationInterval: 3600, holderLifetime: nil)
        let requests = try roles.map { try IssuanceRequest(key: .generateP256(), kind: kind, roleArn: $0, mfaProof: nil) }
        let code = code(world)
        let issued = try await world.context.localIssuer.issueMany(requests, mfaProof: .totp(code: code))
        #expect(issued.map { $0.chain[0].subject.description.contains("L=") } == [true, true])
        #expect(issued[1].chain[0].subject.description.contains("L=210987654321"), "\(issued[1].chain[0].subject)")
        await #expect { try await world.context.localIssuer.issueMany(Array(requests.prefix(1)), mfaProof: .totp(code: code)) }
            throws: { ($0 as? MFAError)?.code == .replayed }
        await #expect { try await world.context.localIssuer.issueMany(requests, mfaProof: nil) }
            throws: { ($0 as? MFAError)?.code == .unavailable }
    }

    @Test func aReplayedCodeCausesNoCreateSession() async throws {
        let world = try await world()
        let code = code(world)
        _ = try await SessionStarter(context: world.context).start(.init(profileName: "dev"), mfa: .code(code))
        let before = world.harness.records.count
        await #expect { try await SessionStarter(context: world.context).start(.init(profileName: "dev"), mfa: .code(code)) }
            throws: { ($0 as? MFAError)?.code == .replayed }
        #expect(world.harness.records.count == before)
    }

    @Test func aSessionOf900SecondsIsGranted() async throws {
        let world = try await world()
        let short = try await SessionStarter(context: world.context).start(.init(profileName: "dev", durationSeconds: 900), mfa: .code(code(world)))
        #expect(short.issued.durationSeconds == 900)
    }

    @Test func aSessionShorterThan900SecondsIsRefused() async throws {
        let world = try await world()
        await #expect { try await SessionStarter(context: world.context).start(.init(profileName: "dev", durationSeconds: 60), mfa: .code(code(world, offset: 1))) }
            throws: { ($0 as? SessionDurationPolicy.Refusal) == .requestedBelowMinimum(60) }
    }

    @Test func nestedSessionIsRefused() async throws {
        var context = SessionContext(environment: ["ROLECALL_SESSION": "dev"], transport: NIOClientTransport())
        context.environment["ROLECALL_HOME"] = "/nonexistent"
        await #expect { try await SessionStarter(context: context).start(.init(), mfa: .code("000000")) }
            throws: { ($0 as? SessionError)?.code == .nestedSession && "\($0)".contains("already inside the rolecall session dev") && "\($0)".contains("exit") }
    }

    @Test func credentialProcessServesAProfileWithoutMFA() async throws {
        let world = try await world(mfa: .off)
        let credentials = try await SessionStarter(context: world.context).credentialProcess(profileName: "dev")
        #expect(credentials.accessKeyId.hasPrefix("ASIA"))
    }

    @Test func credentialProcessRefusesAProfileWithMFABeforeAnyRequest() async throws {
        let mfaWorld = try await self.world()
        let before = mfaWorld.harness.records.count
        await #expect(throws: CredentialProcessRefused.self) { try await SessionStarter(context: mfaWorld.context).credentialProcess(profileName: "dev") }
        #expect(mfaWorld.harness.records.count == before)
    }
}
