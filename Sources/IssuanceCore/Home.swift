/// Where rolecall keeps its state: `$ROLECALL_HOME`, else `$XDG_CONFIG_HOME/rolecall`,
/// else `~/.config/rolecall`. The client keeps its profiles there, the team issuer its default
/// database and key file under `issuer/`.
public enum Home {
    public static func path(environment: [String: String]) -> String {
        if let home = environment["ROLECALL_HOME"], !home.isEmpty { return home }
        if let config = environment["XDG_CONFIG_HOME"], !config.isEmpty { return "\(config)/rolecall" }
        return "\(environment["HOME"] ?? "/root")/.config/rolecall"
    }
}
