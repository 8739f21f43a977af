import Issuance
import RolesAnywhere
import TokenKeys

/// Where a token's PIN (or an encrypted key file's passphrase) comes from: a command's first line
/// of output (`--pin-command`), or a prompt on the terminal with echo off. Never argv, an environment variable or a file rolecall writes.
public enum PINSource: Sendable, CustomStringConvertible {
    /// Run through `/bin/sh -c`, stdin empty; the first line of its stdout is the PIN.
    case command(String)
    case terminalPrompt

    public var description: String {
        switch self {
        case .command: "PINSource.command"
        case .terminalPrompt: "PINSource.terminalPrompt"
        }
    }

    /// The PIN for the token labelled `tokenLabel`, in bytes the caller wipes.
    public func obtain(tokenLabel: String, on terminal: any Terminal, environment: [String: String]) throws -> SecretBytes {
        let label = printableExcerpt(tokenLabel, limit: 32)
        return try obtain(question: "PIN for token \(label): ", needed: "the token \(label) needs its PIN", on: terminal, environment: environment)
    }

    /// The passphrase of the encrypted key file `path`: `--pin-command` gives it too.
    public func obtainPassphrase(keyFile path: String, on terminal: any Terminal, environment: [String: String]) throws -> SecretBytes {
        let name = printableExcerpt(path, limit: 80)
        return try obtain(question: "Passphrase for \(name): ", needed: "the key file \(name) is encrypted and needs its passphrase",
                          on: terminal, environment: environment)
    }

    private func obtain(question: String, needed: String, on terminal: any Terminal, environment: [String: String]) throws -> SecretBytes {
        switch self {
        case .command(let command):
            do {
                return try PINCommand.firstLine(of: command, environment: environment)
            } catch {
                throw MFAError.unavailable(error.description)
            }
        case .terminalPrompt:
            guard let answer = terminal.askWithoutEcho(question, limit: 256, exact: true), !answer.isEmpty else {
                throw MFAError.unavailable("\(needed) and there is no terminal to ask on: pass --pin-command CMD")
            }
            return SecretBytes(answer)
        }
    }
}
