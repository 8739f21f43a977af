/// CreateSession's and AssumeRole's `roleSessionName`: 2 to 64 characters of `[A-Za-z0-9+=,.@-_]`.
public enum RoleSessionName {
    public static let rule = "2 to 64 characters of letters, digits and +=,.@-_"

    public static func isValid(_ name: String) -> Bool {
        (2...64).contains(name.count) && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+=,.@-_".contains($0)) }
    }
}
