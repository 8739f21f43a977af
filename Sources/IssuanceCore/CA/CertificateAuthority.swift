import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import IssuerProtocol
import RolesAnywhere
import SwiftASN1
import X509

/// rolecall's CA: a key and its self-signed certificate (pathLen 0, 10 years). The key is an
/// ECDSA P-256 key in memory, or a key on a PKCS#11 token (P-256 when rolecall made it).
///
/// SHA-256 keeps every certificate it signs verifiable by any Roles Anywhere client, including
/// AWS's own Python signer, which names its algorithm after the certificate's hash.
public struct CertificateAuthority: Sendable, CustomStringConvertible {
    public let certificate: Certificate
    private let key: SigningKey

    public static let lifetime: TimeInterval = 10 * 365 * 24 * 3600

    public init(certificate: Certificate, key: P256.Signing.PrivateKey) {
        self.certificate = certificate
        self.key = .p256(key)
    }

    /// A CA whose key signs elsewhere (a token): refused unless the key is the certificate's.
    public init(certificate: Certificate, key: SigningKey) throws(IssuerKeyMismatch) {
        guard key.certificatePublicKey == certificate.publicKey else { throw IssuerKeyMismatch() }
        self.certificate = certificate
        self.key = key
    }

    private init(generated certificate: Certificate, key: SigningKey) {
        self.certificate = certificate
        self.key = key
    }

    /// Whether the key is on a token rather than in this process.
    public var keyIsExternal: Bool {
        if case .external = key { true } else { false }
    }

    /// A new CA valid from `now` for 10 years, with a fresh in-memory P-256 key unless one is given
    /// (a key on a token; fuzzing seeds need a fixed one).
    public static func generate(commonName: String, now: Date, key: SigningKey = .generateP256()) throws -> CertificateAuthority {
        let publicKey = key.certificatePublicKey
        let name = try DistinguishedName {
            OrganizationName("rolecall")
            CommonName(commonName)
        }
        let issued = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let certificate = try Certificate(
            version: .v3,
            serialNumber: randomSerial(),
            publicKey: publicKey,
            notValidBefore: CertificateKind.backdatedNotBefore(at: now),
            notValidAfter: issued.addingTimeInterval(lifetime),
            issuer: name,
            subject: name,
            signatureAlgorithm: key.certificateSignatureAlgorithm,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: publicKey)
            },
            issuerPrivateKey: key.certificatePrivateKey
        )
        return CertificateAuthority(generated: certificate, key: key)
    }

    /// A leaf for `publicKey`: CN = `user`, L = `account` (the role's account, so that one role name
    /// in two accounts never looks the same to a trust policy) and OU = `role` when given (the team
    /// issuer names the role it checked the policy for); 128-bit random serial, CA:false,
    /// digitalSignature (critical), clientAuth, key identifiers, and the kind as its first (only) URI
    /// SAN, `urn:rolecall:kind:single-use` and so on (`LeafSubject`): Roles Anywhere maps these to
    /// principal tags, so a role's trust policy can admit only its own per-session certificates
    /// (docs/issuer-api.md, "Binding certificates to roles"). Never outlives the CA.
    public func issueLeaf(for publicKey: Certificate.PublicKey, user: String, account: String? = nil, role: String? = nil,
                          kind: CertificateKind, now: Date) throws -> Certificate {
        let validity = kind.validity(at: now)
        let subject = try DistinguishedName {
            OrganizationName(LeafSubject.organization)
            if let account { LocalityName(account) }
            if let role { OrganizationalUnitName(role) }
            CommonName(user)
        }
        let authorityKeyId = try certificate.extensions.subjectKeyIdentifier?.keyIdentifier
            ?? SubjectKeyIdentifier(hash: certificate.publicKey).keyIdentifier
        return try Certificate(
            version: .v3,
            serialNumber: Self.randomSerial(),
            publicKey: publicKey,
            notValidBefore: max(validity.notBefore, certificate.notValidBefore),
            notValidAfter: min(validity.notAfter, certificate.notValidAfter),
            issuer: certificate.subject,
            subject: subject,
            signatureAlgorithm: key.certificateSignatureAlgorithm,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.clientAuth])
                AuthorityKeyIdentifier(keyIdentifier: authorityKeyId)
                SubjectKeyIdentifier(hash: publicKey)
                SubjectAlternativeNames([.uniformResourceIdentifier(LeafSubject.kindURI(kind.kindName))])
            },
            issuerPrivateKey: key.certificatePrivateKey
        )
    }

    /// 128 random bits; swift-certificates adds the leading zero that keeps it positive.
    static func randomSerial() -> Certificate.SerialNumber {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        if bytes.allSatisfy({ $0 == 0 }) { bytes[15] = 1 }
        return Certificate.SerialNumber(bytes: bytes)
    }

    /// SHA-256 of the certificate's DER, as colon-free lower-case hex.
    public var fingerprintSHA256: String {
        (try? CertificateFingerprint.sha256(der: certificate.derBytes())) ?? ""
    }

    public func certificatePEM() throws -> String {
        try certificate.serializeAsPEM().pemString
    }

    /// The CA key as PEM, for the local issuer's private state file only; nil for a key on a token,
    /// which never leaves it.
    public func unsafePrivateKeyPEM() -> String? {
        if case .p256(let key) = key { key.pemRepresentation } else { nil }
    }

    public var description: String {
        "CertificateAuthority(\(certificate.subject), fingerprint: \(fingerprintSHA256), key: \(keyIsExternal ? "on a token" : "<redacted>"))"
    }
}

/// A CA certificate and a key that is not the one it certifies.
public struct IssuerKeyMismatch: Error, Sendable, CustomStringConvertible {
    public var description: String { "the CA's key is not the one its certificate names: the token holds a different key under that name" }
}
