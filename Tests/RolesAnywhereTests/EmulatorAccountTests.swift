import Foundation
import HTTPSTransport
import RolesAnywhere
import RolesAnywhereEmulator
import Testing
import TestSupport

/// Trust anchors, profiles and roles in several accounts, and the combinations AWS refuses: a profile
/// is looked up in the trust anchor's account and lists only its own account's roles.
@Suite(.removesTemporaryFiles) struct EmulatorAccountTests {
    static let anchorA = "arn:aws:rolesanywhere:us-east-1:111111111111:trust-anchor/a"
    static let profileA = "arn:aws:rolesanywhere:us-east-1:111111111111:profile/a"
    static let roleA = "arn:aws:iam::111111111111:role/deploy"
    static let anchorB = "arn:aws:rolesanywhere:us-east-1:222222222222:trust-anchor/b"
    static let profileB = "arn:aws:rolesanywhere:us-east-1:222222222222:profile/b"
    static let roleB = "arn:aws:iam::222222222222:role/deploy"

    func load(_ config: EmulatorConfig, caPEM: String) throws -> LoadedEmulatorConfig {
        let directory = try Paths.temporaryDirectory()
        try caPEM.write(toFile: directory + "/ca.pem", atomically: true, encoding: .utf8)
        return try LoadedEmulatorConfig(config, baseDirectory: URL(fileURLWithPath: directory))
    }

    var twoAccounts: EmulatorConfig {
        EmulatorConfig(
            trustAnchors: [.init(arn: Self.anchorA, certificatePath: "ca.pem"), .init(arn: Self.anchorB, certificatePath: "ca.pem")],
            profiles: [.init(arn: Self.profileA, roleArns: [Self.roleA]), .init(arn: Self.profileB, roleArns: [Self.roleB])],
            roles: [.init(arn: Self.roleA), .init(arn: Self.roleB)]
        )
    }

    func createSession(_ harness: EmulatorHarness, pki: TestPKI, anchor: String, profile: String, role: String) async -> Result<String, RolesAnywhereError> {
        let key = SigningKey.p256(.init())
        let identity = SigningIdentity(certificate: try! pki.leaf(for: key), key: key, isSingleUse: true)
        let client = CreateSessionClient(endpoint: try! Endpoint(parsing: harness.url), region: "us-east-1", transport: NIOClientTransport())
        do {
            let result = try await client.createSession(CreateSessionRequest(durationSeconds: 900, profileArn: profile, roleArn: role, trustAnchorArn: anchor), identity: identity)
            return .success(result.assumedRoleArn ?? "")
        } catch {
            return .failure(error)
        }
    }

    /// CreateSession in the two-account emulator with these ARNs.
    func createSessionInTwoAccounts(anchor: String, profile: String, role: String) async throws -> Result<String, RolesAnywhereError> {
        let pki = try TestPKI.make()
        let harness = try await EmulatorHarness.start(try load(twoAccounts, caPEM: pki.root.certificate.pem))
        defer { harness.stop() }
        return await createSession(harness, pki: pki, anchor: anchor, profile: profile, role: role)
    }

    @Test func anAccountsAnchorOpensItsOwnRole() async throws {
        let own = try await createSessionInTwoAccounts(anchor: Self.anchorB, profile: Self.profileB, role: Self.roleB)
        #expect(try own.get().hasPrefix("arn:aws:sts::222222222222:assumed-role/deploy/"))
    }

    /// Account A's anchor with account B's profile and role.
    @Test func anAnchorCannotUseAnotherAccountsProfile() async throws {
        let crossed = try await createSessionInTwoAccounts(anchor: Self.anchorA, profile: Self.profileB, role: Self.roleB)
        guard case .failure(let refusal) = crossed else {
            Issue.record("a profile of another account was used")
            return
        }
        #expect(refusal.code == .accessDenied && refusal.refusedPart == .profile, "\(refusal)")
        #expect(refusal.message.hasSuffix(": Profile not found: \(Self.profileB) is not in the trust anchor's account 111111111111"), "\(refusal)")
    }

    /// Account B's profile does not list account A's role of the same name.
    @Test func aProfileCannotOpenAnotherAccountsRoleOfTheSameName() async throws {
        let otherRole = try await createSessionInTwoAccounts(anchor: Self.anchorB, profile: Self.profileB, role: Self.roleA)
        guard case .failure(let roleRefusal) = otherRole else {
            Issue.record("a role of another account was assumed")
            return
        }
        #expect(roleRefusal.code == .accessDenied && roleRefusal.refusedPart == .role, "\(roleRefusal)")
        #expect(roleRefusal.message.contains(": Unable to assume role \(Self.roleA)"), "\(roleRefusal)")
    }

    @Test func aProfileListingAnotherAccountsRoleDoesNotLoad() throws {
        var config = twoAccounts
        config.profiles[0].roleArns.append(Self.roleB)
        #expect {
            try load(config, caPEM: try TestPKI.make().root.certificate.pem)
        } throws: { error in
            (error as? EmulatorConfigError)?.code == .roleOutsideProfileAccount && "\(error)".contains("profiles[0].roleArns") && "\(error)".contains("111111111111")
        }
    }

    @Test func anAccountIdKeepsEveryARNInThatAccount() throws {
        var config = twoAccounts
        config.accountId = "111111111111"
        #expect {
            try load(config, caPEM: try TestPKI.make().root.certificate.pem)
        } throws: { error in
            (error as? EmulatorConfigError)?.code == .otherAccount && "\(error)".contains("trustAnchors[1].arn is in account 222222222222")
        }
    }
}
