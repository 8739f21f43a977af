import Issuance
import RolesAnywhere
import TokenKeys

/// Where a token's PIN comes from: a command's first line of output (`--pin-command`), or a prompt
/// on the terminal with echo off. Never argv, an environment variable or a file rolecall writes.
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
    public func obtain(tokenLabel: String) throws -> SecretBytes {
        switch self {
        case .command(let command):
            do {
                return try PINCommand.firstLine(of: command)
            } catch {
                throw MFAError.unavailable(error.description)
            }
        case .terminalPrompt:
            let label = printableExcerpt(tokenLabel, limit: 32)
            guard let pin = TerminalPrompt.askWithoutEcho("PIN for token \(label): ", limit: 256, exact: true), !pin.isEmpty else {
                throw MFAError.unavailable("the token \(label) needs its PIN and there is no terminal to ask on: pass --pin-command CMD")
            }
            return SecretBytes(pin)
        }
    }
}
