import Issuance

/// Where rolecall keeps its state: `$ROLECALL_HOME`, else `$XDG_CONFIG_HOME/rolecall`,
/// else `~/.config/rolecall`.
public enum Home {
    public static func path(environment: [String: String]) -> String {
        if let home = environment["ROLECALL_HOME"], !home.isEmpty { return home }
        if let config = environment["XDG_CONFIG_HOME"], !config.isEmpty { return "\(config)/rolecall" }
        return "\(environment["HOME"] ?? "/root")/.config/rolecall"
    }

    public static func directory(environment: [String: String]) -> SecureDirectory {
        SecureDirectory(path: path(environment: environment))
    }
}
