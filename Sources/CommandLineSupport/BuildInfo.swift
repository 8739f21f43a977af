/// The version `--version` prints, with the commit of the checkout it was built from
/// (`buildCommit`, written before every build by the BuildCommit plugin).
public enum BuildInfo {
    public static let version = "0.1.0"
    public static var commit: String { buildCommit }
    public static func versionLine(_ program: String) -> String { "\(program) \(version) (\(commit))" }
}
