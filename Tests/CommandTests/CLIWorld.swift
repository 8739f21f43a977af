import Foundation
import Issuance
import IssuanceCore
import RolesAnywhere
import RolesAnywhereEmulator
import Session
import Testing
import TestSupport

/// A fresh HOME and ROLECALL_HOME, `rolecall init` done, the emulator trusting its CA, and a way
/// to compute the next TOTP codes: what every command test starts from.
///
/// Commands run in the test's process (`InProcessCommand`) unless they need one of their own (the
/// supervisor, the agent, the demo, the issuer hand-off, completion; see `needsItsOwnProcess`), or
/// the world has a token: a PKCS#11 module reads its configuration (`SOFTHSM2_CONF`, the TPM's) from
/// the environment of the process that loads it, so such worlds run every command as a program.
struct CLIWorld {
    let base: String
    let home: String
    let secret: SecretBytes
    let caPEM: String
    let harness: EmulatorHarness?
    var environment: [String: String]
    /// The time in-process commands and the emulator see, moved by `freshCode()`.
    var clock = AdvancingClock()
    /// False for worlds with a token (see above).
    var inProcess = true

    /// `init` only, no emulator. `initArguments` go to `init` (e.g. `--ca-key`); `extraEnvironment`
    /// to every command (e.g. `SOFTHSM2_CONF`).
    static func initialized(user: String = "alice", initArguments: [String] = [], extraEnvironment: [String: String] = [:]) async throws -> CLIWorld {
        let base = try Paths.temporaryDirectory("rolecall-cli")
        var environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": base, "TMPDIR": base + "/tmp", "ROLECALL_HOME": base + "/home", "SHELL": "/bin/sh",
            "LANG": "C.UTF-8",
        ].merging(extraEnvironment) { $1 }
        try FileManager.default.createDirectory(atPath: base + "/tmp", withIntermediateDirectories: true)
        let inProcess = extraEnvironment.isEmpty
        let arguments = ["init", "--user", user, "--json", "--no-verify"] + initArguments
        let outcome = inProcess
            ? await InProcessCommand.run(arguments, environment: environment, now: Date.init, workingDirectory: FileManager.default.currentDirectoryPath)
            : try await ProcessRunner.run(Paths.rolecall, arguments, environment: environment)
        try #require(outcome.status == 0, "init failed: \(outcome.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: String])
        let uri = try #require(object["otpauthURI"])
        environment["AWS_CONFIG_FILE"] = base + "/aws-config"
        environment["AWS_SHARED_CREDENTIALS_FILE"] = base + "/aws-credentials"
        return CLIWorld(base: base, home: base + "/home", secret: try OTPAuthURI(parsing: uri).secret,
                        caPEM: try #require(object["caCertificatePEM"]), harness: nil, environment: environment, inProcess: inProcess)
    }

    /// `init`, the emulator, and a profile `dev` (MFA per `mfa`) pointing at it.
    /// `roleConditions`: the emulated role's trust-policy conditions on principal tags.
    /// `mfa` nil: `profile add` chooses.
    static func withEmulator(mfa: String? = "required", profile: String = "dev", roleConditions: [String: [String]] = [:],
                             assumedLifetime: Int? = nil, initArguments: [String] = [], extraEnvironment: [String: String] = [:]) async throws -> CLIWorld {
        var world = try await initialized(initArguments: initArguments, extraEnvironment: extraEnvironment)
        let harness = try await EmulatorHarness.start(try EmulatorHarness.standardConfig(caPEM: world.caPEM, directory: world.base,
                                                                                         roleConditions: roleConditions, assumedLifetime: assumedLifetime),
                                                      now: world.now)
        world = CLIWorld(base: world.base, home: world.home, secret: world.secret, caPEM: world.caPEM, harness: harness,
                         environment: world.environment, clock: world.clock, inProcess: world.inProcess)
        let added = try await world.rolecall(["profile", "add", profile, "--role-arn", EmulatorHarness.roleArn,
                                              "--profile-arn", EmulatorHarness.profileArn, "--trust-anchor-arn", EmulatorHarness.trustAnchorArn,
                                              "--endpoint", harness.url] + (mfa.map { ["--mfa", $0] } ?? []))
        try #require(added.status == 0, "profile add failed: \(added.stderr)")
        return world
    }

    /// What the world's commands take for the time.
    var now: @Sendable () -> Date {
        let clock = clock
        return { clock.now }
    }

    /// The code for the current step, or a later one (each step's code is accepted once).
    func code(offset: Int64 = 0) -> String {
        TOTP.code(secret: secret, step: TOTP.step(at: now()) + offset)
    }

    /// A code no command has spent: the manual clock moves to the next step first.
    func freshCode() -> String {
        clock.advance(TOTP.period)
        return code()
    }

    /// `rolecall ARGUMENTS`, in this process unless the command needs one of its own.
    func rolecall(_ arguments: [String], environment extra: [String: String] = [:], input: String? = nil) async throws -> ProcessOutcome {
        guard inProcess, !Self.needsItsOwnProcess(arguments) else {
            return try await rolecallProcess(arguments, environment: extra, input: input)
        }
        return await rolecall(arguments, environment: extra, input: input, terminal: NoTerminal())
    }

    /// `rolecall ARGUMENTS` in this process, with `terminal` as its controlling terminal.
    func rolecall(_ arguments: [String], environment extra: [String: String] = [:], input: String? = nil, terminal: any Terminal) async -> ProcessOutcome {
        await InProcessCommand.run(arguments, environment: environment.merging(extra) { $1 }, now: now, input: input, terminal: terminal,
                                   workingDirectory: FileManager.default.currentDirectoryPath)
    }

    /// `rolecall ARGUMENTS` as a program of its own, for what only a process shows (execve, signals,
    /// exit codes as a shell sees them).
    func rolecallProcess(_ arguments: [String], environment extra: [String: String] = [:], input: String? = nil) async throws -> ProcessOutcome {
        try #require(!clock.isMoved, "freshCode() moved this world's clock ahead of the wall clock, which a program of its own reads")
        return try await ProcessRunner.run(Paths.rolecall, arguments, environment: environment.merging(extra) { $1 }, input: input)
    }

    /// The supervisor (`exec --server`, `--imds`) reaps every child and handles signals for its
    /// process, the agent re-executes itself, the demo starts the emulator program, and `issuer`
    /// replaces the process with rolecall-issuer: none of them can run inside the test runner.
    static func needsItsOwnProcess(_ arguments: [String]) -> Bool {
        // argument-parser answers completion requests itself, with the process's environment.
        if arguments.first?.hasPrefix("---completion") == true { return true }
        let own = arguments.prefix { $0 != "--" }
        guard let command = own.first(where: { !$0.hasPrefix("-") }) else { return false }
        switch command {
        case "agent", "demo", "issuer": return true
        case "exec": return own.contains("--server") || own.contains("--imds")
        default: return false
        }
    }

    /// CreateSession calls the emulator answered.
    var createSessions: [RequestRecord] { harness?.records.filter { $0.action == "CreateSession" } ?? [] }
}

