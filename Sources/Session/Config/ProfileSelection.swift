import Issuance
import RolesAnywhere

/// Which profile a command uses: `--profile`, else the single profile whose role ARN equals
/// `--aws-role`, else `ROLECALL_PROFILE`, else the only profile.
public enum ProfileSelection {
    public static func select(name: String?, roleArn: String?, environment: [String: String], from profiles: [Profile]) throws(ProfileError) -> Profile {
        if let name {
            guard let profile = profiles.first(where: { $0.name == name }) else {
                throw ProfileError("no profile named \(Profile.shown(name))\(listing(profiles))")
            }
            return profile
        }
        if let roleArn {
            let matches = profiles.filter { $0.roleArn == roleArn }
            switch matches.count {
            case 1: return matches[0]
            case 0: throw ProfileError("no profile uses role \(printableExcerpt(roleArn, limit: 200)): add one with `rolecall profile add NAME --role-arn \(shellQuoted(printableExcerpt(roleArn, limit: 200))) --profile-arn ARN --trust-anchor-arn ARN`\(listing(profiles))")
            default: throw ProfileError("several profiles use role \(printableExcerpt(roleArn, limit: 200)): pick one with --profile \(matches.map(\.name).map(shellQuoted).joined(separator: " or --profile "))")
            }
        }
        if let name = environment["ROLECALL_PROFILE"], !name.isEmpty {
            guard let profile = profiles.first(where: { $0.name == name }) else {
                throw ProfileError("ROLECALL_PROFILE names \(Profile.shown(name)), which does not exist\(listing(profiles))")
            }
            return profile
        }
        switch profiles.count {
        case 1: return profiles[0]
        case 0: throw ProfileError("no profile yet: add one with `rolecall profile add NAME --role-arn ARN --profile-arn ARN --trust-anchor-arn ARN`")
        default: throw ProfileError("several profiles exist: choose one with --profile or --aws-role\(listing(profiles))")
        }
    }

    private static func listing(_ profiles: [Profile]) -> String {
        profiles.isEmpty ? "" : "; profiles: " + profiles.map { "\($0.name) (\($0.roleArn))" }.joined(separator: ", ")
    }
}
