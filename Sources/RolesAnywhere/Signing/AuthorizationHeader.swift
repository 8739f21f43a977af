/// `<algorithm> Credential=<id>/<scope>, SignedHeaders=<a;b>, Signature=<hex>`.
///
/// `credential` is the certificate serial (decimal) for X.509 signing, the access key id for HMAC.
public struct AuthorizationHeader: Sendable, Equatable, CustomStringConvertible {
    public var algorithm: String
    public var credential: String
    public var scope: CredentialScope
    public var signedHeaders: [String]
    public var signature: String

    public init(algorithm: String, credential: String, scope: CredentialScope, signedHeaders: [String], signature: String) {
        self.algorithm = algorithm
        self.credential = credential
        self.scope = scope
        self.signedHeaders = signedHeaders
        self.signature = signature
    }

    /// The header value to send, signature included. Not `description`: a signature is proof of
    /// the key and must not reach logs or error text by interpolation.
    public func headerValue() -> String { rendered(signature: signature) }

    public var description: String { rendered(signature: "<redacted>") }

    private func rendered(signature: String) -> String {
        "\(algorithm) Credential=\(credential)/\(scope), SignedHeaders=\(signedHeaders.joined(separator: ";")), Signature=\(signature)"
    }

    /// Parses a header value; nil when any part is missing or malformed.
    public init?(parsing value: String) {
        guard let space = value.firstIndex(of: " ") else { return nil }
        let algorithm = String(value[..<space])
        var fields: [Substring: Substring] = [:]
        for item in value[value.index(after: space)...].split(separator: ",") {
            let trimmed = item.drop { $0 == " " }
            guard let equals = trimmed.firstIndex(of: "=") else { return nil }
            let key = trimmed[..<equals]
            guard fields[key] == nil else { return nil }
            fields[key] = trimmed[trimmed.index(after: equals)...]
        }
        guard fields.count == 3,
              let credential = fields["Credential"], let signedHeaders = fields["SignedHeaders"],
              let signature = fields["Signature"], !signature.isEmpty,
              let slash = credential.firstIndex(of: "/"),
              let scope = CredentialScope(parsing: credential[credential.index(after: slash)...])
        else { return nil }
        let names = signedHeaders.split(separator: ";").map(String.init)
        guard !names.isEmpty, names == names.sorted(), names.allSatisfy({ $0 == $0.lowercased() }) else { return nil }
        self.init(
            algorithm: algorithm,
            credential: String(credential[..<slash]),
            scope: scope,
            signedHeaders: names,
            signature: String(signature)
        )
    }
}
