import Foundation
import Issuance
import Session
import Testing
import TestSupport

/// What `config.json` refuses, by code: the messages are `ConfigError`'s, written once.
@Suite(.removesTemporaryFiles) struct ConfigRefusalTests {
    static let anchor = "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/t"
    static let target = "arn:aws:iam::210987654321:role/admin"

    /// A config with `dev` (rolecall's CA) and `admin`, chained from it.
    static func config() throws -> ConfigStore {
        let home = SecureDirectory(path: try Paths.temporaryDirectory() + "/home")
        try home.create()
        let config = ConfigStore(directory: home)
        try config.add(Profile(name: "dev", roleArn: "arn:aws:iam::123456789012:role/dev",
                               kind: .localCA(.init(profileArn: "arn:aws:rolesanywhere:us-east-1:123456789012:profile/p", trustAnchorArn: anchor))))
        try config.add(.chained(name: "admin", sourceProfile: "dev", roleArn: target))
        return config
    }

    static func code(_ body: () throws -> Void) -> ConfigError.Code? {
        do { try body() } catch let error as ConfigError { return error.code } catch { return nil }
        return nil
    }

    @Test func theProfilesTogetherAreRefusedByCode() throws {
        let config = try Self.config()
        #expect(Self.code { _ = try config.profile(named: "nope") } == .unknownProfile)
        #expect(Self.code { try config.remove(named: "nope") } == .unknownProfile)
        #expect(Self.code { _ = try config.update(named: "nope") { _ in } } == .unknownProfile)
        #expect(Self.code { try config.add(.chained(name: "admin", sourceProfile: "dev", roleArn: Self.target)) } == .profileExists)
        #expect(Self.code { try config.add(.chained(name: "orphan", sourceProfile: "nobody", roleArn: Self.target)) } == .unknownSourceProfile)
        #expect(Self.code { try config.add(.chained(name: "twice", sourceProfile: "admin", roleArn: Self.target)) } == .sourceIsChained)
        #expect(Self.code { try config.remove(named: "dev") } == .sourceOfOthers)
        #expect(Self.code { try config.add(.chained(name: "dev", sourceProfile: "other", roleArn: Self.target), replacing: true) } == .sourceOfOthers)
        #expect(Self.code { _ = try config.setTrustAnchor("trust-anchor/t", from: nil) } == .invalidARN)
        #expect(Self.code { _ = try config.setTrustAnchor(Self.anchor + "2", from: Self.anchor + "3") } == .noProfileForTrustAnchor)
        #expect(try config.profiles().map(\.name) == ["dev", "admin"], "nothing refused was written")
    }

    /// The rule "a chained profile takes only these flags" is one list: the stored profile's refusal
    /// and `profile add`'s usage error name the same flags. (Its kind has no room for ARNs, an
    /// issuer or a certificate: `ProfileCodingTests`.)
    @Test func aChainedProfileWithRolesAnywhereSettingsIsRefused() throws {
        for change in [{ $0.endpoint = "http://127.0.0.1:9" }, { $0.pinCommand = "cat pin" }, { $0.mfaVerificationIntervalSeconds = 3600 }] as [(inout Profile) -> Void] {
            var chained = Profile.chained(name: "admin", sourceProfile: "dev", roleArn: Self.target)
            change(&chained)
            #expect(Self.code { try chained.validate() } == .chainedFlag)
        }
        let stored = ConfigError.chainedFlag().description
        let given = ConfigError.chainedFlag(["--profile-arn"]).description
        #expect(given.hasPrefix("--profile-arn comes from the source profile"))
        for flag in ConfigError.chainedProfileFlags { #expect(stored.contains(flag) && given.contains(flag)) }
    }

    /// CreateSession's profile and trust anchor come from a Roles Anywhere kind only: a chained
    /// profile's session is its source's.
    @Test func aChainedProfileHasNoCreateSessionTarget() {
        #expect(Self.code { _ = try CredentialBroker.Request(profile: .chained(name: "admin", sourceProfile: "dev", roleArn: Self.target)) }
            == .chainedWithoutTarget)
    }
}
