import RolesAnywhere

/// STS `AssumeRole` in the Query protocol (`Action=AssumeRole&Version=2011-06-15`).
public struct AssumeRoleRequest: Sendable, Equatable {
    /// AWS's limit for a session assumed with temporary credentials (role chaining).
    public static let chainedMaximumSeconds = 3600
    public static let minimumSeconds = 900

    public var roleArn: String
    public var roleSessionName: String
    public var durationSeconds: Int
    /// Not a secret (AWS's word), but it is the target account's to share: shown only in `profile show`.
    public var externalId: String?

    public init(roleArn: String, roleSessionName: String, durationSeconds: Int, externalId: String? = nil) {
        self.roleArn = roleArn
        self.roleSessionName = roleSessionName
        self.durationSeconds = durationSeconds
        self.externalId = externalId
    }

    /// The form body, `application/x-www-form-urlencoded`.
    public var formBody: [UInt8] {
        var fields = [("Action", "AssumeRole"), ("Version", "2011-06-15"), ("RoleArn", roleArn),
                      ("RoleSessionName", roleSessionName), ("DurationSeconds", String(durationSeconds))]
        if let externalId { fields.append(("ExternalId", externalId)) }
        return Array(fields.map { "\(CanonicalRequest.uriEncode($0.0))=\(CanonicalRequest.uriEncode($0.1))" }.joined(separator: "&").utf8)
    }

    /// AssumeRole's `ExternalId`: 2 to 1224 characters of letters, digits and `+=,.@:/-_`.
    public static func isValidExternalId(_ id: String) -> Bool {
        (2...1224).contains(id.count) && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+=,.@:/-_".contains($0)) }
    }

    /// `rolecall-USER` with every character AssumeRole refuses dropped, cut to 64.
    public static func defaultSessionName(user: String?) -> String {
        let allowed = (user ?? "").filter { $0.isASCII && ($0.isLetter || $0.isNumber || "+=,.@-_".contains($0)) }
        return String(("rolecall-" + (allowed.isEmpty ? "user" : allowed)).prefix(64))
    }
}
