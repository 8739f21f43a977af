import Foundation
import Testing
import TestSupport

/// `env`, `credential-process`, `aws-config`, `status` and `demo` through the built executable.
@Suite(.removesTemporaryFiles) struct OutputCommandTests {
    @Test func envOutputEvaluatesInBashToWorkingCredentials() async throws {
        let world = try await CLIWorld.withEmulator()
        let url = try #require(world.harness?.url)
        let env = try await world.rolecall(["env", "--profile", "dev", "--mfa-code", world.code()])
        #expect(env.status == 0, "\(env.stderr)")
        #expect(env.stdout.hasPrefix("unset AWS_PROFILE AWS_DEFAULT_PROFILE"))
        #expect(env.stdout.contains("export AWS_ACCESS_KEY_ID='ASIA"))
        let script = "eval \"$(cat)\"\naws sts get-caller-identity --endpoint-url \(url) --query Arn --output text\n"
        let outcome = try await ProcessRunner.run("bash", ["-c", script], environment: world.environment.merging(["AWS_PROFILE": "broken"]) { $1 }, input: env.stdout)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.hasPrefix("arn:aws:sts::123456789012:assumed-role/test-role/"))
    }

    @Test func envFishAndPowershellFormats() async throws {
        let world = try await CLIWorld.withEmulator()
        let fish = try await world.rolecall(["env", "--format", "fish", "--mfa-code", world.code()])
        #expect(fish.stdout.contains("set -gx AWS_SESSION_TOKEN '") && fish.stdout.contains("set -e AWS_PROFILE"))
        let sourced = try await ProcessRunner.run("fish", ["-c", "source; echo $ROLECALL_SESSION"], environment: world.environment, input: fish.stdout)
        #expect(sourced.stdout == "dev\n", "\(sourced.stderr)")
        let powershell = try await world.rolecall(["env", "--format", "powershell", "--mfa-code", world.freshCode()])
        #expect(powershell.stdout.contains("$Env:AWS_ACCESS_KEY_ID = 'ASIA"))
    }

    @Test func credentialProcessIsRefusedForMFAProfiles() async throws {
        let world = try await CLIWorld.withEmulator(profile: "team.dev-1")
        let outcome = try await world.rolecall(["credential-process", "--profile", "team.dev-1"])
        #expect(outcome.status == 1)
        #expect(outcome.stdout.isEmpty)
        let firstLine = outcome.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(firstLine == "rolecall: profile team.dev-1 requires per-session MFA, and this process is not inside a tree that holds its session.",
                "\(outcome.stderr)")
        #expect(!firstLine.hasPrefix("rolecall: rolecall:"))
        // Both ways in are named.
        #expect(outcome.stderr.contains("rolecall exec --server --profile team.dev-1 -- COMMAND"))
        #expect(outcome.stderr.contains(#"eval "$(rolecall agent --shell-pid $$ --profile team.dev-1)""#))
        #expect(world.createSessions.isEmpty)
    }

    @Test func credentialProcessFeedsTheAWSCLIForProfilesWithoutMFA() async throws {
        let world = try await CLIWorld.withEmulator(mfa: "off")
        let url = try #require(world.harness?.url)
        let direct = try await world.rolecall(["credential-process", "--profile", "dev"])
        #expect(direct.status == 0, "\(direct.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(direct.stdout.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"])
        #expect(object["Version"] as? Int == 1)

        let config = try await world.rolecall(["aws-config", "--profile", "dev"])
        #expect(config.stdout.contains("[profile dev]"))
        #expect(config.stdout.contains("credential_process = \(Paths.rolecall) credential-process --profile dev"))
        // When PATH finds this very program, its name is enough (issue 24, point 21).
        let directory = URL(fileURLWithPath: Paths.rolecall).deletingLastPathComponent().path
        let onPath = try await world.rolecall(["aws-config", "--profile", "dev"], environment: ["PATH": directory + ":/usr/bin:/bin"])
        #expect(onPath.stdout.contains("credential_process = rolecall credential-process --profile dev"), "\(onPath.stdout)")
        // The CLI runs credential_process with its own environment: ROLECALL_HOME must reach rolecall.
        try config.stdout.write(toFile: world.base + "/aws-config", atomically: true, encoding: .utf8)
        let outcome = try await ProcessRunner.run("aws", ["sts", "get-caller-identity", "--profile", "dev", "--endpoint-url", url, "--query", "Arn", "--output", "text"], environment: world.environment)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.hasPrefix("arn:aws:sts::123456789012:assumed-role/test-role/"))
    }

    /// A per-session profile gets its credential_process block too, with the comment that it answers
    /// only inside `exec --server` or an agent; outside them the aws CLI shows the refusal.
    @Test func awsConfigGivesMFAProfilesCredentialProcessForTheirTreesOnly() async throws {
        let world = try await CLIWorld.withEmulator()
        let config = try await world.rolecall(["aws-config"])
        #expect(config.stdout.contains("[profile dev]"))
        #expect(config.stdout.contains(" credential-process --profile dev"), "\(config.stdout)")
        #expect(config.stdout.contains("#   rolecall exec --server --profile dev -- COMMAND"))
        #expect(config.stdout.contains("region = us-east-1"))
        try config.stdout.write(toFile: world.base + "/aws-config", atomically: true, encoding: .utf8)
        let outside = try await ProcessRunner.run("aws", ["sts", "get-caller-identity", "--profile", "dev", "--endpoint-url", try #require(world.harness?.url)],
                                                  environment: world.environment)
        #expect(outside.status != 0)
        #expect(outside.stderr.contains("not inside a tree that holds its session"), "\(outside.stderr)")
        #expect(world.createSessions.isEmpty)
    }

    @Test func statusShowsSetupAndTheCurrentSession() async throws {
        let world = try await CLIWorld.withEmulator()
        let outside = try await world.rolecall(["status", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outside.stdout.utf8)) as? [String: Any])
        #expect((object["ca"] as? [String: Any])?["fingerprintSHA256"] is String)
        #expect((object["profiles"] as? [[String: Any]])?.first?["name"] as? String == "dev")
        #expect(object["session"] is NSNull)
        let inside = try await world.rolecall(["exec", "--quiet", "--mfa-code", world.code(), "--", "sh", "-c",
                                               "echo \"$AWS_SECRET_ACCESS_KEY\"; echo \"$AWS_SESSION_TOKEN\"; \(Paths.rolecall) status; \(Paths.rolecall) status --json"])
        #expect(inside.status == 0, "\(inside.stderr)")
        let lines = inside.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count > 3)
        let report = lines.dropFirst(2).joined(separator: "\n")
        #expect(report.contains("session: dev, role \(EmulatorHarnessNames.roleArn), credentials 59m"))
        #expect(!report.contains(lines[0]) && !report.contains(lines[1]), "status shows no secret")
    }

    @Test func demoRunsToTheEnd() async throws {
        let base = try Paths.temporaryDirectory()
        let environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": base, "TMPDIR": base]
        let outcome = try await ProcessRunner.run(Paths.rolecall, ["demo"], environment: environment)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("assumed-role/rolecall-demo/"))
        #expect(outcome.stderr.contains("CreateSession asked for 3600 s"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: base).isEmpty, "the temporary home was removed")
        let custom = try await ProcessRunner.run(Paths.rolecall, ["demo", "--", "sh", "-c", "exit 4"], environment: environment)
        #expect(custom.status == 4)
    }

    /// The demo's temporary homes under `directory` (TMPDIR): `rolecall-demo.XXXXXX`.
    static func demoHomes(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasPrefix("rolecall-demo.") }
    }

    @Test func demoExitsLikeExecWhenTheCommandIsNotFound() async throws {
        let base = try Paths.temporaryDirectory()
        let environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": base, "TMPDIR": base]
        let missing = try await ProcessRunner.run(Paths.rolecall, ["demo", "--", "no-such-command-xyz"], environment: environment)
        #expect(missing.status == 127, "\(missing.stderr)")
        #expect(missing.stderr.contains("rolecall: no-such-command-xyz: command not found"), "\(missing.stderr)")
        let plain = base + "/not-executable"
        try "echo hi\n".write(toFile: plain, atomically: true, encoding: .utf8)
        let denied = try await ProcessRunner.run(Paths.rolecall, ["demo", "--", plain], environment: environment)
        #expect(denied.status == 126, "\(denied.stderr)")
        #expect(denied.stderr.contains("cannot execute"), "\(denied.stderr)")
        #expect(Self.demoHomes(in: base).isEmpty, "the temporary home was removed")
    }

    /// Starts `rolecall demo -- sleep 60` with stderr in a file, sends `signal` once stderr shows
    /// `step`, and returns rolecall's exit status, how long it took after the signal, and TMPDIR.
    /// Started by swift-subprocess through `sh -c exec` (for its pid): unlike Foundation's Process,
    /// it clears the signal mask, which rolecall hands down to its command.
    func demo(signal number: Int32, at step: String) async throws -> (status: Int32, seconds: TimeInterval, tmp: String) {
        let base = try Paths.temporaryDirectory()
        let tmp = base + "/tmp"
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        let (log, pidFile) = (base + "/stderr", base + "/pid")
        let environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": base, "TMPDIR": tmp]
        async let outcome = ProcessRunner.run("/bin/sh", ["-c", #"echo $$ > "$1"; exec "$2" demo -- sleep 60 2> "$3""#, "sh", pidFile, Paths.rolecall, log],
                                              environment: environment)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, !((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains(step) {
            try await Task.sleep(for: .milliseconds(10))
        }
        let pid = try #require(Int32((try String(contentsOfFile: pidFile, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(Self.demoHomes(in: tmp).count == 1, "the demo's home exists while it runs")
        let sent = Date()
        kill(pid, number)
        let status = try await outcome.status
        return (status, Date().timeIntervalSince(sent), tmp)
    }

    @Test(arguments: [SIGTERM, SIGHUP])
    func demoSignalledDuringTheCommandStopsItAndRemovesTheHome(signal number: Int32) async throws {
        let outcome = try await demo(signal: number, at: "demo: running: sleep 60")
        #expect(outcome.status == 128 + number, "the signal was passed on to the command")
        #expect(outcome.seconds < 30, "without waiting for sleep 60 to end")
        #expect(Self.demoHomes(in: outcome.tmp).isEmpty, "the temporary home was removed")
    }

    @Test func demoTerminatedBeforeTheCommandStartsRemovesTheHomeAndRunsNothing() async throws {
        let outcome = try await demo(signal: SIGTERM, at: "demo: temporary home")
        #expect(outcome.status == 128 + SIGTERM)
        #expect(outcome.seconds < 30, "the command was not started")
        #expect(Self.demoHomes(in: outcome.tmp).isEmpty, "the temporary home was removed")
    }
}
