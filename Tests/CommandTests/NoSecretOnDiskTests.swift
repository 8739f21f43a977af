import Foundation
import Testing
import TestSupport

/// With per-session MFA no credential, key or certificate is written to any file (ARCHITECTURE.md,
/// "Nothing secret on disk").
@Suite(.removesTemporaryFiles) struct NoSecretOnDiskTests {
    /// Runs rolecall under `strace -f` and returns (outcome, the files opened for writing).
    func traced(_ world: CLIWorld, _ arguments: [String]) async throws -> (ProcessOutcome, [String]) {
        let log = world.base + "/strace.log"
        let outcome = try await ProcessRunner.run("strace", ["-f", "-qq", "-e", "trace=%file,write", "-o", log, Paths.rolecall] + arguments, environment: world.environment)
        return (outcome, openedForWriting(try String(contentsOfFile: log, encoding: .utf8)))
    }

    /// The paths a trace shows opened for writing.
    func openedForWriting(_ trace: String) -> [String] {
        var written: [String] = []
        for line in trace.split(separator: "\n") where line.contains("open") {
            guard line.contains("O_WRONLY") || line.contains("O_RDWR") || line.contains("O_CREAT"),
                  !line.contains("= -1"),
                  let start = line.firstIndex(of: "\""), let end = line[line.index(after: start)...].firstIndex(of: "\"")
            else { continue }
            written.append(String(line[line.index(after: start)..<end]))
        }
        return written
    }

    /// Files rolecall may open for writing: the MFA state (its lock, its temporary file) and terminals.
    func isAllowed(_ path: String, home: String) -> Bool {
        path == "\(home)/.lock" || path == "\(home)/mfa-state.json" || path.hasPrefix("\(home)/.mfa-state.json.")
            || path == "/dev/null" || path == "/dev/tty"
    }

