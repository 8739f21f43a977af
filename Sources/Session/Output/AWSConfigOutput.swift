/// `~/.aws/config` blocks for rolecall's profiles. Printed only; rolecall never edits the file.
public enum AWSConfigOutput {
    public static func render(profiles: [Profile], executable: String) -> String {
        profiles.map { profile in
            var lines = ["[profile \(profile.name)]"]
            switch profile.mfa {
            case .off:
                lines.append("credential_process = \(quotedForINI(executable)) credential-process --profile \(profile.name)")
            case .required, .token:
                lines.append("# \(profile.name) requires per-session MFA, so credential_process is not available. Use:")
                lines.append("#   rolecall exec --profile \(profile.name) -- COMMAND")
                lines.append("#   eval \"$(rolecall env --profile \(profile.name))\"")
            }
            // A chained profile without a region of its own uses its source's, which is not known here.
            if !profile.effectiveRegion.isEmpty { lines.append("region = \(profile.effectiveRegion)") }
            return lines.joined(separator: "\n")
        }.joined(separator: "\n\n") + "\n"
    }

    /// botocore splits credential_process with shlex: quote a path with spaces.
    static func quotedForINI(_ path: String) -> String {
        path.unicodeScalars.contains(where: { $0 == " " || $0 == "\"" || $0 == "'" }) ? ShellFormat.posixQuoted(path) : path
    }
}
