import Foundation
import HTTPSTransport
import Issuance
import IssuanceCore
@testable import IssuerServer
import IssuerProtocol
import RolesAnywhere
import RolesAnywhereEmulator
import SwiftASN1
import Testing
import TestSupport
import X509

/// One team CA trusted in two accounts, one role name in both: a sandbox `deploy` granted with
/// `--mfa off`, a production `deploy` with `--mfa per-session` (issue 22's high finding). No grant may
/// open the other role, and a certificate says "per-session check passed" only when one did.
@Suite(.removesTemporaryFiles) struct CrossAccountGrantTests {
    static let sandboxRole = "arn:aws:iam::111111111111:role/deploy"
    static let sandboxProfile = "arn:aws:rolesanywhere:us-east-1:111111111111:profile/sandbox"
    static let sandboxAnchor = "arn:aws:rolesanywhere:us-east-1:111111111111:trust-anchor/team"
    static let productionRole = "arn:aws:iam::222222222222:role/deploy"
    static let productionProfile = "arn:aws:rolesanywhere:us-east-1:222222222222:profile/production"
    static let productionAnchor = "arn:aws:rolesanywhere:us-east-1:222222222222:trust-anchor/team"

    struct Grants {
        let sandbox: IssuerAdmin.RoleAllowance
        let production: IssuerAdmin.RoleAllowance
    }

    func grantBoth(_ world: IssuerWorld, to person: IssuerWorld.Person) async throws -> Grants {
        let sandbox = try await world.admin.allowRole(user: person.name, roleArn: Self.sandboxRole, profileArn: Self.sandboxProfile,
                                                      trustAnchorArn: Self.sandboxAnchor, region: nil, maxDurationSeconds: 3600, mfa: .off)
        let production = try await world.admin.allowRole(user: person.name, roleArn: Self.productionRole, profileArn: Self.productionProfile,
                                                         trustAnchorArn: Self.productionAnchor, region: nil, maxDurationSeconds: 3600, mfa: .perSession)
        return Grants(sandbox: sandbox, production: production)
    }

