import IssuanceCore

/// Certifies the key of a CSR for one kind of use. The local (embedded) issuer and the team
/// issuer service implement it; callers keep the private key.
public protocol Issuer: Sendable {
    /// Throws `MFAError` when the proof is missing or refused, `IssuanceRefusal` for policy.
    func issue(_ request: IssuanceRequest) async throws -> IssuedCertificate

    /// Several certificates behind one MFA proof (one per-session check for several profiles):
    /// every request is checked before the proof is used, the proof once, and nothing is issued
    /// when a request is refused. The requests' own proofs are not read. In the order asked.
    func issueMany(_ requests: [IssuanceRequest], mfaProof: MFAProof?) async throws -> [IssuedCertificate]
}
