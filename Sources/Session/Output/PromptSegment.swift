#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RolesAnywhere

/// `rolecall prompt`: a short segment for PS1 or starship, such as `dev 42m` inside `exec` or
/// `dev,prod 42m` in an agent's shell, read from the environment alone (no network, no files), so
/// that a prompt can run it before every line. Outside a session it is empty.
public enum PromptSegment {
    /// The profiles an agent serves (`rolecall agent`), comma-separated.
    public static let agentProfilesVariable = "ROLECALL_AGENT_PROFILES"

    public static func text(environment: [String: String], now: Date) -> String {
        let names = environment[agentProfilesVariable].flatMap(nonEmpty) ?? environment[SessionEnvironment.sessionVariable].flatMap(nonEmpty)
        guard let names else { return "" }
        // What ends first: the MFA window of a supervisor or agent, else the credentials.
        let end = environment[SessionEnvironment.mfaWindowVariable].flatMap(RFC3339.date(from:))
            ?? environment["AWS_CREDENTIAL_EXPIRATION"].flatMap(RFC3339.date(from:))
        guard let end else { return printable(names) }
        return "\(printable(names)) \(left(until: end, now: now))"
    }

    /// `42m`, `1h05m`, `<1m`, or `expired`.
    static func left(until end: Date, now: Date) -> String {
        let minutes = Int(end.timeIntervalSince(now) / 60)
        guard end > now else { return "expired" }
        if minutes < 1 { return "<1m" }
        if minutes < 60 { return "\(minutes)m" }
        let rest = minutes % 60
        return rest == 0 ? "\(minutes / 60)h" : "\(minutes / 60)h" + (rest < 10 ? "0" : "") + "\(rest)m"
    }

    private static func nonEmpty(_ text: String) -> String? { text.isEmpty ? nil : text }

    /// A prompt is printed as it is: nothing but what a profile name holds, bounded; a role ARN
    /// (`exec --aws-role`) by its short name.
    private static func printable(_ names: String) -> String {
        let shown = names.hasPrefix("arn:") ? String(names.split(separator: "/").last ?? "") : names
        return String(shown.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-,".unicodeScalars.contains($0)) }
            .prefix(80).map(Character.init))
    }
}
