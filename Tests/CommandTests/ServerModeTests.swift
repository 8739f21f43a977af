import Foundation
import Testing
import TestSupport

/// `exec --server` through the built executable: the child gets credentials only from the
/// supervisor's loopback endpoint, for as long as it lives.
@Suite(.removesTemporaryFiles) struct ServerModeTests {
    @Test func bothSDKsGetTheRoleThroughTheEndpointWithoutStaticKeys() async throws {
        let world = try await CLIWorld.withEmulator()
        let url = try #require(world.harness?.url)
        let script = """
        env | grep -c -E '^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN)=' || true
        aws sts get-caller-identity --endpoint-url \(url) --query Arn --output text
        \(Paths.python) -c 'import boto3; print(boto3.client("sts", endpoint_url="\(url)").get_caller_identity()["Arn"])'
        \(Paths.rolecall) status
        """
        let outcome = try await world.rolecall(["exec", "--server", "--mfa-code", world.code(), "--", "sh", "-c", script],
                                               environment: ["AWS_ACCESS_KEY_ID": "AKIASTALE", "AWS_PROFILE": "stale"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "0", "no static keys in the child")
        #expect(lines.filter { $0.hasPrefix("arn:aws:sts::123456789012:assumed-role/test-role/") }.count == 2, "\(outcome.stdout)")
        #expect(outcome.stdout.contains("MFA window 59m") || outcome.stdout.contains("MFA window 1h"), "\(outcome.stdout)")
        #expect(outcome.stderr.contains("served on 127.0.0.1:"))
        // One MFA check, one certificate, one CreateSession served both clients.
        #expect(world.createSessions.count == 1)
        let lifetime = try #require(world.createSessions.first?.certificateLifetimeSeconds)
        #expect(lifetime > 60 && lifetime <= 3610, "an in-memory certificate for the MFA window")
    }

    /// A profile without MFA serves unattended: no terminal, no code, a standard certificate per
    /// session and no MFA window.
    @Test func aProfileWithoutMFAIsServedUnattended() async throws {
        let world = try await CLIWorld.withEmulator(mfa: "off")
        let script = """
        curl -sf -H "Authorization: $AWS_CONTAINER_AUTHORIZATION_TOKEN" "$AWS_CONTAINER_CREDENTIALS_FULL_URI"; echo
        echo "window=${ROLECALL_MFA_WINDOW_END:-none}"
        """
        let outcome = try await world.rolecall(["exec", "--server", "--", "sh", "-c", script], input: "")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("\"AccessKeyId\":\"ASIA"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("window=none"))
        #expect(outcome.stderr.contains("a new certificate each time"), "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("MFA code"))
        let lifetime = try #require(world.createSessions.first?.certificateLifetimeSeconds)
        #expect(lifetime > 60, "a standard certificate, not a single-use one")
    }

    /// A role whose trust policy admits only per-session certificates (by the kind's URI SAN) refuses
    /// a profile without MFA made for it from the same home, and admits `exec` with a code.
    @Test func aTrustPolicyOnTheKindRefusesTheCertificateOfAProfileWithoutMFA() async throws {
        let perSession = ["urn:rolecall:kind:single-use", "urn:rolecall:kind:in-memory"]
        let world = try await CLIWorld.withEmulator(roleConditions: ["x509SAN/URI": perSession])
        let exec = try await world.rolecall(["exec", "--profile", "dev", "--mfa-code", world.code(), "--", "true"])
        #expect(exec.status == 0, "\(exec.stderr)")
        let added = try await world.rolecall(["profile", "add", "ci", "--role-arn", EmulatorHarness.roleArn, "--profile-arn", EmulatorHarness.profileArn,
                                              "--trust-anchor-arn", EmulatorHarness.trustAnchorArn, "--mfa", "off", "--endpoint", try #require(world.harness?.url)])
        #expect(added.status == 0, "\(added.stderr)")
        let process = try await world.rolecall(["credential-process", "--profile", "ci"])
        #expect(process.status != 0)
        #expect(process.stderr.contains("aws:PrincipalTag/x509SAN/URI"), "\(process.stderr)")
        #expect(world.createSessions.map(\.status) == [201, 403])
    }

    /// Local leaves name the role's account as the team issuer's do (x509Subject/L), so a trust
    /// policy can tell one role name in two accounts apart.
    @Test(arguments: [(EmulatorHarness.account, true), ("210987654321", false)])
    func aTrustPolicyOnTheAccountAdmitsOnlyItsOwnAccount(account: String, admitted: Bool) async throws {
        let world = try await CLIWorld.withEmulator(roleConditions: ["x509Subject/L": [account]])
        let exec = try await world.rolecall(["exec", "--profile", "dev", "--mfa-code", world.code(), "--", "true"])
        #expect((exec.status == 0) == admitted, "\(exec.stderr)")
        #expect(world.createSessions.map(\.status) == [admitted ? 201 : 403])
    }

    @Test(arguments: [(["sh", "-c", "exit 7"], Int32(7)), (["sh", "-c", "kill -KILL $$"], Int32(137)), (["/nonexistent"], Int32(127))])
    func exitStatusPropagates(command: [String], status: Int32) async throws {
        let world = try await CLIWorld.withEmulator()
        let outcome = try await world.rolecall(["exec", "--server", "--quiet", "--mfa-code", world.code(), "--"] + command)
        #expect(outcome.status == status, "\(outcome.stderr)")
    }

    @Test func afterTheChildExitsThePortIsClosed() async throws {
        let world = try await CLIWorld.withEmulator()
        let outcome = try await world.rolecall(["exec", "--server", "--quiet", "--mfa-code", world.code(), "--", "sh", "-c",
                                                "echo \"$AWS_CONTAINER_CREDENTIALS_FULL_URI\"; echo $PPID"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        let uri = try #require(lines.first)
        let after = try await ProcessRunner.run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2", uri])
        #expect(after.stdout == "000", "nothing answers after the session")
        let supervisor = try #require(lines.last.flatMap { Int32($0) })
        #expect(kill(supervisor, 0) != 0, "the supervisor is gone")
    }

    /// Starts rolecall in the background (Foundation's Process, for its pid); the child reports
    /// through a file, since pipes created by tests running in parallel can leak into each other's children.
    func startSupervised(_ world: CLIWorld, script: String) throws -> (Process, String) {
        let report = world.base + "/child-report"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Paths.rolecall)
        process.arguments = ["exec", "--server", "--quiet", "--mfa-code", world.code(), "--", "sh", "-c", script]
        process.environment = world.environment.merging(["REPORT": report]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return (process, report)
    }

    /// The first line of `path`, once the child has written it.
    static func firstLine(of path: String, timeout: TimeInterval = 30) async throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: path, encoding: .utf8), let newline = text.firstIndex(of: "\n") {
                return String(text[..<newline])
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return ""
    }

    /// Each of these signals reaches the child once; the supervisor outlives it and exits with the
    /// child's status.
    @Test(arguments: [("INT", SIGINT), ("TERM", SIGTERM), ("HUP", SIGHUP), ("QUIT", SIGQUIT), ("WINCH", SIGWINCH)])
    func signalsAreForwardedToTheChild(name: String, number: Int32) async throws {
        let world = try await CLIWorld.withEmulator()
        let (process, report) = try startSupervised(world, script: #"trap 'echo got-\#(name) >> "$REPORT"; exit 9' \#(name); echo ready > "$REPORT"; while :; do sleep 0.05; done"#)
        #expect(try await Self.firstLine(of: report) == "ready")
        kill(process.processIdentifier, number)
        process.waitUntilExit()
        #expect(process.terminationStatus == 9, "\(name)")
        let lines = try String(contentsOfFile: report, encoding: .utf8).split(separator: "\n")
        #expect(lines == ["ready", "got-\(name)"], "\(name) reached the child exactly once")
    }

    /// An interactive shell under `--server` on a real terminal: it is the terminal's foreground
    /// process group (so Ctrl-C, Ctrl-Z and reads reach it, not the supervisor) and its exit status
    /// is rolecall's.
    @Test func anInteractiveShellOwnsTheTerminal() async throws {
        let world = try await CLIWorld.withEmulator()
        let typed = #"echo "fg=$(ps -o tpgid= -p $$ | tr -d ' ') pg=$(ps -o pgid= -p $$ | tr -d ' ')"; exit 3"# + "\n"
        let outcome = try await ProcessRunner.run(Paths.python, ["\(Paths.packageRoot)/Tests/Python/pty_run.py", typed,
                                                                Paths.rolecall, "exec", "--server", "--quiet", "--mfa-code", world.code(), "--", "sh", "-i"],
                                                  environment: world.environment)
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any], "\(outcome.stderr)")
        let output = answer["output"] as? String ?? ""
        #expect(answer["status"] as? Int == 3, "\(output)")
        let match = try #require(output.firstMatch(of: /fg=(\d+) pg=(\d+)/), "\(output)")
        #expect(match.1 == match.2, "the shell's group \(match.2) is the terminal's foreground group \(match.1)")
    }

    /// An outside test: with `-- app` where app starts a worker and exits, the supervisor freed the
    /// port while the worker still held the URI and token, and another user's process bound it. The
    /// supervisor now serves the whole tree until its last process exits, with the direct child's status.
    @Test func aWorkerTheCommandLeavesRunningIsServedUntilItExits() async throws {
        let world = try await CLIWorld.withEmulator()
        let report = world.base + "/worker-report"
        let worker = #"sleep 1; curl -s -o /dev/null -w '%{http_code}' -H "Authorization: $AWS_CONTAINER_AUTHORIZATION_TOKEN" "$AWS_CONTAINER_CREDENTIALS_FULL_URI" > "$REPORT.tmp"; mv "$REPORT.tmp" "$REPORT""#
        let outcome = try await world.rolecall(["exec", "--server", "--quiet", "--mfa-code", world.code(), "--", "sh", "-c",
                                                "(\(worker)) >/dev/null 2>&1 </dev/null & exit 3"], environment: ["REPORT": report])
        #expect(outcome.status == 3, "the direct child's status: \(outcome.stderr)")
        #expect((try? String(contentsOfFile: report, encoding: .utf8)) == "200", "the worker got credentials after the command exited")
        #expect(outcome.stderr.components(separatedBy: "processes of this session are still running").count == 2, "said once: \(outcome.stderr)")
    }

    /// While only leftover processes remain, TERM stops the serving; they keep running. (Run with
    /// swift-subprocess: Foundation's Process did not notice the exit of a parent that had adopted children.)
    @Test func termStopsServingLeftoverProcesses() async throws {
        let world = try await CLIWorld.withEmulator()
        let report = world.base + "/worker-report"
        let started = Date()
        async let outcome = world.rolecall(["exec", "--server", "--quiet", "--mfa-code", world.code(), "--", "sh", "-c",
                                            #"sleep 30 >/dev/null 2>&1 </dev/null & echo "$! $PPID" > "$REPORT.tmp"; mv "$REPORT.tmp" "$REPORT"; exit 4"#],
                                           environment: ["REPORT": report])
        let pids = try await Self.firstLine(of: report).split(separator: " ").compactMap { Int32($0) }
        try #require(pids.count == 2)
        let (worker, supervisor) = (pids[0], pids[1])
        defer { kill(worker, SIGKILL) }
        try await Task.sleep(for: .milliseconds(500))
        #expect(kill(supervisor, 0) == 0, "still serving the worker")
        kill(supervisor, SIGTERM)
        let finished = try await outcome
        #expect(finished.status == 4, "the direct child's status: \(finished.stderr)")
        #expect(Date().timeIntervalSince(started) < 20, "TERM ended the serving, not the worker's end")
        #expect(finished.stderr.contains("processes of this session are still running"), "\(finished.stderr)")
        #expect(kill(worker, 0) == 0, "the worker is not killed")
    }

    /// A review finding: a child rolecall already had (a daemon its shell started before `exec rolecall`)
    /// kept the supervisor waiting for ever. Only the command's own tree is served.
    @Test func aChildFromBeforeTheCommandIsNotWaitedFor() async throws {
        let world = try await CLIWorld.withEmulator()
        let started = Date()
        let command = ([Paths.rolecall, "exec", "--server", "--quiet", "--mfa-code", world.code(), "--", "true"]).map { "'\($0)'" }.joined(separator: " ")
        let outcome = try await ProcessRunner.run("/bin/sh", ["-c", "sleep 30 >/dev/null 2>&1 </dev/null & echo $! > \"$REPORT\"; exec \(command)"],
                                                  environment: world.environment.merging(["REPORT": world.base + "/daemon"]) { $1 })
        if let daemon = Int32((try? String(contentsOfFile: world.base + "/daemon", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") {
            kill(daemon, SIGKILL)
        }
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(Date().timeIntervalSince(started) < 20, "not held by the earlier child")
        #expect(!outcome.stderr.contains("still running"), "\(outcome.stderr)")
    }

    /// A supervised child that asks the endpoint once and reports its URI, token, pid and the
    /// answer's status, then sleeps: the supervisor, and those four words.
    func supervisedReporter(_ world: CLIWorld) async throws -> (supervisor: Process, uri: String, token: String, child: Int32?, inside: String) {
        let script = #"""
        inside=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: $AWS_CONTAINER_AUTHORIZATION_TOKEN" "$AWS_CONTAINER_CREDENTIALS_FULL_URI")
        echo "$AWS_CONTAINER_CREDENTIALS_FULL_URI $AWS_CONTAINER_AUTHORIZATION_TOKEN $$ $inside" > "$REPORT"; sleep 20
        """#
        let (process, report) = try startSupervised(world, script: script)
        let parts = try await Self.firstLine(of: report).split(separator: " ").map(String.init)
        guard parts.count == 4 else {
            kill(process.processIdentifier, SIGKILL)
            throw NoReport(parts: parts)
        }
        return (process, parts[0], parts[1], Int32(parts[2]), parts[3])
    }

    struct NoReport: Error { let parts: [String] }

    /// The endpoint answers the command's tree only (as the agent socket does): this test process,
    /// of the same user and with the URI and token, is refused; the command is served.
    @Test func onlyTheCommandsTreeIsServed() async throws {
        let world = try await CLIWorld.withEmulator()
        let served = try await supervisedReporter(world)
        defer {
            if let child = served.child { kill(child, SIGKILL) }
            kill(served.supervisor.processIdentifier, SIGKILL)
        }
        #expect(served.inside == "200", "the command is served")
        let outside = try await ProcessRunner.run("curl", ["-s", "-w", " %{http_code}", "-H", "Authorization: \(served.token)", served.uri])
        #expect(outside.stdout.hasSuffix(" 403") && !outside.stdout.contains("AccessKeyId"), "a process outside the tree, with the token: \(outside.stdout)")
    }

    /// Once the supervisor is killed, the next request fails.
    @Test func whenTheSupervisorDiesTheNextRequestFails() async throws {
        let world = try await CLIWorld.withEmulator()
        let served = try await supervisedReporter(world)
        defer { if let child = served.child { kill(child, SIGKILL) } }
        kill(served.supervisor.processIdentifier, SIGKILL)
        served.supervisor.waitUntilExit()
        let after = try await ProcessRunner.run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2", "-H", "Authorization: \(served.token)", served.uri])
        #expect(after.stdout == "000")
    }

    /// The outcome of `script`, run by `exec --server` as an unprivileged user (nobody) who owns the home.
    func execServerAsNobody(_ script: String) async throws -> ProcessOutcome {
        let world = try await CLIWorld.withEmulator()
        _ = try await ProcessRunner.run("chown", ["-R", "\(Self.nobody):\(Self.nobody)", world.base])
        return try await ProcessRunner.run("setpriv", ["--reuid=\(Self.nobody)", "--regid=\(Self.nobody)", "--clear-groups", Paths.rolecall,
                                                      "exec", "--server", "--quiet", "--mfa-code", world.code(), "--", "sh", "-c", script],
                                         environment: world.environment)
    }

    static let nobody = "65534"

    /// As an unprivileged user: /proc/PID/status of a non-dumpable process belongs to root.
    @Test func theSupervisorLocksItsMemoryAsANonDumpableProcess() async throws {
        let outcome = try await execServerAsNobody("grep VmLck /proc/$PPID/status; stat -c %u /proc/$PPID/status; id -u")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count == 3, "\(outcome.stdout)")
        let locked = Int(lines[0].split(separator: " ").dropFirst().first ?? "") ?? 0
        #expect(locked > 0, "VmLck: \(lines[0])")
        #expect(lines[1] == "0", "the supervisor is not dumpable")
        #expect(lines[2] == Self.nobody, "the child runs as the user, and its own /proc is its own")
    }

    @Test func theChildIsDumpableWithItsCoreLimitBack() async throws {
        let childDumpable = try await execServerAsNobody("stat -c %u /proc/$$/status; ulimit -c")
        let childLines = childDumpable.stdout.split(separator: "\n").map(String.init)
        #expect(childLines.first == Self.nobody, "the child does not inherit non-dumpability: \(childDumpable.stdout) \(childDumpable.stderr)")
        #expect(childLines.last != "0" || CoreLimitOfTests.current == "0", "the child gets the core limit back")
    }

    @Test func noSecretOnDiskDuringTheSession() async throws {
        // The same check as exec's and env's: files and writes traced, changed files searched.
        let check = NoSecretOnDiskTests()
        let world = try await CLIWorld.withEmulator()
        let before = check.snapshot(world.base)
        let script = #"curl -s -H "Authorization: $AWS_CONTAINER_AUTHORIZATION_TOKEN" "$AWS_CONTAINER_CREDENTIALS_FULL_URI""#
        let (outcome, written) = try await check.traced(world, ["exec", "--server", "--quiet", "--mfa-code", world.code(), "--", "sh", "-c", script])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let served = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: String])
        let secrets = [served["SecretAccessKey"], served["Token"]].compactMap { $0 }
        #expect(secrets.count == 2)
        check.expectOnlyTheMFAStateWritten(world, before: before, written: written, secrets: secrets)
        // And no file at all under the test's HOME, TMPDIR and ROLECALL_HOME holds the served secrets.
        for file in FileManager.default.enumerator(atPath: world.base)?.compactMap({ $0 as? String }) ?? [] where !file.hasSuffix("strace.log") {
            var info = stat()
            guard lstat(world.base + "/" + file, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            for secret in secrets { #expect(!FileBytes.contains(world.base + "/" + file, secret), "\(file)") }
        }
    }
}

enum CoreLimitOfTests {
    static var current: String {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_CORE.rawValue), &limit)
        return limit.rlim_cur == 0 ? "0" : "nonzero"
    }
}
