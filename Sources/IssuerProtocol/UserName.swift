import RolesAnywhere

/// Who a person is to the issuer (local or team): the name goes into the certificate's subject,
/// the audit log and the otpauth URI, so it is kept to a small, printable alphabet.
public enum UserName {
    public static let rule = "1 to 64 letters, digits, '.', '_', '@' or '-'"

    /// The refusal of a name that breaks the rule, for every command that takes one.
    public static func invalid(_ name: String) -> String {
        "invalid user name \"\(printableExcerpt(name, limit: 64))\": use \(rule)"
    }

    public static func isValid(_ name: String) -> Bool {
        (1...64).contains(name.count) && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._@-".contains($0)) }
    }
}
