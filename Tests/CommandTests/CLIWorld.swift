import Foundation
import Issuance
import IssuanceCore
import RolesAnywhere
import RolesAnywhereEmulator
import Testing
import TestSupport

/// A fresh HOME and ROLECALL_HOME, `rolecall init` done, the emulator trusting its CA, and a way
/// to compute the next TOTP codes: what every command test starts from.
struct CLIWorld {
    let base: String
    let home: String
    let secret: SecretBytes
    let caPEM: String
    let harness: EmulatorHarness?
    var environment: [String: String]

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
        let outcome = try await ProcessRunner.run(Paths.rolecall, ["init", "--user", user, "--json", "--no-verify"] + initArguments, environment: environment)
        try #require(outcome.status == 0, "init failed: \(outcome.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: String])
        let uri = try #require(object["otpauthURI"])
        environment["AWS_CONFIG_FILE"] = base + "/aws-config"
        environment["AWS_SHARED_CREDENTIALS_FILE"] = base + "/aws-credentials"
        return CLIWorld(base: base, home: base + "/home", secret: try OTPAuthURI(parsing: uri).secret,
                        caPEM: try #require(object["caCertificatePEM"]), harness: nil, environment: environment)
    }

    /// `init`, the emulator, and a profile `dev` (MFA per `mfa`) pointing at it.
    /// `roleConditions`: the emulated role's trust-policy conditions on principal tags.
    /// `mfa` nil: `profile add` chooses.
    static func withEmulator(mfa: String? = "required", profile: String = "dev", roleConditions: [String: [String]] = [:],
                             assumedLifetime: Int? = nil, initArguments: [String] = [], extraEnvironment: [String: String] = [:]) async throws -> CLIWorld {
        var world = try await initialized(initArguments: initArguments, extraEnvironment: extraEnvironment)
        let harness = try await EmulatorHarness.start(try EmulatorHarness.standardConfig(caPEM: world.caPEM, directory: world.base,
                                                                                         roleConditions: roleConditions, assumedLifetime: assumedLifetime))
        world = CLIWorld(base: world.base, home: world.home, secret: world.secret, caPEM: world.caPEM, harness: harness, environment: world.environment)
        let added = try await world.rolecall(["profile", "add", profile, "--role-arn", EmulatorHarness.roleArn,
                                              "--profile-arn", EmulatorHarness.profileArn, "--trust-anchor-arn", EmulatorHarness.trustAnchorArn,
                                              "--endpoint", harness.url] + (mfa.map { ["--mfa", $0] } ?? []))
        try #require(added.status == 0, "profile add failed: \(added.stderr)")
        return world
    }

    /// The code for the current step, or a later one (each step's code is accepted once).
    func code(offset: Int64 = 0) -> String {
        TOTP.code(secret: secret, step: TOTP.step(at: Date()) + offset)
    }

    func rolecall(_ arguments: [String], environment extra: [String: String] = [:], input: String? = nil) async throws -> ProcessOutcome {
        try await ProcessRunner.run(Paths.rolecall, arguments, environment: environment.merging(extra) { $1 }, input: input)
    }

    /// CreateSession calls the emulator answered.
    var createSessions: [RequestRecord] { harness?.records.filter { $0.action == "CreateSession" } ?? [] }
}

