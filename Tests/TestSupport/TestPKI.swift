import Crypto
import Foundation
import RolesAnywhere
import SwiftASN1
import X509
import _CryptoExtras

/// Certificates and keys for tests: a root CA, an optional intermediate, and leaves of each key type.
public struct TestPKI: Sendable {
    public struct Authority: Sendable {
        public let certificate: Certificate
        public let key: SigningKey
    }

    public let root: Authority

    public static func make(rootKey: SigningKey = .p256(P256.Signing.PrivateKey()), name: String = "Test Root", now: Date = Date()) throws -> TestPKI {
        let certificate = try issue(
            subject: name, publicKey: rootKey.certificatePublicKey, issuer: nil, issuerKey: rootKey,
            notBefore: now.addingTimeInterval(-3600), notAfter: now.addingTimeInterval(86400), isCA: true
        )
        return TestPKI(root: Authority(certificate: certificate, key: rootKey))
    }

    public func intermediate(now: Date = Date()) throws -> Authority {
        let key = SigningKey.p256(P256.Signing.PrivateKey())
        let certificate = try Self.issue(
            subject: "Test Intermediate", publicKey: key.certificatePublicKey, issuer: root.certificate, issuerKey: root.key,
            notBefore: now.addingTimeInterval(-3600), notAfter: now.addingTimeInterval(86400), isCA: true
        )
        return Authority(certificate: certificate, key: key)
    }

    /// `count` intermediates, each signed by the one before (the first by the root).
    public func intermediates(_ count: Int, now: Date = Date()) throws -> [Authority] {
        var chain: [Authority] = []
        for index in 0..<count {
            let key = SigningKey.p256(P256.Signing.PrivateKey())
            let issuer = chain.last ?? root
            let certificate = try Self.issue(
                subject: "Test Intermediate \(index)", publicKey: key.certificatePublicKey, issuer: issuer.certificate, issuerKey: issuer.key,
                notBefore: now.addingTimeInterval(-3600), notAfter: now.addingTimeInterval(86400), isCA: true
            )
            chain.append(Authority(certificate: certificate, key: key))
        }
        return chain
    }

    /// A leaf for any public key, e.g. one of a type Roles Anywhere does not accept.
    public func leaf(forPublicKey publicKey: Certificate.PublicKey, notAfter: Date = Date().addingTimeInterval(60)) throws -> Certificate {
        try Self.issue(subject: "test-user", publicKey: publicKey, issuer: root.certificate, issuerKey: root.key,
                       notBefore: Date().addingTimeInterval(-10), notAfter: notAfter, isCA: false)
    }

    /// A self-signed certificate that is not a CA.
    public static func selfSignedLeaf(for key: SigningKey) throws -> Certificate {
        try issue(subject: "test-user", publicKey: key.certificatePublicKey, issuer: nil, issuerKey: key,
                  notBefore: Date().addingTimeInterval(-10), notAfter: Date().addingTimeInterval(60), isCA: false)
    }

    /// A leaf for `key`, signed by `issuer` (the root by default).
    public func leaf(for key: SigningKey, issuer: Authority? = nil, notBefore: Date = Date().addingTimeInterval(-10),
                     notAfter: Date = Date().addingTimeInterval(60), isCA: Bool = false) throws -> Certificate {
        let signer = issuer ?? root
        return try Self.issue(subject: "test-user", publicKey: key.certificatePublicKey, issuer: signer.certificate,
                              issuerKey: signer.key, notBefore: notBefore, notAfter: notAfter, isCA: isCA)
    }

    /// A TLS server's certificate for `names` (DNS names and IP literals), signed by the root, with its key's PEM.
    public func server(names: [String]) throws -> (certificatePEM: String, keyPEM: String) {
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName { CommonName("test server") }
        let alternatives: [GeneralName] = names.map { name in
            var address = in_addr()
            guard inet_pton(AF_INET, name, &address) == 1 else { return .dnsName(name) }
            return .ipAddress(ASN1OctetString(contentBytes: withUnsafeBytes(of: &address) { Array($0) }[...]))
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: Date().addingTimeInterval(-60), notValidAfter: Date().addingTimeInterval(3600),
            issuer: root.certificate.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(alternatives)
            },
            issuerPrivateKey: root.key.certificatePrivateKey
        )
        return (try certificate.serializeAsPEM().pemString, key.pemRepresentation)
    }

    static func issue(subject: String, publicKey: Certificate.PublicKey, issuer: Certificate?, issuerKey: SigningKey,
                      notBefore: Date, notAfter: Date, isCA: Bool) throws -> Certificate {
        let name = try DistinguishedName { CommonName(subject) }
        let algorithm: Certificate.SignatureAlgorithm = if case .rsa = issuerKey { .sha256WithRSAEncryption } else { .ecdsaWithSHA256 }
        return try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: publicKey,
            notValidBefore: notBefore,
            notValidAfter: notAfter,
            issuer: issuer?.subject ?? name,
            subject: name,
            signatureAlgorithm: algorithm,
            extensions: try Certificate.Extensions {
                if isCA {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                    Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                } else {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true))
                }
                SubjectKeyIdentifier(hash: publicKey)
            },
            issuerPrivateKey: issuerKey.certificatePrivateKey
        )
    }
}

extension SigningKey {
    /// PEM for handing a test key to the Python signer (rolecall itself never serialises a leaf key).
    public var testPEM: String {
        switch self {
        case .rsa(let key): key.pemRepresentation
        case .p256(let key): key.pemRepresentation
        case .p384(let key): key.pemRepresentation
        case .external: preconditionFailure("a key on a token has no PEM")
        }
    }

    public static func testRSA() throws -> SigningKey { .rsa(try _RSA.Signing.PrivateKey(keySize: .bits2048)) }
}

extension Certificate {
    public var pem: String { (try? serializeAsPEM().pemString) ?? "" }
}
