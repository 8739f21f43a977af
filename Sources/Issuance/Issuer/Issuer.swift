import IssuanceCore

/// Certifies the key of a CSR for one kind of use. The local (embedded) issuer and the team
/// issuer service implement it; callers keep the private key.
public protocol Issuer: Sendable {
    /// Throws `MFAError` when the proof is missing or refused, `IssuanceRefusal` for policy.
    func issue(_ request: IssuanceRequest) async throws -> IssuedCertificate
}
