import Foundation

/// The test process's environment, read once. Foundation's `Process` with no environment of its
/// own copies the live `environ` while it spawns, and twice a suite run crashed in that copy
/// (memcpy in `Process.run`) while something else in the process touched the environment; a copy
/// made once and handed to every `Process` takes that out of the spawn.
public enum InheritedEnvironment {
    public static let variables: [String: String] = ProcessInfo.processInfo.environment
}
