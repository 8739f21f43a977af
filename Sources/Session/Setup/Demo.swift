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
import Issuance
import IssuanceCore
import RolesAnywhere

/// `rolecall demo`: the whole flow against the bundled emulator, in a temporary home; each step is
/// the code the real commands run. `report` gets the `demo:` lines, `print` what goes to stdout.
public struct Demo: Sendable {
    static let account = "123456789012"
    static let region = "us-east-1"
    static let roleArn = "arn:aws:iam::\(account):role/rolecall-demo"
    static let profileArn = "arn:aws:rolesanywhere:\(region):\(account):profile/0c5a1f3e-demo-4c1b-9c55-7b3f0e1a2d4c"
    static let trustAnchorArn = "arn:aws:rolesanywhere:\(region):\(account):trust-anchor/6f1d2b7a-demo-4e0f-8b1a-3c2d1e0f9a8b"

    let environment: [String: String]
    let transport: any HTTPTransport
    let report: @Sendable (String) -> Void
    let print: @Sendable (String) -> Void

    public init(environment: [String: String], transport: any HTTPTransport, report: @escaping @Sendable (String) -> Void,
                print: @escaping @Sendable (String) -> Void) {
        (self.environment, self.transport, self.report, self.print) = (environment, transport, report, print)
    }

    func step(_ text: String) { report("demo: \(text)") }

    /// Runs `command` (default: `aws sts get-caller-identity`) inside a session; its exit status.
    /// `keep`: the emulator and the temporary home outlive the demo, and `print` gets the lines
    /// that use them (`Kept.lines`).
    public func run(command: [String], keep: Bool = false) async throws -> Int32 {
        // No signal may end rolecall before it removes the temporary home, which holds a CA key and
        // a TOTP seed: Ctrl-C reaches the child from the terminal and ends the demo through it;
        // SIGTERM and SIGHUP are passed on to the child, or stop the demo before it starts one.
        SignalRelay.install()
        defer { SignalRelay.stopRelaying() }
        let base = try Self.temporaryDirectory(environment)
        var kept: Kept?
        defer { if kept == nil { try? FileManager.default.removeItem(atPath: base) } }
        var environment = environment
        environment["ROLECALL_HOME"] = "\(base)/home"
        environment[SessionEnvironment.sessionVariable] = nil
        let context = SessionContext(environment: environment, transport: transport)
        step("temporary home \(base)/home")
        let initialized = try LocalSetup(context: context).initialize(user: "demo")
        step("created a CA (\(initialized.caFingerprintSHA256.prefix(16))…) and a TOTP device")
        let emulator = try startEmulator(caPEM: initialized.caCertificatePEM, in: base, outliving: keep)
        defer { if kept == nil { emulator.stop() } }
        try context.config.add(Self.profile(emulator: emulator.url))
        step("added profile demo (per-session MFA required)")
        let started = try await startSession(context, otpauthURI: initialized.otpauthURI)
        defer { started.issued.credentials.wipe() }
        let variables = started.variables
        let awsAvailable = (try? ProcessLauncher.resolve("aws", path: environment["PATH"])) != nil
        let target = !command.isEmpty ? command
            : awsAvailable ? ["aws", "sts", "get-caller-identity", "--endpoint-url", emulator.url, "--output", "json"] : []
        if let number = SignalRelay.received {
            step("stopped by signal \(number); removing the temporary home")
            return 128 + number
        }
        let status: Int32
        if target.isEmpty {
            step("the aws CLI is not installed; the variables a command would get (secrets masked):")
            for variable in variables { print("\(variable.name)=\(SessionEnvironment.masked(variable))\n") }
            status = 0
        } else {
            status = await runChild(target, environment: SessionEnvironment.child(of: environment, adding: variables),
                                    credentials: started.issued.credentials, keeping: keep)
        }
        if keep {
            let result = Kept(pid: emulator.pid, url: emulator.url, directory: base, otpauthURI: initialized.otpauthURI)
            kept = result
            step("kept: the emulator (pid \(emulator.pid)) keeps serving \(emulator.url), and the temporary home with it")
            print(result.lines)
        }
        return status
    }

    /// The demo's profile, with Roles Anywhere, STS and sign-in at the emulator at `url` (the
    /// command gets `AWS_ENDPOINT_URL_STS`).
    static func profile(emulator url: String) -> Profile {
        var profile = Profile(name: "demo", roleArn: roleArn, kind: .localCA(.init(profileArn: profileArn, trustAnchorArn: trustAnchorArn)),
                              region: region, durationSeconds: 3600, mfa: .required)
        profile.endpoints = .emulator(url)
        return profile
    }

