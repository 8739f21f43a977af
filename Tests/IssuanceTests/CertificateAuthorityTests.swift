import Foundation
import Issuance
import RolesAnywhere
import SwiftASN1
import Testing
import TestSupport
import X509

@Suite struct CertificateAuthorityTests {
    static let now = Date(timeIntervalSince1970: 1_900_000_000)

    @Test func caHasTheRequiredExtensionsAsPythonReadsThem() async throws {
        let authority = try CertificateAuthority.generate(commonName: "rolecall CA for alice", now: Self.now)
        let parsed = try await Python.crosscheck("certificate", ["certificate": try authority.certificatePEM()])
        let extensions = try #require(parsed["extensions"] as? [String: [String: Any]])
        let basic = try #require(extensions["2.5.29.19"])
        #expect(basic["critical"] as? Bool == true && basic["ca"] as? Bool == true && basic["pathLength"] as? Int == 0)
        let usage = try #require(extensions["2.5.29.15"])
        #expect(usage["critical"] as? Bool == true && usage["keyCertSign"] as? Bool == true && usage["cRLSign"] as? Bool == true)
        #expect(extensions["2.5.29.14"] != nil)
        let lifetime = (parsed["notAfter"] as? Int ?? 0) - Int(Self.now.timeIntervalSince1970)
        #expect(lifetime == 10 * 365 * 24 * 3600)
    }

    @Test func singleUseLeafLivesSixtySecondsAndHasLeafExtensions() async throws {
        let authority = try CertificateAuthority.generate(commonName: "CA", now: Self.now)
        let key = SigningKey.generateP256()
        let leaf = try authority.issueLeaf(for: key.certificatePublicKey, user: "alice", kind: .singleUse, now: Self.now)
        #expect(leaf.notValidAfter.timeIntervalSince(Self.now) == 60)
        #expect(Self.now.timeIntervalSince(leaf.notValidBefore) <= 10)

        let parsed = try await Python.crosscheck("certificate", ["certificate": leaf.pem])
        #expect((parsed["serialBits"] as? Int ?? 0) > 96 && (parsed["serialBits"] as? Int ?? 999) <= 128)
        #expect(parsed["serialPositive"] as? Bool == true)
        #expect(parsed["serial"] as? String == leaf.serialNumber.decimalString)
        #expect(parsed["subject"] as? String == "CN=alice,O=rolecall")
        let extensions = try #require(parsed["extensions"] as? [String: [String: Any]])
        #expect(extensions["2.5.29.19"]?["ca"] as? Bool == false)
        #expect(extensions["2.5.29.15"]?["critical"] as? Bool == true)
        #expect(extensions["2.5.29.15"]?["digitalSignature"] as? Bool == true)
        #expect(extensions["2.5.29.37"]?["usages"] as? [String] == ["1.3.6.1.5.5.7.3.2"])
        #expect(extensions["2.5.29.35"]?["keyIdentifier"] as? String == extensionsOf(authority.certificate))
        #expect(extensions["2.5.29.14"] != nil)
    }

    func extensionsOf(_ certificate: Certificate) -> String? {
        (try? certificate.extensions.subjectKeyIdentifier).flatMap { $0.map { Array($0.keyIdentifier).hexString } }
    }

    static let kinds: [(CertificateKind, TimeInterval)] = [
        (.singleUse, 60),
        (.inMemory(verificationInterval: 3600, holderLifetime: nil), 3600),
        (.inMemory(verificationInterval: 3600, holderLifetime: 600), 600),
        (.inMemory(verificationInterval: 100_000, holderLifetime: nil), 43_200),
        (.standard(sessionDuration: 7200), 7200),
        (.standard(sessionDuration: 90_000), 43_200),
    ]

    @Test(arguments: kinds)
    func lifetimePerKind(kind: CertificateKind, lifetime: TimeInterval) throws {
        let authority = try CertificateAuthority.generate(commonName: "CA", now: Self.now)
        let leaf = try authority.issueLeaf(for: SigningKey.generateP256().certificatePublicKey, user: "u", kind: kind, now: Self.now)
        #expect(leaf.notValidAfter.timeIntervalSince(Self.now) == lifetime)
        #expect(leaf.notValidBefore == Self.now.addingTimeInterval(-10))
    }

    @Test func serialsAreRandomAndPositive() throws {
        let authority = try CertificateAuthority.generate(commonName: "CA", now: Self.now)
        var serials = Set<String>()
        for _ in 0..<50 {
            let leaf = try authority.issueLeaf(for: SigningKey.generateP256().certificatePublicKey, user: "u", kind: .singleUse, now: Self.now)
            #expect(leaf.serialNumber.bytes.count <= 17)
            serials.insert(leaf.serialNumber.decimalString)
        }
        #expect(serials.count == 50)
    }

    @Test func descriptionHidesTheKey() throws {
        let authority = try CertificateAuthority.generate(commonName: "CA", now: Self.now)
        #expect(!"\(authority)".contains(authority.unsafePrivateKeyPEM()))
        #expect("\(authority)".contains("redacted"))
    }
}

extension CertificateKind: CustomTestStringConvertible {
    public var testDescription: String { description }
}
