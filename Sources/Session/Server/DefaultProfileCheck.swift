#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The one thing in `~/.aws/config` that would make a supervised child's SDKs skip rolecall's
/// endpoint: a default profile with a credential source of its own, which comes first in their
/// provider chain. (Keys in `~/.aws/credentials` are hidden from the child instead.)
enum DefaultProfileCheck {
    static let credentialKeys = ["credential_process", "role_arn", "credential_source", "web_identity_token_file",
                                 "sso_session", "sso_start_url", "sso_account_id", "aws_access_key_id"]

    /// A warning naming the file and the key, or nil.
    static func warning(environment: [String: String]) -> String? {
        let path = environment["AWS_CONFIG_FILE"].flatMap { $0.isEmpty ? nil : $0 } ?? ((environment["HOME"] ?? "") + "/.aws/config")
        guard let text = try? String(contentsOfFile: path, encoding: .utf8), let key = credentialKey(ofDefaultIn: text) else { return nil }
        return "\(path) gives the default profile its own credentials (\(key)): SDKs in the command may use them before rolecall's endpoint. Move them to a named profile, or run the command with AWS_CONFIG_FILE pointing elsewhere"
    }

    /// The first credential key of `[default]` (or `[profile default]`), INI as the SDKs read it.
    static func credentialKey(ofDefaultIn text: String) -> String? {
        var inDefault = false
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = trimmed(rawLine)
            if line.hasPrefix("[") {
                let name = trimmed(line.dropFirst().prefix { $0 != "]" })
                inDefault = name == "default" || name == "profile default"
                continue
            }
            guard inDefault, !line.hasPrefix("#"), !line.hasPrefix(";"), let equals = line.firstIndex(of: "=") else { continue }
            let key = trimmed(line[..<equals]).lowercased()
            if credentialKeys.contains(key) { return key }
        }
        return nil
    }

    private static func trimmed(_ text: Substring) -> Substring {
        var text = text
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return text
    }
}
