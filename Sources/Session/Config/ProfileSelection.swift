import Issuance
import RolesAnywhere

/// Which profile a command uses: `--profile`, else the single profile whose role ARN equals
/// `--aws-role`, else `ROLECALL_PROFILE`, else the only profile.
public enum ProfileSelection {
    public static func select(name: String?, roleArn: String?, environment: [String: String], from profiles: [Profile]) throws(ConfigError) -> Profile {
        if let name {
            guard let profile = profiles.first(where: { $0.name == name }) else {
                throw .unknownProfile(name, among: profiles)
            }
            return profile
        }
        if let roleArn {
            let matches = profiles.filter { $0.roleArn == roleArn }
            switch matches.count {
            case 1: return matches[0]
            case 0: throw .noProfileForRole(roleArn, among: profiles)
            default: throw .severalProfilesForRole(roleArn, matches.map(\.name))
            }
        }
        if let name = environment["ROLECALL_PROFILE"], !name.isEmpty {
            guard let profile = profiles.first(where: { $0.name == name }) else {
                throw .unknownEnvironmentProfile(name, among: profiles)
            }
            return profile
        }
        switch profiles.count {
        case 1: return profiles[0]
        case 0: throw .noProfile()
        default: throw .severalProfiles(profiles)
        }
    }
}
