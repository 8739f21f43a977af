import SwiftASN1
import X509

/// The principal tags Roles Anywhere derives from the signing certificate, which role trust
/// policies test as `aws:PrincipalTag/KEY`: each subject and issuer attribute (`x509Subject/CN`,
/// `x509Issuer/O`, …) and the first DNS name and URI of the subject alternative names
/// (`x509SAN/DNS`, `x509SAN/URI`).
enum PrincipalTags {
    static let attributeNames: [ASN1ObjectIdentifier: String] = [
        .RDNAttributeType.commonName: "CN", .RDNAttributeType.organizationalUnitName: "OU",
        .RDNAttributeType.organizationName: "O", .RDNAttributeType.countryName: "C",
        .RDNAttributeType.stateOrProvinceName: "ST", .RDNAttributeType.localityName: "L",
    ]

    static func of(_ certificate: Certificate) -> [String: String] {
        var tags: [String: String] = [:]
        for (prefix, name) in [("x509Subject", certificate.subject), ("x509Issuer", certificate.issuer)] {
            for attribute in name.flatMap({ $0 }) {
                guard let key = attributeNames[attribute.type] else { continue }
                tags["\(prefix)/\(key)"] = tags["\(prefix)/\(key)"] ?? attribute.value.description
            }
        }
        let alternativeNames = (try? certificate.extensions.subjectAlternativeNames).flatMap { $0 }.map(Array.init) ?? []
        for general in alternativeNames {
            switch general {
            case .uniformResourceIdentifier(let uri): tags["x509SAN/URI"] = tags["x509SAN/URI"] ?? uri
            case .dnsName(let name): tags["x509SAN/DNS"] = tags["x509SAN/DNS"] ?? name
            default: break
            }
        }
        return tags
    }

    /// The first condition `tags` fails, or nil when every one holds.
    static func unmet(_ conditions: [String: [String]], by tags: [String: String]) -> String? {
        conditions.keys.sorted().first { key in !(tags[key].map { conditions[key]!.contains($0) } ?? false) }
    }
}
