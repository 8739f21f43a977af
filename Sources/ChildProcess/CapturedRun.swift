import CHardening
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A short helper program run to its end: its standard input given, its standard output kept (for
/// `--mfa-command`, `qrencode`). Nothing goes through argv that the caller did not put there.
public struct CapturedRun: Sendable {
    public let status: Int32
    public let output: [UInt8]

    public struct StartError: Error, Sendable, CustomStringConvertible {
        public let errno: Int32
        public var description: String { String(cString: strerror(errno)) }
    }

    /// Runs `executable` (a path) with `arguments` (argv[1…]) and this process's environment.
    /// At most `outputLimit` bytes of its output are kept; stderr is dropped when `discardErrors`.
    public static func run(_ executable: String, _ arguments: [String], input: [UInt8] = [],
                           outputLimit: Int = 64 << 10, discardErrors: Bool = false) throws(StartError) -> CapturedRun {
        var output = [UInt8](repeating: 0, count: outputLimit)
        var length = 0
        var status: Int32 = 0
        let failure = CStrings.with([executable] + arguments) { argv in
            input.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { buffer in
                    rolecall_run_capture(executable, argv, environ, input.baseAddress, input.count,
                                         buffer.baseAddress, buffer.count, &length, discardErrors ? 1 : 0, &status)
                }
            }
        }
        guard failure == 0 else { throw StartError(errno: failure) }
        return CapturedRun(status: status, output: Array(output.prefix(length)))
    }
}
