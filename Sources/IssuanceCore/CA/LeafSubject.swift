import IssuerProtocol

/// What a rolecall leaf certificate says about itself, and the principal tags IAM Roles Anywhere
/// makes of it for a role's trust policy (docs/issuer-api.md, "Binding certificates to roles").
///
/// Roles Anywhere maps the subject's C, CN, L, O, OU and ST, and only the *first* URI of the subject
/// alternative names. So: CN is the user (it becomes the session's SourceIdentity), OU the role's
/// name (what existing policies condition on), L the role's account (a 12-digit id: one role name in
/// two accounts must not look the same), and the first URI is the kind marker.
public enum LeafSubject {
    public static let organization = "rolecall"

    public static let userTag = "aws:PrincipalTag/x509Subject/CN"
    public static let roleTag = "aws:PrincipalTag/x509Subject/OU"
    public static let accountTag = "aws:PrincipalTag/x509Subject/L"
    public static let kindTag = "aws:PrincipalTag/x509SAN/URI"

    /// How a certificate says how it was obtained: `urn:rolecall:kind:single-use` and so on.
    public static func kindURI(_ kind: CertificateKindName) -> String { "urn:rolecall:kind:\(kind.rawValue)" }

    /// The kinds that say "a person passed a per-session check".
    public static let perSessionKinds = CertificateKindName.allCases.filter(\.isPerSession)

    /// Why a role name cannot be written into a principal tag, or nil when it can. IAM role names
    /// are letters, digits and `+=,.@_-`, at most 64 characters; a tag value holds no comma (Roles
    /// Anywhere splits on it, aws/rolesanywhere-credential-helper#188).
    public static func roleNameProblem(_ name: String) -> String? {
        if name.contains(",") {
            return "the role name holds a comma, which Roles Anywhere cannot put in a principal tag: use a role whose name has none"
        }
        guard !name.isEmpty, name.count <= 64, name.unicodeScalars.allSatisfy({ $0.isASCII && (isAlphanumeric($0) || "+=.@_-".unicodeScalars.contains($0)) }) else {
            return "the role name is not an IAM role name (letters, digits and +=.@_-, at most 64 characters)"
        }
        return nil
    }

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    /// The `Condition` block a role's trust policy needs so that only certificates for this role, in
    /// this account (and for this user, when given) are admitted; with `perSession`, only the two
    /// per-session kinds. Printed by `rolecall-issuer role allow`, as JSON with sorted keys.
    public static func trustPolicyCondition(roleName: String, account: String, user: String?, perSession: Bool) -> String {
        var lines = [
            "    \"\(accountTag)\": \"\(account)\"",
            "    \"\(roleTag)\": \"\(roleName)\"",
        ]
        if let user { lines.append("    \"\(userTag)\": \"\(user)\"") }
        if perSession {
            let kinds = perSessionKinds.map { "\"\(kindURI($0))\"" }.joined(separator: ", ")
            lines.append("    \"\(kindTag)\": [\(kinds)]")
        }
        return "\"Condition\": {\n  \"StringEquals\": {\n" + lines.joined(separator: ",\n") + "\n  }\n}"
    }
}
