#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HTTPSTransport
import Issuance
import IssuanceCore
import RolesAnywhere

/// What a `rolecall` command touches outside itself: `.live` in the program, fakes in tests, which
/// then run the same command code in-process with their clock and captured output. (Completion,
/// which argument-parser answers before any command runs, and the agent re-running this program
/// read the process itself; their tests start the program.)
public struct CommandContext: Sendable {
    public var environment: [String: String]
    public var now: @Sendable () -> Date
    public var output: StandardStreams
    /// Where codes, PINs and passwords are asked for.
    public var terminal: any Terminal
    /// The next line of standard input (`login --password-stdin`), nil at its end.
    public var readLine: @Sendable () -> String?
    public var launcher: any CommandLauncher
    public var random: RandomSource
    /// The HTTP transport for AWS's endpoints, given the environment (proxies) and where to say
    /// that a server keeps the command waiting.
    public var makeTransport: @Sendable (_ environment: [String: String], _ progress: (@Sendable (String) -> Void)?) -> any HTTPTransport
    /// How to reach the team issuer, given the pinned certificate; nil means HTTPS.
    public var issuerTransport: (@Sendable (_ pinnedCertificatePEM: String?) throws -> any HTTPTransport)?
    /// The directory relative paths are taken from (`profile add --certificate FILE`); asked for
    /// only by the commands that need it, as is `programPath`, so that the others pay nothing for it.
    public var workingDirectory: @Sendable () -> String
    /// This program's resolved path (for `aws-config`'s credential_process lines).
    public var programPath: @Sendable () -> String
    /// Told the error a command ends with, besides its message on stderr: tests match its code.
    public var sawError: @Sendable (any Error) -> Void = { _ in }

    public init(environment: [String: String], now: @escaping @Sendable () -> Date, output: StandardStreams, terminal: any Terminal,
                readLine: @escaping @Sendable () -> String?, launcher: any CommandLauncher, random: RandomSource,
                makeTransport: @escaping @Sendable ([String: String], (@Sendable (String) -> Void)?) -> any HTTPTransport,
                workingDirectory: @escaping @Sendable () -> String, programPath: @escaping @Sendable () -> String) {
        self.environment = environment
        self.now = now
        self.output = output
        self.terminal = terminal
        self.readLine = readLine
        self.launcher = launcher
        self.random = random
        self.makeTransport = makeTransport
        self.workingDirectory = workingDirectory
        self.programPath = programPath
    }

    /// This process: its environment, clock, descriptors, terminal and `execve`.
    public static var live: CommandContext {
        CommandContext(
            environment: ProcessInfo.processInfo.environment, now: Date.init, output: .process, terminal: ControllingTerminal(),
            readLine: { Swift.readLine(strippingNewline: true) }, launcher: ProcessReplacement(), random: .system,
            makeTransport: { ClientTransport.make(environment: $0, progress: $1) },
            workingDirectory: { FileManager.default.currentDirectoryPath },
            programPath: {
                (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                    ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
            }
        )
    }

    public var home: SecureDirectory { Home.directory(environment: environment) }

    public func out(_ text: String) { output.out(text) }

    public func err(_ text: String) { output.err(text) }

    /// The session flows' context: this one's world, and a transport that says on stderr when a
    /// server keeps it waiting, unless `quiet`.
    public func session(quiet: Bool = false) -> SessionContext {
        let err = output.err
        let progress: (@Sendable (String) -> Void)? = quiet ? nil : { @Sendable line in
            if ForegroundWaits.areShown { err(line + "\n") }
        }
        var context = SessionContext(environment: environment, now: now, transport: makeTransport(environment, progress),
                                     home: home, terminal: terminal, random: random)
        context.warn = { err($0 + "\n") }
        context.progress = progress
        context.issuerTransport = issuerTransport
        return context
    }
}
