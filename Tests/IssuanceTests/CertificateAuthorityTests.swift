import Foundation
import Issuance
import IssuanceCore
import RolesAnywhere
import SwiftASN1
import Testing
import TestSupport
import X509

@Suite(.removesTemporaryFiles) struct CertificateAuthorityTests {
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

    /// A single-use leaf for alice and the CA that issued it.
    func singleUseLeaf() throws -> (authority: CertificateAuthority, leaf: Certificate) {
        let authority = try CertificateAuthority.generate(commonName: "CA", now: Self.now)
        let leaf = try authority.issueLeaf(for: SigningKey.generateP256().certificatePublicKey, user: "alice", kind: .singleUse, now: Self.now)
        return (authority, leaf)
    }

    @Test func aSingleUseLeafLivesSixtySeconds() throws {
        let (_, leaf) = try singleUseLeaf()
        #expect(leaf.notValidAfter.timeIntervalSince(Self.now) == 60)
        #expect(Self.now.timeIntervalSince(leaf.notValidBefore) <= 10)
    }

    @Test func pythonReadsTheLeafProfileFromASingleUseLeaf() async throws {
        let (authority, leaf) = try singleUseLeaf()
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
        // The kind, as the first URI SAN (Roles Anywhere's aws:PrincipalTag/x509SAN/URI).
        #expect(extensions["2.5.29.17"]?["uris"] as? [String] == ["urn:rolecall:kind:single-use"])
        #expect(extensions["2.5.29.17"]?["critical"] as? Bool == false)
    }

    /// The role's account (L) and name (OU) as an independent parser reads them, CN still the user.
    @Test func aLeafForARoleCarriesTheRoleInItsSubject() async throws {
        let authority = try CertificateAuthority.generate(commonName: "CA", now: Self.now)
        let leaf = try authority.issueLeaf(for: SigningKey.generateP256().certificatePublicKey, user: "alice", account: "222222222222", role: "deploy",
                                           kind: .singleUse, now: Self.now)
        let parsed = try await Python.crosscheck("certificate", ["certificate": leaf.pem])
        #expect(parsed["subject"] as? String == "CN=alice,OU=deploy,L=222222222222,O=rolecall")
    }

    @Test(arguments: [(CertificateKind.inMemory(verificationInterval: 3600, holderLifetime: nil), "in-memory"),
                      (.standard(sessionDuration: 900), "standard")])
    func everyLeafNamesItsKind(kind: CertificateKind, name: String) async throws {
        let authority = try CertificateAuthority.generate(commonName: "CA", now: Self.now)
        let leaf = try authority.issueLeaf(for: SigningKey.generateP256().certificatePublicKey, user: "alice", kind: kind, now: Self.now)
        let parsed = try await Python.crosscheck("certificate", ["certificate": leaf.pem])
        let extensions = try #require(parsed["extensions"] as? [String: [String: Any]])
        #expect(extensions["2.5.29.17"]?["uris"] as? [String] == ["urn:rolecall:kind:\(name)"])
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

    /// A leaf as a relying party sees it: serialised to DER and parsed back, with the DER.
    func reparsedLeaf(_ kind: CertificateKind, now: Date = now) throws -> (Certificate, der: [UInt8]) {
        let authority = try CertificateAuthority.generate(commonName: "CA", now: now)
        let leaf = try authority.issueLeaf(for: SigningKey.generateP256().certificatePublicKey, user: "u", kind: kind, now: now)
        let der = try leaf.derBytes()
        return (try Certificate(derEncoded: der), der)
    }

    /// The serial's INTEGER content octets as encoded (swift-certificates' `SerialNumber` keeps the
    /// magnitude only, so the sign is read from the DER itself).
    static func serialOctets(_ der: [UInt8]) throws -> ArraySlice<UInt8> {
        let certificate = try DER.parse(der)
        guard case .constructed(let parts) = certificate.content, let tbs = parts.first(where: { _ in true }),
              case .constructed(let fields) = tbs.content
        else { throw ASN1Error.invalidASN1Object(reason: "not a certificate") }
        var iterator = fields.makeIterator()
        var node = iterator.next()
        if node?.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) { node = iterator.next() }
        guard let serial = node, serial.identifier == .integer, case .primitive(let octets) = serial.content
        else { throw ASN1Error.invalidASN1Object(reason: "no serial") }
        return octets
    }

