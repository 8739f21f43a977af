#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ChildProcess
import Issuance
import RolesAnywhere

/// Where the TOTP code comes from: a flag, a command's first line of output, or a prompt on the
/// terminal. Never stdin: stdin belongs to the child.
public enum MFACodeSource: Sendable, CustomStringConvertible {
    case code(String)
    /// Run through `/bin/sh -c`; the first line of its stdout is the code.
    case command(String)
    case terminalPrompt(label: String)

    public var description: String {
        switch self {
        case .code: "MFACodeSource.code(<redacted>)"
        case .command: "MFACodeSource.command"
        case .terminalPrompt(let label): "MFACodeSource.terminalPrompt(\(label))"
        }
    }

    public func obtain() throws -> String {
        switch self {
        case .code(let code):
            return code
        case .command(let command):
            return try Self.run(command)
        case .terminalPrompt(let label):
            return try Self.prompt(label)
        }
    }

    static func run(_ command: String) throws -> String {
        // stdin is an empty pipe: it belongs to the child that runs after us, and the command must
        // not consume any of it.
        let answer: Result<String, MFAError>
        do {
            answer = try CapturedRun.run("/bin/sh", ["-c", command], outputLimit: 1024) { status, output in
                guard status == 0 else { return .failure(.unavailable("the --mfa-command exited with status \(status)")) }
                let line = output.prefix { $0 != UInt8(ascii: "\n") }
                return .success(trimmedWhitespace(String(decoding: line, as: UTF8.self)[...]))
            }
        } catch {
            throw MFAError.unavailable("could not run the --mfa-command: \(error)")
        }
        return try answer.get()
    }

    static func prompt(_ label: String) throws -> String {
        guard let code = TerminalPrompt.askWithoutEcho("MFA code for \(label): ", limit: 64) else {
            throw MFAError.unavailable("an MFA code is needed and there is no terminal to ask on: pass --mfa-code CODE or --mfa-command CMD")
        }
        guard !code.isEmpty else { throw MFAError.cancelled() }
        return code
    }

    /// How many codes a person at the terminal may type for one command; a flag or a command
    /// gives one (asking a script again would only spend its next code the same way).
    var attempts: Int {
        if case .terminalPrompt = self { 3 } else { 1 }
    }

    /// `body`, again after a wrong, used or mistyped code while this source has attempts left
    /// (a person at the terminal: three in all), each retry said through `warn`.
    func withAttempts<T>(warn: (String) -> Void, _ body: () async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await body()
            } catch where attempt < attempts && Self.mayAskAgain(after: error) {
                warn("rolecall: \(error); try again (\(attempts - attempt) more \(attempts - attempt == 1 ? "try" : "tries"))")
                attempt += 1
            }
        }
    }

    /// The same source, its prompt naming `label` (which profiles a code is for).
    func labelled(_ label: String) -> MFACodeSource {
        if case .terminalPrompt = self { return .terminalPrompt(label: label) }
        return self
    }

    /// Whether a person may type another code after `error`: a code that was wrong, already used
    /// or not six digits costs that attempt only.
    static func mayAskAgain(after error: any Error) -> Bool {
        guard let error = error as? MFAError else { return false }
        return [.wrong, .replayed, .malformed].contains(error.code)
    }
}

/// Questions on the controlling terminal (`/dev/tty`), never on stdin, with echo off.
public enum TerminalPrompt {
    /// Whether there is a controlling terminal to ask on.
    public static var isAvailable: Bool {
        let descriptor = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        close(descriptor)
        return true
    }

    /// The answer (at most `limit` bytes of it), trimmed of white space at both ends unless `exact`
    /// (passwords: a space may be part of one); nil when there is no terminal.
    public static func askWithoutEcho(_ question: String, limit: Int, exact: Bool = false) -> String? {
        let descriptor = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        let bytes = Array(question.utf8)
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        // No echo while the answer is typed; the terminal's settings come back afterwards.
        var saved = termios()
        let haveSettings = tcgetattr(descriptor, &saved) == 0
        if haveSettings {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(descriptor, TCSANOW, &quiet)
        }
        defer {
            if haveSettings { tcsetattr(descriptor, TCSANOW, &saved) }
            _ = write(descriptor, "\n", 1)
        }
        var line: [UInt8] = []
        defer { wipeBytes(&line) }
        var byte: UInt8 = 0
        while true {
            let count = read(descriptor, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            guard count == 1, byte != UInt8(ascii: "\n") else { break }
            // Read to the end of the line even when it is too long, so nothing is left for the next question.
            if line.count < limit { line.append(byte) }
        }
        let answer = String(decoding: line, as: UTF8.self)
        return exact ? answer : trimmedWhitespace(answer[...])
    }
}

/// `text` without the spaces, tabs and line ends around it.
private func trimmedWhitespace(_ text: Substring) -> String {
    String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
}