    /// A private directory under `$TMPDIR` (else /tmp) for the home, the CA file and the emulator's config.
    static func temporaryDirectory(_ environment: [String: String]) throws -> String {
        let temporary = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(temporary.hasSuffix("/") ? String(temporary.dropLast()) : temporary)/rolecall-demo.XXXXXX".utf8CString)
        guard let created = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw SetupError.temporaryDirectory(reason: String(cString: strerror(errno)))
        }
        return String(cString: created)
    }

    /// The emulator as a child, trusting the new CA.
    func startEmulator(caPEM: String, in base: String, outliving: Bool) throws -> EmulatorChild {
        let caPath = "\(base)/ca.pem"
        try caPEM.write(toFile: caPath, atomically: true, encoding: .utf8)
        let configPath = "\(base)/emulator.json"
        try JSONEncoder().encode(DemoEmulatorConfig(caPath: caPath)).write(to: URL(fileURLWithPath: configPath))
        let emulator = try EmulatorChild.start(configPath: configPath, logPath: "\(base)/emulator.log", environment: environment,
                                                 outlivingThisProcess: outliving)
        step("emulator (pid \(emulator.pid)) listening on \(emulator.url); rolecall's CA registered as trust anchor \(Self.trustAnchorArn)")
        return emulator
    }

    /// What an authenticator app does with the QR code (read the otpauth URI, compute the code),
    /// then the same session `exec` starts.
    func startSession(_ context: SessionContext, otpauthURI: String) async throws -> SessionStarter.Started {
        let device = try OTPAuthURI(parsing: otpauthURI)
        let code = TOTP.code(secret: device.secret, step: TOTP.step(at: Date()))
        step("computing the TOTP code from init's otpauth URI myself (a person would read it from their authenticator)")
        let started = try await SessionStarter(context: context).start(.init(profileName: "demo"), mfa: .code(code))
        let issued = started.issued
        let lifetime = issued.certificate.map { Int($0.notValidAfter.timeIntervalSince($0.notValidBefore)) } ?? Int(CertificateKind.singleUseLifetime)
        let backdated = lifetime - Int(CertificateKind.singleUseLifetime)
        step("single-use certificate valid for \(Int(CertificateKind.singleUseLifetime)) s (\(lifetime) s from its notBefore, back-dated \(backdated) s for clock skew); "
             + "CreateSession asked for \(issued.durationSeconds) s; credentials until \(RFC3339.string(from: issued.credentials.expiration))")
        return started
    }

    /// The exec path up to execve; the child is spawned rather than exec'd because the demo must
    /// stop the emulator and remove the temporary home once the command ends.
    func runChild(_ target: [String], environment: [String: String], credentials: AWSCredentials, keeping: Bool) async -> Int32 {
        step("running: \(target.map(shellQuoted).joined(separator: " "))")
        let pid: pid_t
        do {
            pid = try ProcessLauncher.spawn(command: target, environment: environment, coreLimit: CoreLimit.current(), ownProcessGroup: false)
        } catch {
            // As exec: 127 not found, 126 not executable, with the shell's message.
            report("rolecall: \(error.description)")
            return error.exitCode
        }
        credentials.wipe()
        SignalRelay.relay(to: pid)
        let status = await ProcessLauncher.waitOffThePool(for: pid)
        // The pid is reaped and may be reused: no signal may follow it from here on.
        SignalRelay.stopRelaying()
        step(status != 0 ? "the command exited with status \(status)" : keeping ? "done" : "done; removing the temporary home")
        return status
    }
}

/// The emulator's configuration file for the demo (the key names are the emulator's contract).
struct DemoEmulatorConfig: Encodable {
    struct TrustAnchor: Encodable { var arn: String; var certificatePath: String }
    struct Profile: Encodable { var arn: String; var roleArns: [String]; var durationSeconds: Int }
    struct Role: Encodable { var arn: String; var maxSessionDuration: Int }

    var trustAnchors: [TrustAnchor]
    var profiles = [Profile(arn: Demo.profileArn, roleArns: [Demo.roleArn], durationSeconds: 3600)]
    var roles = [Role(arn: Demo.roleArn, maxSessionDuration: 3600)]

    init(caPath: String) {
        trustAnchors = [TrustAnchor(arn: Demo.trustAnchorArn, certificatePath: caPath)]
    }
}