    /// The `StringEquals` conditions of a printed `"Condition": {…}` block, as the emulator's
    /// `principalTagConditions` (keys without `aws:PrincipalTag/`).
    static func conditions(_ block: String) throws -> [String: [String]] {
        let object = try JSONSerialization.jsonObject(with: Data("{\(block)}".utf8)) as? [String: [String: [String: Any]]]
        let equals = try #require(object?["Condition"]?["StringEquals"])
        return Dictionary(uniqueKeysWithValues: try equals.map { key, value in
            let name = String(key.dropFirst("aws:PrincipalTag/".count))
            if let one = value as? String { return (name, [one]) }
            return (name, try #require(value as? [String]))
        })
    }

    /// Both accounts trust the team CA; each role's trust policy is `production` or `sandbox`.
    func emulator(_ world: IssuerWorld, production: [String: [String]], sandbox: [String: [String]]) async throws -> EmulatorHarness {
        let directory = try Paths.temporaryDirectory()
        try world.authority.certificatePEM().write(toFile: directory + "/team-ca.pem", atomically: true, encoding: .utf8)
        let config = EmulatorConfig(
            trustAnchors: [.init(arn: Self.sandboxAnchor, certificatePath: "team-ca.pem"), .init(arn: Self.productionAnchor, certificatePath: "team-ca.pem")],
            profiles: [.init(arn: Self.sandboxProfile, roleArns: [Self.sandboxRole]), .init(arn: Self.productionProfile, roleArns: [Self.productionRole])],
            roles: [.init(arn: Self.sandboxRole, principalTagConditions: sandbox), .init(arn: Self.productionRole, principalTagConditions: production)]
        )
        let clock = world.clock
        return try await EmulatorHarness.start(try LoadedEmulatorConfig(config, baseDirectory: URL(fileURLWithPath: directory)), now: { clock.now })
    }

    /// CreateSession for production with `certificate`: the credentials' role, or the refusal.
    func openProduction(_ harness: EmulatorHarness, _ issued: IssuedCertificate, key: SigningKey, clock: ManualClock) async -> Result<String, RolesAnywhereError> {
        let client = CreateSessionClient(endpoint: try! Endpoint(parsing: harness.url), region: "us-east-1", transport: NIOClientTransport(),
                                         now: { clock.now })
        let identity = SigningIdentity(certificate: issued.chain[0], key: key, isSingleUse: true)
        let request = CreateSessionRequest(durationSeconds: 900, profileArn: Self.productionProfile, roleArn: Self.productionRole, trustAnchorArn: Self.productionAnchor)
        do {
            return .success(try await client.createSession(request, identity: identity).assumedRoleArn ?? "")
        } catch {
            return .failure(error)
        }
    }

    static func attribute(_ type: ASN1ObjectIdentifier, of certificate: Certificate) -> [String] {
        certificate.subject.flatMap { $0 }.filter { $0.type == type }.map { "\($0.value)" }
    }

    /// The reported bypass: a password (or a stolen login token) alone asks the sandbox grant for an
    /// in-memory certificate. Refused now; before, it opened production under the documented policy.
    @Test(arguments: Backend.available)
    func anOffGrantGetsNoPerSessionKindWithoutACode(_ backend: Backend) async throws {
        try await IssuerWorld.with(backend) { world in
            let alice = try await world.addPerson()
            _ = try await grantBoth(world, to: alice)
            let client = IssuerClient(routes: try await world.routes().client)
            let passwordOnly = try await client.login(alice, totp: nil)
            for kind in [CertificateKind.inMemory(verificationInterval: 3600, holderLifetime: nil), .singleUse] {
                await #expect(throws: (any Error).self) {
                    _ = try await client.certificate(passwordOnly, role: Self.sandboxRole, kind: kind, totp: nil)
                }
                let row = try #require(try await world.admin.audit(since: .distantPast).last)
                #expect(row.result == IssuanceRefusal.Reason.mfaRequired.rawValue && row.kind == kind.name)
            }
            // What today's clients ask for an `off` or `login` grant: a standard certificate, no code.
            let (standard, _) = try await client.certificate(passwordOnly, role: Self.sandboxRole, kind: .standard(sessionDuration: 900), totp: nil)
            #expect(Array(try #require(try standard.chain[0].extensions.subjectAlternativeNames)) == [.uniformResourceIdentifier(LeafSubject.kindURI(.standard))])
            let (login, _) = try await client.certificate(passwordOnly, role: IssuerWorld.openRoleArn, kind: .standard(sessionDuration: 900), totp: nil)
            #expect(!login.chain.isEmpty)
        }
    }

