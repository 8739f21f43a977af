import CHardening
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A short helper program run to its end: its standard input given, its standard output kept (for
/// `--mfa-command`, `qrencode`). Nothing goes through argv that the caller did not put there.
public enum CapturedRun {
    public struct StartError: Error, Sendable, CustomStringConvertible {
        public let errno: Int32
        public var description: String { String(cString: strerror(errno)) }
    }

    /// Runs `executable` (a path) with `arguments` (argv[1…]) and `environment` (nil: this process's), then
    /// gives `body` its exit status (128 + signal when killed) and output. The output may be a
    /// secret (an MFA code, a QR code of a TOTP seed): it exists only in a buffer that is zeroed
    /// when `body` returns. At most `outputLimit` bytes are kept; stderr is dropped when `discardErrors`.
    public static func run<Result>(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, input: [UInt8] = [],
                                   outputLimit: Int = 64 << 10, discardErrors: Bool = false,
                                   _ body: (_ status: Int32, _ output: UnsafeBufferPointer<UInt8>) throws -> Result) throws -> Result {
        var output = [UInt8](repeating: 0, count: outputLimit)
        return try output.withUnsafeMutableBufferPointer { buffer in
            defer { rolecall_secure_zero(buffer.baseAddress, buffer.count) }
            var length = 0
            var status: Int32 = 0
            let failure = CStrings.with([executable] + arguments) { argv in
                withEnvironment(environment) { envp in
                    input.withUnsafeBufferPointer { input in
                        rolecall_run_capture(executable, argv, envp, input.baseAddress, input.count,
                                             buffer.baseAddress, buffer.count, &length, discardErrors ? 1 : 0, &status)
                    }
                }
            }
            guard failure == 0 else { throw StartError(errno: failure) }
            return try body(status, UnsafeBufferPointer(rebasing: buffer[..<length]))
        }
    }

    /// `environment` as envp, or this process's own.
    private static func withEnvironment<R>(_ environment: [String: String]?, _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>?) -> R) -> R {
        guard let environment else { return body(environ) }
        return CStrings.with(environment.map { "\($0.key)=\($0.value)" }) { envp in envp.withUnsafeBufferPointer { body($0.baseAddress) } }
    }
}
