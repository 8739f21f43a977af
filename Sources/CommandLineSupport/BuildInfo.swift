import CBuildInfo

/// The version `--version` prints, with the commit the Makefile stamps in.
public enum BuildInfo {
    public static let version = "0.1.0"
    public static var commit: String { String(cString: rolecall_build_commit()) }
    public static func versionLine(_ program: String) -> String { "\(program) \(version) (\(commit))" }
}
