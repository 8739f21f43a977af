/// `~/.aws/config` blocks for rolecall's profiles. Printed only; rolecall never edits the file.
public enum AWSConfigOutput {
    /// `all`: every profile, where a chained profile's source is found for its region.
    public static func render(profiles: [Profile], all: [Profile], executable: String) -> String {
        profiles.map { profile in
            var lines = ["[profile \(profile.name)]"]
            if profile.mfa != .off {
                lines.append("# \(profile.name) requires per-session MFA: this answers only inside a tree that holds its session,")
                lines.append("#   rolecall exec --server --profile \(profile.name) -- COMMAND")
                lines.append("#   eval \"$(rolecall agent --shell-pid $$ --profile \(profile.name))\"")
            }
            lines.append("credential_process = \(quotedForINI(executable)) credential-process --profile \(profile.name)")
            // A chained profile without a region of its own uses its source's.
            let source = profile.kind.chain.flatMap { chain in all.first { $0.name == chain.sourceProfile } }
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
