/// An Amazon Resource Name of one of the three kinds rolecall handles, checked field by field.
public struct ARN: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case role, profile, trustAnchor = "trust-anchor"

        var service: String { self == .role ? "iam" : "rolesanywhere" }

        /// The form shown in error messages.
        public var example: String {
            switch self {
            case .role: "arn:aws:iam::123456789012:role/NAME"
            case .profile: "arn:aws:rolesanywhere:REGION:123456789012:profile/ID"
            case .trustAnchor: "arn:aws:rolesanywhere:REGION:123456789012:trust-anchor/ID"
            }
        }
    }

    public static let partitions: Set<String> = ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"]

    public let kind: Kind
    public let partition: String
    public let region: String
    public let account: String
    /// The part after `role/`, `profile/` or `trust-anchor/` (a role's path and name).
    public let resourceName: String
    public let description: String

    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    public init(_ text: String, kind: Kind) throws(Invalid) {
        func invalid(_ problem: String) -> Invalid {
            Invalid(description: "invalid \(kind.rawValue) ARN \"\(printableExcerpt(text, limit: 200))\": \(problem); expected \(kind.example)")
        }
        let fields = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard fields.count == 6, fields[0] == "arn" else { throw invalid("it does not have the six fields arn:partition:service:region:account:resource") }
        guard Self.partitions.contains(String(fields[1])) else { throw invalid("unknown partition \"\(printableExcerpt(fields[1], limit: 20))\"") }
        guard fields[2] == kind.service else { throw invalid("the service must be \(kind.service)") }
        if kind == .role {
            guard fields[3].isEmpty else { throw invalid("IAM role ARNs have no region") }
        } else {
            guard RegionResolver.isValidRegion(String(fields[3])) else { throw invalid("the region is missing or malformed") }
        }
        guard fields[4].count == 12, fields[4].allSatisfy(\.isASCIIDigit) else { throw invalid("the account must be 12 digits") }
        let prefix = "\(kind.rawValue)/"
        guard fields[5].hasPrefix(prefix) else { throw invalid("the resource must start with \(prefix)") }
        guard fields[5].count > prefix.count else { throw invalid("the \(kind == .role ? "role name" : "id") after \(prefix) is missing") }
        let name = fields[5].dropFirst(prefix.count)
        guard name.count <= 512, name.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7f }) else {
            throw invalid("the resource name holds spaces or characters outside printable ASCII")
        }
        self.kind = kind
        self.partition = String(fields[1])
        self.region = String(fields[3])
        self.account = String(fields[4])
        self.resourceName = String(name)
        self.description = text
    }

    /// The last path element of a role ARN: `role/team/dev` → `dev`.
    public var shortName: String { String(resourceName.split(separator: "/").last ?? Substring(resourceName)) }

    /// The three ARNs of one CreateSession: each well-formed, the profile and the trust anchor in
    /// one region (Roles Anywhere looks both up in the region it is called in), and all three in one
    /// account (a profile lists only its own account's roles, and is looked up in the trust anchor's).
    public static func checkSessionTarget(roleArn: String, profileArn: String, trustAnchorArn: String) throws(Invalid) {
        let role = try ARN(roleArn, kind: .role)
        let profile = try ARN(profileArn, kind: .profile)
        let anchor = try ARN(trustAnchorArn, kind: .trustAnchor)
        guard profile.region == anchor.region else {
            throw Invalid(description: "the profile ARN is in \(profile.region) but the trust anchor ARN in \(anchor.region): both must be in the same region")
        }
        guard role.account == profile.account, profile.account == anchor.account else {
            throw Invalid(description: "the role, profile and trust anchor ARNs name accounts \(role.account), \(profile.account) and \(anchor.account): all three must be in the same account")
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
