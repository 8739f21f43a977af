#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RolesAnywhere

/// Prints variables for a shell to evaluate. Every value is quoted so that no byte of it, whatever
/// a server sent, can run as a command in bash, dash, zsh, fish or PowerShell.
public enum ShellFormat: String, Sendable, CaseIterable {
    case sh, fish, powershell, json

    public func render(set variables: [(name: String, value: String)], unset names: [String]) -> String {
        switch self {
        case .sh:
            var lines = names.isEmpty ? [] : ["unset \(names.joined(separator: " "))"]
            lines += variables.map { "export \($0.name)=\(Self.posixQuoted($0.value))" }
            return lines.joined(separator: "\n") + "\n"
        case .fish:
            var lines = names.map { "set -e \($0)" }
            lines += variables.map { "set -gx \($0.name) \(Self.fishQuoted($0.value))" }
            return lines.joined(separator: "\n") + "\n"
        case .powershell:
            var lines = names.map { "Remove-Item Env:\($0) -ErrorAction SilentlyContinue" }
            lines += variables.map { "$Env:\($0.name) = \(Self.powershellQuoted($0.value))" }
            return lines.joined(separator: "\n") + "\n"
        case .json:
            let object: JSONValue = [
                "variables": .object(Dictionary(variables.map { ($0.name, JSONValue.string($0.value)) }, uniquingKeysWith: { $1 })),
                "unset": .array(names.map(JSONValue.string)),
            ]
            return object.line + "\n"
        }
    }

    /// Single quotes; a quote becomes `'\''`. Nothing is special inside single quotes in POSIX shells.
    public static func posixQuoted(_ value: String) -> String {
        posixSingleQuoted(value)
    }

    /// fish single quotes: only `\` and `'` are special, each escaped with a backslash (scalar by
    /// scalar, so a combining mark cannot hide a quote inside a Character).
    public static func fishQuoted(_ value: String) -> String {
        var quoted = String.UnicodeScalarView()
        quoted.append("'")
        for scalar in value.unicodeScalars {
            if scalar == "\\" || scalar == "'" { quoted.append("\\") }
            quoted.append(scalar)
        }
        quoted.append("'")
        return String(quoted)
    }

    /// PowerShell verbatim strings: every single-quote character (including the typographic
    /// ‘ ’ ‚ ‛ that PowerShell also treats as quotes) is doubled.
    public static func powershellQuoted(_ value: String) -> String {
        var result = String.UnicodeScalarView()
        result.append("'")
        for scalar in value.unicodeScalars {
            if "'\u{2018}\u{2019}\u{201A}\u{201B}".unicodeScalars.contains(scalar) { result.append(scalar) }
            result.append(scalar)
        }
        result.append("'")
        return String(result)
    }
}
