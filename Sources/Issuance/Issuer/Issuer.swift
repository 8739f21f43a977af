import X509

/// Proof of a fresh MFA check that travels with an issuance request.
public enum MFAProof: Sendable, CustomStringConvertible {
    case totp(code: String)

    public var description: String { "MFAProof.totp(<redacted>)" }
}

/// Certifies a public key for one kind of use. The local (embedded) issuer and the team issuer
/// service implement it; callers hold only the public half of the key they generated.
public protocol Issuer: Sendable {
    /// The certificate chain, leaf first. Throws `MFAError` when the proof is missing or refused.
    func issue(publicKey: Certificate.PublicKey, kind: CertificateKind, identity: String, mfaProof: MFAProof?) async throws -> [Certificate]
}
