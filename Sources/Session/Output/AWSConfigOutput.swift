/// `~/.aws/config` blocks for rolecall's profiles. Printed only; rolecall never edits the file.
public enum AWSConfigOutput {
    /// `all`: every profile, where a chained profile's source is found for its region.
    public static func render(profiles: [Profile], all: [Profile], executable: String) -> String {
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
            // A chained profile without a region of its own uses its source's.
            let source = profile.chain.flatMap { chain in all.first { $0.name == chain.sourceProfile } }
            let region = profile.region ?? source?.effectiveRegion ?? profile.effectiveRegion
            if !region.isEmpty { lines.append("region = \(region)") }
            return lines.joined(separator: "\n")
        }.joined(separator: "\n\n") + "\n"
    }

    /// botocore splits credential_process with shlex: quote a path with spaces.
    static func quotedForINI(_ path: String) -> String {
        path.unicodeScalars.contains(where: { $0 == " " || $0 == "\"" || $0 == "'" }) ? ShellFormat.posixQuoted(path) : path
    }
}
