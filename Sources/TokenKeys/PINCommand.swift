import ChildProcess
import RolesAnywhere

/// `--pin-command CMD`: run through `/bin/sh -c` with stdin empty; the first line of its stdout is
/// the PIN. The output exists only in a buffer that is zeroed once the line is copied out.
public enum PINCommand {
    /// Why no PIN came; never holds any of the command's output.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public static func firstLine(of command: String, environment: [String: String]? = nil) throws(Failure) -> SecretBytes {
        let answer: Result<SecretBytes, Failure>
        do {
            answer = try CapturedRun.run("/bin/sh", ["-c", command], environment: environment, outputLimit: 1024) { status, output in
                guard status == 0 else { return .failure(Failure(description: "the --pin-command exited with status \(status)")) }
                guard let pin = firstLine(of: output) else { return .failure(Failure(description: "the --pin-command printed no PIN")) }
                return .success(pin)
            }
        } catch {
            throw Failure(description: "could not run the --pin-command: \(error)")
        }
        return try answer.get()
    }

    /// The first line of `text` (a command's output, a PIN file), without its `\n` or `\r\n`; nil
    /// when it is empty.
    public static func firstLine(of text: some BidirectionalCollection<UInt8>) -> SecretBytes? {
        var line = text.prefix { $0 != UInt8(ascii: "\n") }
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        return line.isEmpty ? nil : SecretBytes(Array(line))
    }
}
