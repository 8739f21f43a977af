import Foundation
import Issuance
import Session
import Testing
import TestSupport

extension EmulatorHarness {
    /// The emulator's Roles Anywhere profile and trust anchor, as a profile names them.
    static let target = Profile.RolesAnywhereTarget(profileArn: profileArn, trustAnchorArn: trustAnchorArn)
}

/// A profile is one of four kinds in memory and flat in `config.json`: the form before kinds, so
/// older versions read a file without chained profiles; a chained profile is written without
/// Roles Anywhere ARNs, and one with the empty ARNs older versions wrote still loads.
@Suite(.removesTemporaryFiles) struct ProfileCodingTests {
    static let role = "arn:aws:iam::123456789012:role/dev"
    static let target = Profile.RolesAnywhereTarget(profileArn: "arn:aws:rolesanywhere:us-east-1:123456789012:profile/p",
                                                    trustAnchorArn: "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/t")
    static let targetJSON = #""profileArn": "arn:aws:rolesanywhere:us-east-1:123456789012:profile/p", "trustAnchorArn": "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/t""#

    static func decode(_ fields: String) throws -> Profile {
        try JSONDecoder().decode(Profile.self, from: Data(#"{"name": "p", "roleArn": "\#(role)", "durationSeconds": 3600, \#(fields)}"#.utf8))
    }

    /// The profile as a JSON object, as `config.json` and `profile show --json` hold it.
    static func object(_ profile: Profile) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(profile)) as? [String: Any])
    }

    static let own = Profile.OwnCertificate(certificate: "/etc/pki/me.pem", privateKey: "/etc/pki/me.key")

    @Test(arguments: [
        (#""mfa": "required", \#(targetJSON)"#, Profile.Kind.localCA(target)),
        (#""mfa": "off", "issuer": "https://issuer.example", \#(targetJSON)"#, .teamIssuer(issuer: "https://issuer.example", target)),
        (#""mfa": "off", "ownCertificate": {"certificate": "/etc/pki/me.pem", "privateKey": "/etc/pki/me.key"}, \#(targetJSON)"#, .ownCertificate(own, target)),
        (#""mfa": "required", "chain": {"sourceProfile": "dev", "externalId": "x-1"}"#, .chained(.init(sourceProfile: "dev", externalId: "x-1"))),
        // As versions before kinds wrote a chained profile.
        (#""mfa": "required", "chain": {"sourceProfile": "dev"}, "profileArn": "", "trustAnchorArn": """#, .chained(.init(sourceProfile: "dev"))),
    ])
    func eachKindDecodes(fields: String, kind: Profile.Kind) throws {
        let profile = try Self.decode(fields)
        #expect(profile.kind == kind)
        #expect(profile.kind.rolesAnywhere == kind.rolesAnywhere)
        #expect(profile.kind.chain?.sourceProfile == (kind.rolesAnywhere == nil ? "dev" : nil))
    }

    @Test func aChainedProfileIsWrittenWithoutRolesAnywhereARNs() throws {
        let legacy = try Self.decode(#""mfa": "required", "chain": {"sourceProfile": "dev"}, "profileArn": "", "trustAnchorArn": """#)
        let object = try Self.object(legacy)
        #expect(object["profileArn"] == nil && object["trustAnchorArn"] == nil && object["issuer"] == nil && object["ownCertificate"] == nil)
        #expect((object["chain"] as? [String: Any])?["sourceProfile"] as? String == "dev")
        #expect(try JSONDecoder().decode(Profile.self, from: JSONEncoder().encode(legacy)) == legacy)
    }

    @Test(arguments: [Profile.Kind.localCA(target), .teamIssuer(issuer: "https://issuer.example", target), .ownCertificate(own, target)])
    func aRolesAnywhereKindIsWrittenAsBeforeKinds(kind: Profile.Kind) throws {
        var profile = Profile(name: "p", roleArn: Self.role, kind: kind, mfa: .off, mfaVerificationIntervalSeconds: 3600)
        profile.stsEndpoint = "http://127.0.0.1:9"
        let object = try Self.object(profile)
        #expect(object["profileArn"] as? String == Self.target.profileArn && object["trustAnchorArn"] as? String == Self.target.trustAnchorArn)
        #expect(object["chain"] == nil)
        #expect((object["issuer"] as? String != nil) == kind.isTeamIssuer)
        #expect(Set(object.keys).isSubset(of: ["name", "roleArn", "profileArn", "trustAnchorArn", "durationSeconds", "mfa", "stsEndpoint",
                                                 "mfaVerificationIntervalSeconds", "issuer", "ownCertificate"]))
        #expect(try JSONDecoder().decode(Profile.self, from: JSONEncoder().encode(profile)) == profile)
    }

    /// `home-before-tokens`' config, read and written again, is the same JSON: a version before
    /// kinds reads what this one writes for profiles that are not chained.
    @Test func aConfigWithoutChainsIsWrittenBackUnchanged() throws {
        let path = Paths.packageRoot + "/Tests/Fixtures/home-before-tokens/config.json"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let document = try JSONFile<ConfigStore.Document>.decode(Array(bytes), path: path)
        let written = try JSONEncoder().encode(document)
        #expect(try JSONSerialization.jsonObject(with: written) as? NSDictionary == JSONSerialization.jsonObject(with: bytes) as? NSDictionary)
    }

    /// What no kind holds is refused at the field that does not belong, not dropped: a chained
    /// profile with ARNs, an issuer or a certificate; an issuer and a certificate together.
    @Test(arguments: [
        (#""chain": {"sourceProfile": "dev"}, "profileArn": "arn:aws:rolesanywhere:us-east-1:123456789012:profile/p", "trustAnchorArn": """#, "profileArn"),
        (#""chain": {"sourceProfile": "dev"}, "profileArn": "", "trustAnchorArn": "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/t""#, "trustAnchorArn"),
        (#""chain": {"sourceProfile": "dev"}, "issuer": "https://issuer.example""#, "issuer"),
        (#""chain": {"sourceProfile": "dev"}, "ownCertificate": {"certificate": "/c.pem", "privateKey": "/k.pem"}"#, "ownCertificate"),
        (#""issuer": "https://issuer.example", "ownCertificate": {"certificate": "/c.pem", "privateKey": "/k.pem"}, \#(targetJSON)"#, "ownCertificate"),
    ])
    func aFieldNoKindHoldsIsRefused(fields: String, key: String) throws {
        let home = SecureDirectory(path: try Paths.temporaryDirectory() + "/home")
        try home.create()
        let config = #"{"profiles": [{"name": "p", "roleArn": "\#(Self.role)", "durationSeconds": 3600, "mfa": "required", \#(fields)}]}"#
        try home.write("config.json", Array(config.utf8))
        #expect { try ConfigStore(directory: home).profiles() } throws: {
            ($0 as? StoreError)?.code == .damaged && "\($0)".contains("invalid value at profiles[0].\(key)")
        }
    }

    @Test func aProfileWithoutARNsIsRefusedUnlessChained() throws {
        #expect { try Self.decode(#""mfa": "required", "issuer": "https://issuer.example""#) } throws: { error in
            guard case DecodingError.keyNotFound(let key, _) = error else { return false }
            return key.stringValue == "profileArn"
        }
    }

    /// `home-chained-before-kinds`: chained profiles stored with empty ARNs load, with their
    /// sources' MFA; the next write stores them without the ARNs, and the config reads the same.
    @Test func aConfigWithChainsFromBeforeKindsLoadsAndIsRewrittenWithoutEmptyARNs() throws {
        let home = SecureDirectory(path: try Paths.temporaryDirectory() + "/home")
        try home.create()
        let fixture = try Data(contentsOf: URL(fileURLWithPath: Paths.packageRoot + "/Tests/Fixtures/home-chained-before-kinds/config.json"))
        #expect(String(decoding: fixture, as: UTF8.self).contains(#""profileArn" : """#), "the fixture is in the old form")
        try home.write("config.json", Array(fixture))
        let config = ConfigStore(directory: home)
        let loaded = try config.profiles()
        #expect(loaded.map(\.name) == ["dev", "ci", "admin", "partner"])
        #expect(loaded.map(\.kind.chain?.sourceProfile) == [nil, nil, "dev", "ci"])
        #expect(loaded.map(\.mfa) == [.required, .off, .required, .off], "a chained profile's MFA is its source's")
        #expect(loaded[3].kind.chain?.externalId == EmulatorHarness.partnerExternalId)

        _ = try config.update(named: "admin") { $0.stsEndpoint = "http://127.0.0.1:9" }
        let written = try #require(try home.read("config.json"))
        let profiles = try #require((try JSONSerialization.jsonObject(with: Data(written)) as? [String: Any])?["profiles"] as? [[String: Any]])
        #expect(profiles.map { $0["profileArn"] != nil } == [true, true, false, false])
        #expect(profiles.map { $0["trustAnchorArn"] != nil } == [true, true, false, false])
        var expected = loaded
        expected[2].stsEndpoint = "http://127.0.0.1:9"
        #expect(try config.profiles() == expected)
    }
}
