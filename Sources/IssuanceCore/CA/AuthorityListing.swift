import IssuerProtocol
import RolesAnywhere
import X509

/// One CA as `ca show --json` prints it: the local CA's and the team issuer's alike.
public struct AuthorityListing: Encodable, Sendable {
    public let certificatePEM: String
    public let fingerprintSHA256: String
    public let notValidAfter: String
    /// Signing new certificates now.
    public let current: Bool
    /// Made by `ca rotate --stage`: in the trust anchor's bundle, signing nothing yet.
    public let staged: Bool

    public init(certificate: Certificate, current: Bool, staged: Bool) throws {
        certificatePEM = try certificate.serializeAsPEM().pemString + "\n"
        fingerprintSHA256 = CertificateFingerprint.sha256(der: try certificate.derBytes())
        notValidAfter = RFC3339.string(from: certificate.notValidAfter)
        self.current = current
        self.staged = staged
    }
}