    /// Regular files under `directory` with their modification time and size.
    func snapshot(_ directory: String) -> [String: String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [:] }
        var result: [String: String] = [:]
        for case let relative as String in enumerator {
            let path = "\(directory)/\(relative)"
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            result[path] = "\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)/\(info.st_size)/\(info.st_ino)"
        }
        return result
    }

    func changed(_ before: [String: String], _ after: [String: String]) -> [String] {
        after.filter { before[$0.key] != $0.value }.map(\.key)
    }

    func assertNoSecretsIn(_ files: [String], secrets: [String]) {
        for file in files where !file.hasSuffix("strace.log") {
            for secret in secrets { #expect(!FileBytes.contains(file, secret), "\(file) holds a secret") }
            #expect(!FileBytes.contains(file, "PRIVATE KEY"), "\(file) holds a private key")
        }
    }

    /// Nothing but the MFA state was opened for writing, the state did change (so the trace saw
    /// the run), and no changed file holds `secrets`.
    func expectOnlyTheMFAStateWritten(_ world: CLIWorld, before: [String: String], written: [String], secrets: [String]) {
        let unexpected = written.filter { !isAllowed($0, home: world.home) }
        #expect(unexpected.isEmpty, "opened for writing: \(unexpected)")
        let changedFiles = changed(before, snapshot(world.base))
        #expect(changedFiles.contains("\(world.home)/mfa-state.json"), "the run's changes were seen")
        assertNoSecretsIn(changedFiles, secrets: secrets)
    }

    @Test func execWritesOnlyTheMFAState() async throws {
        let world = try await CLIWorld.withEmulator()
        let before = snapshot(world.base)
        let (outcome, written) = try await traced(world, ["exec", "--quiet", "--mfa-code", world.code(), "--",
                                                          "/bin/sh", "-c", "printf '%s\\n%s\\n' \"$AWS_SECRET_ACCESS_KEY\" \"$AWS_SESSION_TOKEN\""])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let secrets = outcome.stdout.split(separator: "\n").map(String.init)
        #expect(secrets.count == 2 && secrets.allSatisfy { $0.count >= 20 })
        #expect(written.contains("\(world.home)/.lock"), "the trace saw the MFA state update")
        expectOnlyTheMFAStateWritten(world, before: before, written: written, secrets: secrets)
    }

    /// A chained profile: the source's session, AssumeRole, the target's credentials; still nothing
    /// but the MFA state is opened for writing (libxml2 loaded on the way).
    @Test func aChainedExecWritesOnlyTheMFAState() async throws {
        var world = try await CLIWorld.withEmulator()
        world.environment["AWS_ENDPOINT_URL_STS"] = try #require(world.harness?.url)
        let added = try await world.rolecall(["profile", "add", "admin", "--source-profile", "dev", "--role-arn", EmulatorHarness.targetRoleArn])
        try #require(added.status == 0, "\(added.stderr)")
        let before = snapshot(world.base)
        let (outcome, written) = try await traced(world, ["exec", "--profile", "admin", "--quiet", "--mfa-code", world.code(), "--",
                                                          "/bin/sh", "-c", "printf '%s\\n%s\\n' \"$AWS_SECRET_ACCESS_KEY\" \"$AWS_SESSION_TOKEN\""])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let secrets = outcome.stdout.split(separator: "\n").map(String.init)
        #expect(secrets.count == 2 && secrets.allSatisfy { $0.count >= 20 })
        #expect(world.harness?.records.filter { $0.action == "sts:AssumeRole" }.map(\.status) == [200])
        expectOnlyTheMFAStateWritten(world, before: before, written: written, secrets: secrets)
    }

    /// `exec --imds`: the IMDSv2 token and the credentials it serves are in no file.
    @Test func anIMDSSessionWritesOnlyTheMFAState() async throws {
        let world = try await CLIWorld.withEmulator()
        let before = snapshot(world.base)
        let script = #"""
        base="$AWS_EC2_METADATA_SERVICE_ENDPOINT"
        token=$(curl -s -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 60" "${base}latest/api/token")
        role=$(curl -s -H "X-aws-ec2-metadata-token: $token" "${base}latest/meta-data/iam/security-credentials/")
        curl -s -H "X-aws-ec2-metadata-token: $token" "${base}latest/meta-data/iam/security-credentials/$role"
        """#
        let (outcome, written) = try await traced(world, ["exec", "--imds", "--quiet", "--mfa-code", world.code(), "--", "sh", "-c", script])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let served = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: String], "\(outcome.stdout)")
        let secrets = [served["SecretAccessKey"], served["Token"]].compactMap { $0 }
        #expect(secrets.count == 2 && served["Code"] == "Success")
        expectOnlyTheMFAStateWritten(world, before: before, written: written, secrets: secrets)
    }

    /// `console --print`: the sign-in URL (a bearer secret for 15 minutes) goes to stdout only.
    @Test func aConsoleSignInWritesOnlyTheMFAState() async throws {
        var world = try await CLIWorld.withEmulator()
        world.environment["ROLECALL_SIGNIN_ENDPOINT"] = try #require(world.harness?.url)
        let before = snapshot(world.base)
        let (outcome, written) = try await traced(world, ["console", "--print", "--mfa-code", world.code()])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let token = try #require(outcome.stdout.components(separatedBy: "&SigninToken=").last?.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(token.count >= 20)
        expectOnlyTheMFAStateWritten(world, before: before, written: written, secrets: [token, token.removingPercentEncoding ?? token])
    }

    @Test func envWritesOnlyTheMFAState() async throws {
        let world = try await CLIWorld.withEmulator()
        let before = snapshot(world.base)
        let (outcome, written) = try await traced(world, ["env", "--format", "json", "--mfa-code", world.code()])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        let variables = try #require(object["variables"] as? [String: String])
        let secrets = [variables["AWS_SECRET_ACCESS_KEY"], variables["AWS_SESSION_TOKEN"]].compactMap { $0 }
        #expect(secrets.count == 2)
        expectOnlyTheMFAStateWritten(world, before: before, written: written, secrets: secrets)
    }

    /// Several profiles served to `credential-process` in the tree, by an agent bound to a shell and
    /// by `exec --server`: their keys, certificates and credentials are in no file.
    @Test(arguments: [true, false])
    func severalProfilesServedToCredentialProcessWriteOnlyTheMFAState(agent: Bool) async throws {
        var world = try await CLIWorld.withEmulator()
        world.environment["AWS_ENDPOINT_URL_STS"] = try #require(world.harness?.url)
        world.environment["PATH"] = URL(fileURLWithPath: Paths.rolecall).deletingLastPathComponent().path + ":" + (world.environment["PATH"] ?? "/usr/bin:/bin")
        let added = try await world.rolecall(["profile", "add", "prod", "--source-profile", "dev", "--role-arn", EmulatorHarness.targetRoleArn])
        try #require(added.status == 0, "\(added.stderr)")
        let before = snapshot(world.base)
        let asks = "rolecall credential-process --profile prod; rolecall credential-process --profile dev"
        let arguments = agent
            ? ["/bin/bash", "-c", "eval \"$(rolecall agent --shell-pid $$ --profile dev --profile prod --mfa-code \(world.code()))\" && { \(asks); }"]
            : [Paths.rolecall, "exec", "--server", "--quiet", "--profile", "dev", "--profile", "prod", "--mfa-code", world.code(), "--", "sh", "-c", asks]
        let log = world.base + "/strace.log"
        let outcome = try await ProcessRunner.run("strace", ["-f", "-qq", "-e", "trace=%file,write", "-o", log] + arguments, environment: world.environment)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let served = try outcome.stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        let secrets = served.flatMap { [$0["SecretAccessKey"], $0["SessionToken"]].compactMap { $0 as? String } }
        #expect(secrets.count == 4, "\(outcome.stdout)")
        let trace = try String(contentsOfFile: log, encoding: .utf8)
        #expect(trace.contains("mkdir(\"/") && trace.contains("rolecall-agent-"), "the trace saw the agent make its socket's directory")
        let written = openedForWriting(trace)
        expectOnlyTheMFAStateWritten(world, before: before, written: written, secrets: secrets)
    }
}
