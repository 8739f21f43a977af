#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
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

    /// The code; a prompt asks on `terminal`, a command runs with `environment`.
    public func obtain(on terminal: any Terminal, environment: [String: String]) throws -> String {
        switch self {
        case .code(let code):
            return code
        case .command(let command):
            return try Self.run(command, environment: environment)
        case .terminalPrompt(let label):
            return try Self.prompt(label, on: terminal)
        }
    }

    static func run(_ command: String, environment: [String: String]) throws -> String {
        // stdin is an empty pipe: it belongs to the child that runs after us, and the command must
        // not consume any of it.
        let answer: Result<String, MFAError>
        do {
            answer = try CapturedRun.run("/bin/sh", ["-c", command], environment: environment, outputLimit: 1024) { status, output in
                guard status == 0 else { return .failure(.unavailable("the --mfa-command exited with status \(status)")) }
                let line = output.prefix { $0 != UInt8(ascii: "\n") }
                return .success(trimmedWhitespace(String(decoding: line, as: UTF8.self)[...]))
            }
        } catch {
            throw MFAError.unavailable("could not run the --mfa-command: \(error)")
        }
        return try answer.get()
    }

    static func prompt(_ label: String, on terminal: any Terminal) throws -> String {
        guard let code = terminal.askWithoutEcho("MFA code for \(label): ", limit: 64) else {
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
