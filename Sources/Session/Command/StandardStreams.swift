import ChildProcess
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a command prints: this process's standard output and error, or buffers in tests.
public struct StandardStreams: Sendable {
    public var out: @Sendable (String) -> Void
    public var err: @Sendable (String) -> Void
    /// Whether standard output is a terminal (the agent's lines hold its token: not for a screen).
    public var outputIsTerminal: Bool

    public init(out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void, outputIsTerminal: Bool = false) {
        self.out = out
        self.err = err
        self.outputIsTerminal = outputIsTerminal
    }

    /// Descriptors 1 and 2, unbuffered.
    public static var process: StandardStreams {
        StandardStreams(out: { DescriptorWriter.writeAll($0, to: STDOUT_FILENO) },
                        err: { DescriptorWriter.writeAll($0, to: STDERR_FILENO) },
                        outputIsTerminal: isatty(STDOUT_FILENO) == 1)
    }
}
