import CBuildInfo

/// The version `--version` prints, with the commit the Makefile stamps in.
enum BuildInfo {
    static let version = "0.1.0"
    static var commit: String { String(cString: rolecall_build_commit()) }
    static var versionLine: String { "rolecall \(version) (\(commit))" }
}
