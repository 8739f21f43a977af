/// How `exec` hands over to the session's command: by replacing this process (`execve`), or, in
/// tests, by running it and ending the command with its status.
public protocol CommandLauncher: Sendable {
    /// Returns only by throwing: `ProcessLauncher.LaunchError` when the command cannot start.
    func replace(command: [String], environment: [String: String]) throws -> Never
}

/// `execve`: the command takes over this process, its exit status rolecall's.
public struct ProcessReplacement: CommandLauncher {
    public init() {}

    public func replace(command: [String], environment: [String: String]) throws -> Never {
        try ProcessLauncher.replace(command: command, environment: environment)
    }
}
