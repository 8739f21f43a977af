import ArgumentParser
import CommandLineSupport
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
import HTTPSTransport
import Issuance
import IssuanceCore
import RolesAnywhere
import Session

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole flow against the bundled emulator: no AWS account needed.",
        discussion: """
        Starts rolesanywhere-emulator (installed next to rolecall) on loopback, creates a temporary home, runs `init`, registers \
        the CA as a trust anchor, adds an MFA profile, computes the TOTP code itself, and runs COMMAND \
        (default: aws sts get-caller-identity) through the exec path. The temporary home is removed afterwards.
        """
    )

    @Argument(parsing: .postTerminator, help: "The command to run inside the session, after --.")
    var command: [String] = []

    func run() async throws {
        var status: Int32 = 0
        try await Console.reportingErrors {
            status = try await DemoRun.run(command: command)
        }
        if status != 0 { throw ExitCode(status) }
    }
}

/// The demo's steps; each one is the same code the real commands use.
enum DemoRun {
    static let account = "123456789012"
    static let region = "us-east-1"
    static let roleArn = "arn:aws:iam::\(account):role/rolecall-demo"
    static let profileArn = "arn:aws:rolesanywhere:\(region):\(account):profile/0c5a1f3e-demo-4c1b-9c55-7b3f0e1a2d4c"
    static let trustAnchorArn = "arn:aws:rolesanywhere:\(region):\(account):trust-anchor/6f1d2b7a-demo-4e0f-8b1a-3c2d1e0f9a8b"

    static func step(_ text: String) { Console.err("demo: \(text)\n") }

    static func run(command: [String]) async throws -> Int32 {
        // No signal may end rolecall before it removes the temporary home, which holds a CA key and
        // a TOTP seed: Ctrl-C reaches the child from the terminal and ends the demo through it;
        // SIGTERM and SIGHUP are passed on to the child, or stop the demo before it starts one.
        SignalRelay.install()
        defer { SignalRelay.stopRelaying() }
        let temporary = Console.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(temporary.hasSuffix("/") ? String(temporary.dropLast()) : temporary)/rolecall-demo.XXXXXX".utf8CString)
        guard let created = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw ProfileError("cannot create a temporary directory: \(String(cString: strerror(errno)))")
        }
        let base = String(cString: created)
        defer { try? FileManager.default.removeItem(atPath: base) }
        var environment = Console.environment
        environment["ROLECALL_HOME"] = "\(base)/home"
        environment[SessionEnvironment.sessionVariable] = nil
        let context = SessionContext(environment: environment, transport: ClientTransport.make())

        step("temporary home \(base)/home")
        let initialized = try LocalSetup(context: context).initialize(user: "demo")
        step("created a CA (\(initialized.caFingerprintSHA256.prefix(16))…) and a TOTP device")

        let caPath = "\(base)/ca.pem"
        try initialized.caCertificatePEM.write(toFile: caPath, atomically: true, encoding: .utf8)
        let configPath = "\(base)/emulator.json"
        try JSONEncoder().encode(DemoEmulatorConfig(caPath: caPath)).write(to: URL(fileURLWithPath: configPath))
        let emulator = try EmulatorChild.start(configPath: configPath, logPath: "\(base)/emulator.log", environment: Console.environment)
        defer { emulator.stop() }
        let endpoint = emulator.url
        step("emulator (pid \(emulator.pid)) listening on \(endpoint); rolecall's CA registered as trust anchor \(trustAnchorArn)")

        let profile = Profile(name: "demo", roleArn: roleArn, profileArn: profileArn, trustAnchorArn: trustAnchorArn,
                              region: region, durationSeconds: 3600, mfa: .required, endpoint: endpoint)
        try context.config.add(profile)
        step("added profile demo (per-session MFA required)")

        // What an authenticator app does with the QR code: read the otpauth URI, compute the code.
        let device = try OTPAuthURI(parsing: initialized.otpauthURI)
        let code = TOTP.code(secret: device.secret, step: TOTP.step(at: Date()))
        step("computing the TOTP code from init's otpauth URI myself (a person would read it from their authenticator)")

        let started = try await SessionStarter(context: context).start(.init(profileName: "demo"), mfa: .code(code))
        let issued = started.issued
        defer { issued.credentials.wipe() }
        let lifetime = Int(issued.certificate.notValidAfter.timeIntervalSince(issued.certificate.notValidBefore))
        step("single-use certificate lived \(lifetime) s; CreateSession asked for \(issued.durationSeconds) s; credentials until \(RFC3339.string(from: issued.credentials.expiration))")

        var variables = started.variables
        variables.append(("AWS_ENDPOINT_URL_STS", endpoint))
        let childEnvironment = SessionEnvironment.child(of: environment, adding: variables)
        let awsAvailable = (try? ProcessLauncher.resolve("aws", path: environment["PATH"])) != nil
        let target = !command.isEmpty ? command
            : awsAvailable ? ["aws", "sts", "get-caller-identity", "--endpoint-url", endpoint, "--output", "json"] : []
        if let number = SignalRelay.received {
            step("stopped by signal \(number); removing the temporary home")
            return 128 + number
        }
        guard !target.isEmpty else {
            step("the aws CLI is not installed; the variables a command would get (secrets masked):")
            for variable in variables {
                let masked = ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"].contains(variable.name) ? "<\(variable.value.count) characters>" : variable.value
                Console.out("\(variable.name)=\(masked)\n")
            }
            return 0
        }
        step("running: \(target.joined(separator: " "))")
        let core = CoreLimit.current()
        // The exec path up to execve; the child is spawned rather than exec'd because the demo must
        // stop the emulator and remove the temporary home once the command ends.
        let pid: pid_t
        do {
            pid = try ProcessLauncher.spawn(command: target, environment: childEnvironment, coreLimit: core, ownProcessGroup: false)
        } catch {
            // As exec: 127 not found, 126 not executable, with the shell's message.
            Console.err("rolecall: \(error.description)\n")
            return error.exitCode
        }
        issued.credentials.wipe()
        SignalRelay.relay(to: pid)
        let status = await ProcessLauncher.waitOffThePool(for: pid)
        // The pid is reaped and may be reused: no signal may follow it from here on.
        SignalRelay.stopRelaying()
        step(status == 0 ? "done; removing the temporary home" : "the command exited with status \(status)")
        return status
    }
}

/// The emulator's configuration file for the demo (the key names are the emulator's contract).
struct DemoEmulatorConfig: Encodable {
    struct TrustAnchor: Encodable { var arn: String; var certificatePath: String }
    struct Profile: Encodable { var arn: String; var roleArns: [String]; var durationSeconds: Int }
    struct Role: Encodable { var arn: String; var maxSessionDuration: Int }

    var accountId = DemoRun.account
    var trustAnchors: [TrustAnchor]
    var profiles = [Profile(arn: DemoRun.profileArn, roleArns: [DemoRun.roleArn], durationSeconds: 3600)]
    var roles = [Role(arn: DemoRun.roleArn, maxSessionDuration: 3600)]

    init(caPath: String) {
        trustAnchors = [TrustAnchor(arn: DemoRun.trustAnchorArn, certificatePath: caPath)]
    }
}
