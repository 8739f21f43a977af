import Issuance
@testable import Session
import IssuerProtocol
import Testing
import TestSupport

/// The profiles `rolecall login` writes from the roles the issuer allows.
@Suite struct TeamLoginTests {
    /// A grant of `arn` with a profile and trust anchor in the role's own account, as AWS needs.
    static func role(_ arn: String, mfa: WireValue<MFARequirement> = .known(.perSession)) -> IssuerAPI.Role {
        let account = arn.split(separator: ":", omittingEmptySubsequences: false)[4]
        return IssuerAPI.Role(roleArn: arn, profileArn: "arn:aws:rolesanywhere:us-east-1:\(account):profile/p",
                              trustAnchorArn: "arn:aws:rolesanywhere:us-east-1:\(account):trust-anchor/t",
                              region: nil, maxDurationSeconds: 3600, mfa: mfa)
    }

    @Test func rolesSharingANameGetDistinctValidProfileNames() throws {
        let roles = [
            Self.role("arn:aws:iam::111122223333:role/dev"),
            Self.role("arn:aws:iam::444455556666:role/dev"),
            Self.role("arn:aws:iam::444455556666:role/team/dev"),
            Self.role("arn:aws:iam::111122223333:role/ops"),
        ]
        let profiles = TeamLogin.profiles(for: roles, issuer: "https://issuer")
        #expect(profiles.map(\.name) == ["dev", "dev-444455556666", "dev-444455556666-2", "ops"])
        for profile in profiles { try profile.validate() }
    }

    /// A new login that no longer gives the team profile a chained profile starts from keeps it
    /// (the config would not load without it) and says so; others of the old login go.
    @Test func aTeamProfileAChainStartsFromOutlivesANewLogin() throws {
        let home = SecureDirectory(path: try Paths.temporaryDirectory() + "/home")
        try home.create()
        let config = ConfigStore(directory: home)
        let old = TeamLogin.profiles(for: [Self.role("arn:aws:iam::111122223333:role/dev"), Self.role("arn:aws:iam::111122223333:role/ops")],
                                     issuer: "https://issuer")
        #expect(try config.replaceIssuerProfiles(with: old) == .init())
        try config.add(.chained(name: "admin", sourceProfile: "dev", roleArn: "arn:aws:iam::210987654321:role/admin"))
        let changes = try config.replaceIssuerProfiles(with: TeamLogin.profiles(for: [Self.role("arn:aws:iam::111122223333:role/qa")], issuer: "https://issuer"))
        #expect(changes.keptForChains == ["dev"] && changes.skipped.isEmpty)
        #expect(try config.profiles().map(\.name).sorted() == ["admin", "dev", "qa"])
        #expect(try config.profile(named: "admin").mfa == .required, "the chained profile's MFA is its source's")
    }

    @Test func longRoleNamesStayWithinTheProfileNameLimit() throws {
        let long = String(repeating: "r", count: 64)
        let profiles = TeamLogin.profiles(for: (0..<3).map { _ in Self.role("arn:aws:iam::111122223333:role/\(long)") }, issuer: "https://issuer")
        #expect(Set(profiles.map(\.name)).count == 3)
        #expect(profiles.allSatisfy { $0.name.count <= 64 })
    }

    /// `login --prefix team- --emulator URL`'s profiles, one of them for a role with a 64-character name.
    func prefixedProfiles() -> [Profile] {
        let long = String(repeating: "r", count: 64)
        let roles = [Self.role("arn:aws:iam::111122223333:role/dev"), Self.role("arn:aws:iam::444455556666:role/dev"),
                     Self.role("arn:aws:iam::111122223333:role/\(long)")]
        return TeamLogin.profiles(for: roles, issuer: "https://issuer", prefix: "team-", endpoints: .emulator("http://127.0.0.1:4000"))
    }

    /// Every profile's name starts with the prefix, within the 64-character limit.
    @Test func aPrefixStartsEveryProfilesName() throws {
        let profiles = prefixedProfiles()
        #expect(profiles.map(\.name).prefix(2) == ["team-dev", "team-dev-444455556666"])
        #expect(profiles.allSatisfy { $0.name.hasPrefix("team-") && $0.name.count <= 64 })
        for profile in profiles { try profile.validate() }
    }

    @Test func theLoginsEndpointsReachEveryProfile() {
        #expect(prefixedProfiles().allSatisfy { $0.stsEndpoint == "http://127.0.0.1:4000" })
    }

    @Test func aPrefixThatCannotStartANameIsRefused() throws {
        for bad in ["team prefix", String(repeating: "t", count: 33), "../"] {
            #expect { try TeamLogin.validate(prefix: bad) } throws: { ($0 as? ConfigError)?.code == .invalidPrefix }
        }
        #expect(throws: Never.self) { try TeamLogin.validate(prefix: "") }
    }

    /// An outside test: passwords with an unencoded `/`, `?` or `#` were printed whole.
    @Test(arguments: ["https://ci-bot:Zx9/Qp#Lm2hunter2@proxy.internal:8443", "https://alice:Pa#55hunter2@127.0.0.1:1",
                      "https://bob:55/hunter2@issuer.internal", "https://carol:hunter2@issuer.internal", "https://dave:55/x?hunter2@issuer.internal"])
    func issuerURLsWithCredentialsAreRefusedWithoutShowingThem(_ url: String) {
        #expect { try TeamLogin.validate([url]) } throws: { error in
            let text = "\(error)"
            return (error as? ConfigError)?.code == .invalidIssuer && text.contains("without credentials") && !text.contains("hunter2")
        }
    }

    /// Only the requirements that need no code per session allow credential-process; anything
    /// else fails closed.
    @Test(arguments: [("per-session", Profile.MFAMode.required), ("login", .off), ("off", .off), ("per-request", .required), ("", .required)])
    func mfaRequirementsFailClosed(_ requirement: String, _ expected: Profile.MFAMode) {
        #expect(Profile.MFAMode(issuerRequirement: WireValue(rawValue: requirement)) == expected)
    }
}
