import Crypto
import _CryptoExtras
import IssuerProtocol
import RolesAnywhere
import X509

/// Proof of a fresh MFA check that travels with an issuance request.
public enum MFAProof: Sendable, CustomStringConvertible {
    case totp(code: String)
    /// The factor is the token that holds the local CA's key: signing needs it and its PIN (or
    /// touch). Only the local issuer accepts it, and only with its CA on a token.
    case token

    public var description: String {
        switch self {
        case .totp: "MFAProof.totp(<redacted>)"
        case .token: "MFAProof.token"
        }
    }
}

/// What the caller asks an issuer to certify: a CSR signed by a key that never leaves the caller's
/// memory, for one role and one kind of use.
public struct IssuanceRequest: Sendable, CustomStringConvertible {
    public var csr: CertificateSigningRequest
    public var kind: CertificateKind
    public var roleArn: String
    public var mfaProof: MFAProof?

    public init(csr: CertificateSigningRequest, kind: CertificateKind, roleArn: String, mfaProof: MFAProof?) {
        self.csr = csr
        self.kind = kind
        self.roleArn = roleArn
        self.mfaProof = mfaProof
    }

    /// A request whose CSR is signed by `key` (the subject is only a label: issuers name the
    /// certificate after the authenticated person, never after what the CSR says).
    public init(key: SigningKey, kind: CertificateKind, roleArn: String, mfaProof: MFAProof?) throws {
        let subject = try DistinguishedName { CommonName("rolecall") }
        let csr = try CertificateSigningRequest(
            version: .v1, subject: subject, privateKey: key.certificatePrivateKey,
            attributes: CertificateSigningRequest.Attributes(), signatureAlgorithm: key.certificateSignatureAlgorithm
        )
        self.init(csr: csr, kind: kind, roleArn: roleArn, mfaProof: mfaProof)
    }

    /// The CSR's public key, once its self-signature (proof of possession) verifies and the key is
    /// one rolecall signs CreateSession with (P-256, P-384, RSA of 2048 bits or more): a weak key
    /// must not get a certificate that opens AWS.
    public func verifiedPublicKey() throws(IssuanceRefusal) -> Certificate.PublicKey {
        guard Self.isAcceptable(csr.publicKey) else {
            throw IssuanceRefusal(reason: .badCSR, message: "the certificate signing request's key is not P-256, P-384 or RSA of at least 2048 bits")
        }
        guard csr.publicKey.isValidSignature(csr.signature, for: csr) else {
            throw IssuanceRefusal(reason: .badCSR, message: "the certificate signing request's signature does not verify")
        }
        return csr.publicKey
    }

    static func isAcceptable(_ key: Certificate.PublicKey) -> Bool {
        if P256.Signing.PublicKey(key) != nil || P384.Signing.PublicKey(key) != nil { return true }
        return _RSA.Signing.PublicKey(key).map { $0.keySizeInBits >= 2048 } ?? false
    }

    public var description: String { "IssuanceRequest(\(kind), role: \(roleArn), mfa: \(mfaProof == nil ? "none" : "<redacted>"))" }
}

/// A certificate chain and the limits the AWS session must also respect.
public struct IssuedCertificate: Sendable {
    /// Leaf first.
    public var chain: [Certificate]
    /// Seconds left in the login session the certificate came from; nil when no login session
    /// bounds it (the local issuer).
    public var loginSecondsLeft: Int?
    /// The longest AWS session the issuer's policy allows for this role; nil when it sets none.
    public var roleMaxDurationSeconds: Int?

    public init(chain: [Certificate], loginSecondsLeft: Int? = nil, roleMaxDurationSeconds: Int? = nil) {
        self.chain = chain
        self.loginSecondsLeft = loginSecondsLeft
        self.roleMaxDurationSeconds = roleMaxDurationSeconds
    }
}