    /// The value's size in bits of a positive DER INTEGER's content octets.
    static func bits(_ octets: ArraySlice<UInt8>) -> Int {
        let significant = octets.drop { $0 == 0 }
        guard let first = significant.first else { return 0 }
        return (significant.count - 1) * 8 + (8 - first.leadingZeroBitCount)
    }

    @Test(arguments: kinds)
    func leafParsedBackFromDERHasTheLeafProfile(kind: CertificateKind, lifetime: TimeInterval) throws {
        let (leaf, der) = try reparsedLeaf(kind)
        let basic = try #require(leaf.extensions[oid: .X509ExtensionID.basicConstraints])
        #expect(basic.critical)
        #expect(try leaf.extensions.basicConstraints == .notCertificateAuthority)
        let usage = try #require(leaf.extensions[oid: .X509ExtensionID.keyUsage])
        #expect(usage.critical)
        #expect(try leaf.extensions.keyUsage == KeyUsage(digitalSignature: true))
        #expect(try leaf.extensions.extendedKeyUsage.map(Array.init) == [.clientAuth])
        let octets = try Self.serialOctets(der)
        #expect((octets.first ?? 0x80) < 0x80, "a positive DER integer")
        #expect(octets.count == 1 || !(octets.first == 0 && octets.dropFirst().first! < 0x80), "minimally encoded")
        let bits = Self.bits(octets)
        #expect(bits > 0 && bits <= 128, "\(bits) bits")
        #expect(Self.bits(leaf.serialNumber.bytes) == bits)
        #expect(leaf.notValidAfter.timeIntervalSince(Self.now) == lifetime)
        #expect(Self.now.timeIntervalSince(leaf.notValidBefore) == CertificateKind.backdating)
    }

    @Test(arguments: kinds)
    func backdatingNeverExceedsTenSecondsAtAFractionalSecond(kind: CertificateKind, lifetime: TimeInterval) throws {
        let now = Self.now.addingTimeInterval(0.7)
        let (leaf, _) = try reparsedLeaf(kind, now: now)
        let backdated = now.timeIntervalSince(leaf.notValidBefore)
        #expect(backdated <= CertificateKind.backdating && backdated > CertificateKind.backdating - 1, "back-dated \(backdated) s")
        #expect(leaf.notValidBefore == Date(timeIntervalSince1970: 1_899_999_991))
        #expect(leaf.notValidAfter.timeIntervalSince(now) <= lifetime)
        let validity = kind.validity(at: now)
        #expect(now.timeIntervalSince(validity.notBefore) <= CertificateKind.backdating)
    }

    /// The serials of fifty single-use leaves from one CA.
    func fiftySerials() throws -> [Certificate.SerialNumber] {
        let authority = try CertificateAuthority.generate(commonName: "CA", now: Self.now)
        return try (0..<50).map { _ in
            try authority.issueLeaf(for: SigningKey.generateP256().certificatePublicKey, user: "u", kind: .singleUse, now: Self.now).serialNumber
        }
    }

    @Test func serialsFitInSeventeenBytes() throws {
        for serial in try fiftySerials() {
            #expect(serial.bytes.count <= 17)
        }
    }

    @Test func serialsAreRandom() throws {
        #expect(Set(try fiftySerials().map(\.decimalString)).count == 50)
    }

    @Test func descriptionHidesTheKey() throws {
        let authority = try CertificateAuthority.generate(commonName: "CA", now: Self.now)
        #expect(!"\(authority)".contains(try #require(authority.unsafePrivateKeyPEM())))
        #expect("\(authority)".contains("redacted"))
    }
}

extension CertificateKind: CustomTestStringConvertible {
    public var testDescription: String { description }
}
