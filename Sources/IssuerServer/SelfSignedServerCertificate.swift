import Crypto
import Foundation
import RolesAnywhere
import SwiftASN1
import X509

/// The TLS certificate `issuer serve` makes for itself when given no `--tls-cert`: P-256,
/// self-signed, valid for the listen host, localhost and the loopback addresses, 2 years.
/// Clients pin its SHA-256 fingerprint (`rolecall login --pin-sha256`).
struct SelfSignedServerCertificate {
    let certificate: Certificate
    let key: P256.Signing.PrivateKey

    static let lifetime: TimeInterval = 2 * 365 * 24 * 3600
    /// A replica starting this close to the end makes a new one (clients then pin its fingerprint).
    static let renewBefore: TimeInterval = 30 * 24 * 3600

    /// `keeping`: the names of the certificate this one renews (other replicas' hosts among them).
    static func generate(hosts: [String], keeping kept: [GeneralName] = [], now: Date) throws -> SelfSignedServerCertificate {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            OrganizationName("rolecall")
            CommonName("rolecall issuer")
        }
        var names = kept
        for host in Set(hosts + ["localhost", "127.0.0.1", "::1"]).sorted() {
            let name: GeneralName = if let address = ipAddressBytes(host) {
                .ipAddress(ASN1OctetString(contentBytes: ArraySlice(address)))
            } else {
                .dnsName(host)
            }
            if !names.contains(name) { names.append(name) }
        }
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: now.addingTimeInterval(-60),
            notValidAfter: now.addingTimeInterval(lifetime),
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names)
            },
            issuerPrivateKey: Certificate.PrivateKey(key)
        )
        return SelfSignedServerCertificate(certificate: certificate, key: key)
    }

    /// Certificate PEM, a NUL, key PEM: what the database keeps (sealed).
    func encoded() throws -> [UInt8] {
        Array(try certificate.serializeAsPEM().pemString.utf8) + [0] + Array(key.pemRepresentation.utf8)
    }

    static func decode(_ bytes: [UInt8]) throws -> (certificatePEM: String, keyPEM: SecretBytes) {
        guard let separator = bytes.firstIndex(of: 0) else { throw IssuerError.tlsIdentityDamaged() }
        return (String(decoding: bytes[..<separator], as: UTF8.self), SecretBytes(Array(bytes[(separator + 1)...])))
    }
}

/// The 4 or 16 bytes of a literal IP address, nil for a host name.
func ipAddressBytes(_ host: String) -> [UInt8]? {
    var v4 = in_addr()
    if inet_pton(AF_INET, host, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
    var v6 = in6_addr()
    if inet_pton(AF_INET6, host, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
    return nil
}
