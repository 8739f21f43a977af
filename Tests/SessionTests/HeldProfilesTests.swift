import Foundation
import HTTPSTransport
import Issuance
import IssuanceCore
import RolesAnywhere
@testable import Session
import Synchronization
import TestSupport
import Testing

/// Several profiles after one check per factor (`exec --server --profile A --profile B`, the
/// agent), in-process against the emulator and this home's own CA.
@Suite(.removesTemporaryFiles) struct HeldProfilesTests {
    /// The embedded issuer, its calls counted: how many certificates each call asked for.
    final class CountingIssuer: Issuer {
        let inner: LocalIssuer
        private let calls = Mutex<[String]>([])
        var asked: [String] { calls.withLock { $0 } }

        init(_ inner: LocalIssuer) { self.inner = inner }

        func issue(_ request: IssuanceRequest) async throws -> IssuedCertificate {
            calls.withLock { $0.append("issue") }
            return try await inner.issue(request)
        }

        func issueMany(_ requests: [IssuanceRequest], mfaProof: MFAProof?) async throws -> [IssuedCertificate] {
            calls.withLock { $0.append("issueMany(\(requests.count))") }
            return try await inner.issueMany(requests, mfaProof: mfaProof)
        }
    }

    /// dev, ops, admin (chained from dev), team (another issuer's factor) and dev again, held with
    /// one code per factor, the codes read from a command that counts its runs in `base/n`.
    struct HeldMix {
        let base: String
        let harness: EmulatorHarness
        let issuer: CountingIssuer
        let reported: ReportedLines
        let held: [HeldProfiles.Held]

        func end() {
            held.forEach { $0.source.wipe() }
            harness.stop()
        }
    }

    func heldMix() async throws -> HeldMix {
        let base = try Paths.temporaryDirectory()
        let context = SessionContext(environment: ["ROLECALL_HOME": base + "/home", "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9"],
                                     transport: NIOClientTransport())
        let initialized = try LocalSetup(context: context).initialize(user: "alice")
        let harness = try await EmulatorHarness.start(try EmulatorHarness.standardConfig(caPEM: initialized.caCertificatePEM, directory: base))
        func profile(_ name: String, issuer: String? = nil) -> Profile {
            Profile(name: name, roleArn: EmulatorHarness.roleArn,
                    kind: issuer.map { .teamIssuer(issuer: $0, EmulatorHarness.target) } ?? .localCA(EmulatorHarness.target), endpoint: harness.url)
        }
        // Two of this machine's profiles, one chained from the first, and one whose factor is
        // another issuer's (marked as a team profile; served here by the same counting issuer).
        for added in [profile("dev"), profile("ops"), Profile.chained(name: "admin", sourceProfile: "dev", roleArn: EmulatorHarness.targetRoleArn), profile("team", issuer: "https://issuer.example")] {
            try context.config.add(added)
        }
        let device = try #require(try context.localCAStore.devices().first)
        // Each factor's code is the next step's: the replay guard refuses a code used once.
        let codes = base + "/codes"
        try [0, 1].map { TOTP.code(secret: device.secret, step: TOTP.step(at: Date()) + $0) }.joined(separator: "\n")
            .write(toFile: codes, atomically: true, encoding: .utf8)
        let command = "n=$(cat \(base)/n 2>/dev/null || echo 0); echo $((n + 1)) > \(base)/n; sed -n \"$((n + 1))p\" \(codes)"
        let issuer = CountingIssuer(context.localIssuer)
        let reported = ReportedLines()
        let held = try await HeldProfiles(starter: SessionStarter(context: context, issuer: issuer), report: reported.append)
            .certify(["dev", "ops", "admin", "team", "dev"].map { SessionStarter.Selection(profileName: $0) }, mfa: .command(command))
        return HeldMix(base: base, harness: harness, issuer: issuer, reported: reported, held: held)
    }

    @Test func oneCheckPerFactorCoversEveryProfile() async throws {
        let mix = try await heldMix()
        defer { mix.end() }
        #expect(mix.held.map(\.profile.name) == ["dev", "ops", "admin", "team"], "in order, each once")
        #expect(mix.issuer.asked == ["issueMany(2)", "issue"], "one call for dev and ops (admin rides on dev), one for the other factor")
        #expect(try String(contentsOfFile: mix.base + "/n", encoding: .utf8) == "2\n", "one code per factor")
        #expect(mix.reported.all.contains { $0.hasPrefix("rolecall: one code from your authenticator for dev, ops, each served for an MFA window of ") }, "\(mix.reported.all)")
        #expect(mix.reported.all.contains { $0.hasPrefix("rolecall: one code for the team issuer for team") }, "\(mix.reported.all)")
        #expect(mix.held.allSatisfy { $0.source.windowEnd != nil })
    }

    @Test func aChainSharesItsSourcesCheck() async throws {
        let mix = try await heldMix()
        defer { mix.end() }
        #expect(mix.held[2].base.name == "dev" && mix.held[2].link != nil)
    }

    /// Each held certificate signs its own CreateSession, again and again.
    @Test func eachHeldCertificateSignsCreateSessionRepeatedly() async throws {
        let mix = try await heldMix()
        defer { mix.end() }
        for entry in mix.held where entry.link == nil {
            _ = try await entry.source.fetch(900)
            _ = try await entry.source.fetch(900)
        }
        #expect(mix.harness.records.filter { $0.action == "CreateSession" }.map(\.status) == Array(repeating: 201, count: 6))
    }

    @Test func aRefusalBeforeAnyCodeAsksForNone() async throws {
        let base = try Paths.temporaryDirectory()
        let context = SessionContext(environment: ["ROLECALL_HOME": base + "/home"], transport: NIOClientTransport())
        _ = try LocalSetup(context: context).initialize(user: "alice")
        try context.config.add(Profile(name: "dev", roleArn: EmulatorHarness.roleArn, kind: .localCA(EmulatorHarness.target), endpoint: "http://127.0.0.1:9"))
        let asked = base + "/asked"
        await #expect(throws: (any Error).self) {
            try await HeldProfiles(starter: SessionStarter(context: context), report: { _ in })
                .certify([.init(profileName: "dev"), .init(profileName: "missing")], mfa: .command("touch \(asked); echo 123456"))
        }
        #expect(!FileManager.default.fileExists(atPath: asked), "the unknown profile was refused before the code was asked for")
    }
}
