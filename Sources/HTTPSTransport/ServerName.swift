import NIOSSL
import SwiftASN1
import X509

/// Whether the server's certificate is for the name in the URL: swift-certificates'
/// `ServerIdentityPolicy` (RFC 6125) on the leaf, a host name against DNS names only, an IP
/// literal against IP addresses only. NIOSSL's own check also accepts a certificate whose IP
/// address is the one connected to, whatever the name: a proxy's address, or one a forged DNS
/// answer gave. BoringSSL has verified the chain by then; this adds the name.
enum ServerName {
    static func matches(_ peer: NIOSSLCertificate, _ target: Target) async -> Bool {
        guard let leaf = try? Certificate(derEncoded: peer.toDERBytes()) else { return false }
        let ip = target.isIPAddress
        var verifier = Verifier(rootCertificates: CertificateStore([leaf])) {
            ChainVerifiedByTLS(leaf: leaf)
            ServerIdentityPolicy(serverHostname: ip ? nil : target.host, serverIP: ip ? target.host : nil)
        }
        if case .validCertificate = await verifier.validate(leaf: leaf, intermediates: CertificateStore()) { return true }
        return false
    }
}

/// What the TLS handshake already checked (the chain, its critical extensions): this verifier is
/// about the name, run on the leaf as its own root.
struct ChainVerifiedByTLS: VerifierPolicy {
    let verifyingCriticalExtensions: [ASN1ObjectIdentifier]

    init(leaf: Certificate) {
        verifyingCriticalExtensions = leaf.extensions.filter(\.critical).map(\.oid)
    }

    func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) -> PolicyEvaluationResult { .meetsPolicy }
}
