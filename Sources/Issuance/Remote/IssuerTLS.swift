import IssuerProtocol
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
import HTTPSTransport
import NIOCore
import NIOSSL
import RolesAnywhere
import X509

/// TLS towards the team issuer: either the system trust store, or exactly one pinned certificate.
///
/// Pinning works on the certificate, not only its hash: `pinnedCertificate` fetches the
/// certificate the service says it presents, keeps it only if its SHA-256 equals the fingerprint
/// the administrator published, and every later connection is then fully verified (chain and
/// host name) against that certificate as the sole trust root. A man in the middle of the first
/// fetch cannot produce a certificate with the published fingerprint.
public enum IssuerTLS {
    public static func configuration(pinnedCertificatePEM: String?) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        if let pinnedCertificatePEM {
            tls.trustRoots = .certificates([try NIOSSLCertificate(bytes: Array(pinnedCertificatePEM.utf8), format: .pem)])
        }
        return tls
    }

    /// How long to try reaching one issuer URL (connecting and TLS) before the next: what failing over costs.
    public static let defaultConnectTimeout: Duration = .seconds(3)

    /// How long one answer may take once the request is sent.
    public static let defaultResponseTimeout: Duration = .seconds(30)

    /// A transport verified against the pin (or the system trust store); `environment` is the
    /// command's, for `HTTPS_PROXY`; `progress` is told when the issuer keeps the command waiting.
    public static func transport(pinnedCertificatePEM: String?, connectTimeout: Duration = defaultConnectTimeout,
                                 responseTimeout: Duration = defaultResponseTimeout, environment: [String: String] = [:],
                                 progress: (@Sendable (String) -> Void)? = nil) throws -> any HTTPTransport {
        NIOClientTransport(.init(tls: try configuration(pinnedCertificatePEM: pinnedCertificatePEM), deadline: responseTimeout,
                                 connectTimeout: connectTimeout, environment: environment, progress: progress))
    }

    /// The service's certificate when its fingerprint is `expected`; refused otherwise.
    public static func pinnedCertificate(urls: [String], expected fingerprint: String, connectTimeout: Duration = defaultConnectTimeout,
                                         responseTimeout: Duration = defaultResponseTimeout, environment: [String: String] = [:]) async throws -> String {
        guard let expected = CertificateFingerprint.normalized(fingerprint) else {
            throw IssuanceRefusal(reason: .badRequest, message: "--pin-sha256 must be 64 hex digits (colons allowed), as `rolecall issuer serve` prints it")
        }
        // Unverified on purpose, and only for this fetch: what it returns is checked against the
        // fingerprint before anything trusts it.
        var unverified = TLSConfiguration.makeClientConfiguration()
        unverified.certificateVerification = .none
        let connection = IssuerConnection(urls: urls, transport: NIOClientTransport(.init(tls: unverified, deadline: responseTimeout,
                                                                                          connectTimeout: connectTimeout, environment: environment)))
        let answer = try await connection.get(IssuerAPI.serverCertificatePath, as: IssuerAPI.ServerCertificate.self)
        guard let certificate = try? Certificate(pemEncoded: answer.certificate), let actual = try? CertificateFingerprint.sha256(der: certificate.derBytes()) else {
            throw IssuanceRefusal(reason: .unavailable, message: "the team issuer's certificate does not parse")
        }
        guard actual == expected else {
            throw IssuanceRefusal(reason: .badRequest, message: "the team issuer presents a certificate with SHA-256 \(actual), not the pinned \(expected): do not log in; ask the issuer's administrator")
        }
        return try certificate.serializeAsPEM().pemString
    }
}