    /// With a valid code the sandbox grant may get a per-session kind, after the same check as a
    /// per-session grant (a wrong code counts as a failure); the account it names keeps it out of
    /// production under the policy `role allow` prints.
    @Test(arguments: Backend.available)
    func theAccountKeepsASandboxCertificateOutOfProduction(_ backend: Backend) async throws {
        try await IssuerWorld.with(backend) { world in
            let alice = try await world.addPerson()
            let grants = try await grantBoth(world, to: alice)
            let client = IssuerClient(routes: try await world.routes().client)
            let passwordOnly = try await client.login(alice, totp: nil)
            let inMemory = CertificateKind.inMemory(verificationInterval: 3600, holderLifetime: nil)
            await #expect(throws: (any Error).self) {
                _ = try await client.certificate(passwordOnly, role: Self.sandboxRole, kind: inMemory, totp: world.code(alice, steps: 5))
            }
            #expect(try await world.admin.database.lockout(user: "alice").failures == 1)
            let (sandbox, key) = try await client.certificate(passwordOnly, role: Self.sandboxRole, kind: inMemory, totp: world.code(alice))
            let leaf = sandbox.chain[0]
            #expect(Self.attribute(.RDNAttributeType.localityName, of: leaf) == ["111111111111"])
            #expect(Self.attribute(.RDNAttributeType.organizationalUnitName, of: leaf) == ["deploy"])
            #expect(Self.attribute(.RDNAttributeType.commonName, of: leaf) == ["alice"])

            let production = try Self.conditions(grants.production.trustPolicyCondition)
            #expect(production["x509Subject/L"] == ["222222222222"])
            #expect(production["x509SAN/URI"] == LeafSubject.perSessionKinds.map(LeafSubject.kindURI))
            let sandboxPolicy = try Self.conditions(grants.sandbox.trustPolicyCondition)
            #expect(sandboxPolicy["x509SAN/URI"] == nil)
            let harness = try await emulator(world, production: production, sandbox: sandboxPolicy)
            defer { harness.stop() }
            guard case .failure(let refusal) = await openProduction(harness, sandbox, key: key, clock: world.clock) else {
                Issue.record("a sandbox certificate opened production")
                return
            }
            #expect(refusal.description.contains("x509Subject/L"), "\(refusal)")
            // Production's own certificate, with its code, does open it.
            world.clock.advance(30)
            let (own, ownKey) = try await client.certificate(passwordOnly, role: Self.productionRole, totp: world.code(alice))
            #expect(try await openProduction(harness, own, key: ownKey, clock: world.clock).get().hasPrefix("arn:aws:sts::222222222222:assumed-role/deploy/"))
        }
    }

    /// A policy written from the old docs (OU, CN and the kind, no account) still refuses what a
    /// password alone can get now: only a certificate with a code could pass it (the advisory).
    @Test(arguments: Backend.available)
    func theOldPolicyRefusesWhatAPasswordAloneGets(_ backend: Backend) async throws {
        try await IssuerWorld.with(backend) { world in
            let alice = try await world.addPerson()
            _ = try await grantBoth(world, to: alice)
            let client = IssuerClient(routes: try await world.routes().client)
            let passwordOnly = try await client.login(alice, totp: nil)
            let (standard, key) = try await client.certificate(passwordOnly, role: Self.sandboxRole, kind: .standard(sessionDuration: 900), totp: nil)
            let old = ["x509Subject/OU": ["deploy"], "x509Subject/CN": ["alice"], "x509SAN/URI": LeafSubject.perSessionKinds.map(LeafSubject.kindURI)]
            let harness = try await emulator(world, production: old, sandbox: [:])
            defer { harness.stop() }
            guard case .failure(let refusal) = await openProduction(harness, standard, key: key, clock: world.clock) else {
                Issue.record("a standard sandbox certificate opened production")
                return
            }
            #expect(refusal.description.contains("x509SAN/URI"), "\(refusal)")
        }
    }

    @Test(arguments: Backend.available)
    func roleAllowWarnsOfARoleOfTheSameNameInAnotherAccount(_ backend: Backend) async throws {
        try await IssuerWorld.with(backend) { world in
            let alice = try await world.addPerson()
            let grants = try await grantBoth(world, to: alice)
            #expect(grants.sandbox.sameNameAccounts.isEmpty)
            #expect(grants.production.sameNameAccounts == ["111111111111"])
        }
    }

    @Test(arguments: Backend.available)
    func roleAllowRefusesNamesNoTagHolds(_ backend: Backend) async throws {
        try await IssuerWorld.with(backend) { world in
            _ = try await world.addPerson()
            for name in ["a,b", String(repeating: "r", count: 65)] {
                let refusal = await #expect(throws: IssuerError.self) {
                    try await world.admin.allowRole(user: "alice", roleArn: "arn:aws:iam::111111111111:role/\(name)", profileArn: Self.sandboxProfile,
                                                    trustAnchorArn: Self.sandboxAnchor, region: nil, maxDurationSeconds: 3600, mfa: .off)
                }
                #expect(refusal?.code == .invalidRole)
            }
        }
    }

    /// A grant whose three ARNs are in different accounts could never work: refused.
    @Test(arguments: Backend.available)
    func roleAllowRefusesAGrantAcrossAccounts(_ backend: Backend) async throws {
        try await IssuerWorld.with(backend) { world in
            _ = try await world.addPerson()
            let accounts = await #expect(throws: IssuerError.self) {
                try await world.admin.allowRole(user: "alice", roleArn: Self.productionRole, profileArn: Self.sandboxProfile,
                                                trustAnchorArn: Self.sandboxAnchor, region: nil, maxDurationSeconds: 3600, mfa: .off)
            }
            #expect(accounts?.code == .invalidRole)
        }
    }
}
