import Foundation
import RolesAnywhereEmulator
import Testing
import TestSupport

/// One MFA check for several profiles through the built executable: `exec --server` with several
/// profiles and `rolecall agent`, answering `credential_process` for boto3 and the aws CLI inside
/// the tree only.
@Suite(.removesTemporaryFiles) struct AgentCommandTests {
    static let devRole = "arn:aws:sts::123456789012:assumed-role/test-role/"
    static let prodRole = "arn:aws:sts::210987654321:assumed-role/target-role/"

    /// `dev` (the emulator's role) and `prod` (another account's role, chained from dev), both in
    /// `~/.aws/config` as `rolecall aws-config` prints them.
    func world() async throws -> (CLIWorld, String) {
        var world = try await CLIWorld.withEmulator()
        let url = try #require(world.harness?.url)
        let added = try await world.rolecall(["profile", "add", "prod", "--source-profile", "dev", "--role-arn", EmulatorHarness.targetRoleArn])
        try #require(added.status == 0, "\(added.stderr)")
        let config = try await world.rolecall(["aws-config"])
        try #require(config.status == 0, "\(config.stderr)")
        #expect(config.stdout.contains("credential-process --profile prod"), "per-session profiles get credential_process too")
        #expect(config.stdout.contains("rolecall exec --server --profile prod"), "\(config.stdout)")
        try config.stdout.write(toFile: world.base + "/aws-config", atomically: true, encoding: .utf8)
        world.environment["AWS_ENDPOINT_URL_STS"] = url
        world.environment["PATH"] = URL(fileURLWithPath: Paths.rolecall).deletingLastPathComponent().path + ":" + (world.environment["PATH"] ?? "/usr/bin:/bin")
        return (world, url)
    }

    @Test func execServerServesEveryProfileToBoto3AndTheAWSCLIAfterOneCode() async throws {
        let (world, url) = try await world()
        let script = """
        \(Paths.python) -c '
        import boto3
        for name in ("dev", "prod"):
            print(name, boto3.Session(profile_name=name).client("sts", endpoint_url="\(url)").get_caller_identity()["Arn"])
        '
        aws --profile prod sts get-caller-identity --endpoint-url \(url) --query Arn --output text
        echo "agent=${ROLECALL_AGENT:+set} profiles=$ROLECALL_AGENT_PROFILES prompt=$(rolecall prompt)"
        rolecall credential-process --profile prod | \(Paths.python) -c 'import json,sys; print("prod-key=" + json.load(sys.stdin)["AccessKeyId"])'
        \(Self.eksKey)
        """
        let outcome = try await world.rolecall(["exec", "--server", "--profile", "dev", "--profile", "prod", "--mfa-code", world.code(), "--", "sh", "-c", script])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("dev " + Self.devRole) }, "\(outcome.stdout)")
        #expect(lines.contains { $0.hasPrefix("prod " + Self.prodRole) }, "\(outcome.stdout)")
        #expect(lines.contains { $0.hasPrefix(Self.prodRole) }, "the aws CLI, through credential_process: \(outcome.stdout)")
        #expect(outcome.stdout.contains("agent=set profiles=dev,prod prompt=dev,prod "), "\(outcome.stdout)")
        // aws eks get-token presigns locally: its URL carries prod's access key id.
        let prodKey = lines.first { $0.hasPrefix("prod-key=") }?.dropFirst(9)
        #expect(prodKey != nil && lines.contains("eks-key=" + (prodKey ?? "-")), "\(outcome.stdout)")
        #expect(outcome.stderr.contains("profile prod) served to `rolecall credential-process --profile prod`"), "\(outcome.stderr)")
        // One code: every certificate came from the one check (a second use of the code would be refused as a replay).
        #expect(world.createSessions.allSatisfy { $0.status == 201 }, "\(world.createSessions)")
    }

    /// `aws eks get-token --profile prod` (the Debian aws CLI v2 when there, else v1), and the access
    /// key id its presigned URL carries.
    static let eksKey = """
        $(test -x /usr/bin/aws && echo /usr/bin/aws || echo aws) eks get-token --cluster-name c --profile prod --region us-east-1 | \(Paths.python) -c '
        import base64, json, sys, urllib.parse
        token = json.load(sys.stdin)["status"]["token"][len("k8s-aws-v1."):]
        url = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        print("eks-key=" + urllib.parse.parse_qs(urllib.parse.urlparse(url).query)["X-Amz-Credential"][0].split("/")[0])
        '
        """

    /// The documented fish line, and `--stop` piped to `source`, which unsets the variables.
    @Test func fishSourcesTheAgentAndItsStop() async throws {
        let (world, _) = try await world()
        let script = """
        rolecall agent --format fish --shell-pid $fish_pid --profile dev --mfa-code \(world.code()) | source
        rolecall credential-process --profile dev | string match -q '*"AccessKeyId":"ASIA*'; and echo served
        rolecall agent --format fish --stop | source
        echo "after=[$ROLECALL_AGENT]"
        rolecall credential-process --profile dev; or echo refused
        """
        let outcome = try await ProcessRunner.run("/usr/bin/fish", ["-c", script], environment: world.environment)
        #expect(outcome.stdout == "served\nafter=[]\nrefused\n", "\(outcome.stdout) \(outcome.stderr)")
        #expect(outcome.stderr.contains("the agent stopped"), "\(outcome.stderr)")
    }

    /// Commands that serve one profile refuse several, before any code is spent (the code is
    /// rolecall's option, before the `--` that starts the command).
    static let oneProfileOnly: [(command: [String], words: String)] = [
        (["exec", "--profile", "dev", "--profile", "prod"], "several profiles need --server"),
        (["exec", "--imds", "--profile", "dev", "--profile", "prod"], "--imds serves one role"),
        (["env", "--profile", "dev", "--profile", "prod"], "rolecall agent --profile A --profile B"),
    ]

    @Test(arguments: oneProfileOnly)
    func severalProfilesAreRefusedWhereOneIsServed(command: [String], words: String) async throws {
        let (world, _) = try await world()
        let outcome = try await world.rolecall(command + ["--mfa-code", world.code()] + (command[0] == "exec" ? ["--", "true"] : []))
        #expect(outcome.status == 2 && outcome.stderr.contains(words), "\(outcome.stderr)")
        #expect(world.createSessions.isEmpty)
    }

    /// The documented bash line, several commands inside the agent's shell, 20 aws CLIs at once,
    /// a refusal for a process outside the tree that has the token, then `exit`: the agent is gone.
    @Test func anAgentServesItsShellUntilTheShellExits() async throws {
        let (world, url) = try await world()
        let addressFile = world.base + "/agent-address"
        let gate = world.base + "/gate"
        try #require(mkfifo(gate, 0o600) == 0)
        let script = """
        eval "$(rolecall agent --shell-pid $$ --profile dev --profile prod --mfa-code \(world.code()))" || exit 9
        printf '%s' "$ROLECALL_AGENT" > \(addressFile)
        aws --profile prod sts get-caller-identity --endpoint-url \(url) --query Arn --output text
        test -x /usr/bin/aws && echo "v2: $(/usr/bin/aws --profile prod sts get-caller-identity --endpoint-url \(url) --query Arn --output text)"
        rolecall exec --profile dev -- sh -c 'echo "exec-key=$AWS_ACCESS_KEY_ID"'
        rolecall credential-process --profile dev | \(Paths.python) -c 'import json,sys; print("dev-key=" + json.load(sys.stdin)["AccessKeyId"])'
        ROLECALL_AGENT="v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA:${ROLECALL_AGENT##*:}" rolecall credential-process --profile dev 2>&1 | grep -o 'not this agent' || echo "forged token served"
        read go < \(gate)
        for i in $(seq 20); do aws --profile prod sts get-caller-identity --endpoint-url \(url) --query Arn --output text > \(world.base)/burst-$i & done
        wait
        rolecall status
        """
        async let shell = ProcessRunner.run("/bin/bash", ["-c", script], environment: world.environment)
        // Outside the tree: this test process has the token and the uid, and is the shell's ancestor.
        let published = try await eventually(within: 60) { !(try String(contentsOfFile: addressFile, encoding: .utf8)).isEmpty }
        try #require(published, "the agent's shell never wrote its address")
        let address = try String(contentsOfFile: addressFile, encoding: .utf8)
        let outside = try await ProcessRunner.run(Paths.rolecall, ["credential-process", "--profile", "dev"],
                                                  environment: world.environment.merging(["ROLECALL_AGENT": address, "ROLECALL_AGENT_PROFILES": "dev,prod"]) { $1 })
        #expect(outside.status == 1 && outside.stderr.contains("does not descend from the shell"), "\(outside.stderr)")
        let before = world.createSessions.count
        let writer = open(gate, O_WRONLY)
        _ = write(writer, "go\n", 3)
        close(writer)
        let outcome = try await shell
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains(Self.prodRole), "\(outcome.stdout)")
        // The aws CLI v1 (pip's, first on PATH) and v2 (Debian's) both, through credential_process.
        #expect(!FileManager.default.isExecutableFile(atPath: "/usr/bin/aws") || outcome.stdout.contains("v2: " + Self.prodRole), "\(outcome.stdout)")
        let execKey = outcome.stdout.split(separator: "\n").first { $0.hasPrefix("exec-key=") }?.dropFirst(9)
        let devKey = outcome.stdout.split(separator: "\n").first { $0.hasPrefix("dev-key=") }?.dropFirst(8)
        #expect(execKey != nil && execKey == devKey, "exec in the agent's shell uses the agent: \(outcome.stdout)")
        #expect(outcome.stdout.contains("agent: pid "), "status shows the agent: \(outcome.stdout)")
        #expect(outcome.stdout.contains("not this agent\n"), "a wrong token is refused: \(outcome.stdout)")
        for index in 1...20 {
            #expect(try String(contentsOfFile: world.base + "/burst-\(index)", encoding: .utf8).hasPrefix(Self.prodRole))
        }
        // The burst found prod's credentials cached: no CreateSession at all, let alone 20.
        #expect(world.createSessions.count - before <= 2, "\(world.createSessions.count - before) CreateSessions for 20 aws processes")
        #expect(outcome.stderr.contains("outside the agent's tree"), "one bounded line on the agent's stderr: \(outcome.stderr)")
        // The shell exited: within a second, the agent is gone with its socket.
        let socket = String(address.split(separator: ":", maxSplits: 2)[2])
        #expect(try await eventually(within: 2) { !FileManager.default.fileExists(atPath: socket) }, "the agent outlived its shell")
    }

    /// bash in tmux, as a person types: the documented line, commands, `exit`; the agent is gone
    /// within about a second of the shell.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux")))
    func bashInTmuxEndsTheAgentWithTheShell() async throws {
        let (world, url) = try await world()
        let socket = world.base + "/tmux.sock"
        let start = world.base + "/start.sh"
        try (world.environment.map { "export \($0.key)='\($0.value)'" }.joined(separator: "\n") + "\nexec bash --norc --noprofile\n")
            .write(toFile: start, atomically: true, encoding: .utf8)
        func tmux(_ arguments: [String]) async throws -> ProcessOutcome {
            try await ProcessRunner.run("/usr/bin/tmux", ["-S", socket, "-f", "/dev/null"] + arguments)
        }
        func type(_ line: String) async throws {
            #expect(try await tmux(["send-keys", "-t", "t", "-l", line]).status == 0)
            #expect(try await tmux(["send-keys", "-t", "t", "Enter"]).status == 0)
        }
        try #require(try await tmux(["new-session", "-d", "-s", "t", "-x", "200", "-y", "50", "sh \(start)"]).status == 0)
        defer { Task { _ = try? await tmux(["kill-server"]) } }
        try await type(#"eval "$(rolecall agent --shell-pid $$ --profile dev --profile prod --mfa-code \#(world.code()))""#)
        try await type("aws --profile prod sts get-caller-identity --endpoint-url \(url) --query Arn --output text > \(world.base)/arn")
        try await type("rolecall prompt > \(world.base)/prompt; printf %s \"$ROLECALL_AGENT\" > \(world.base)/address")
        let served = try await eventually(within: 60) { !(try String(contentsOfFile: world.base + "/address", encoding: .utf8)).isEmpty }
        let screen = try await tmux(["capture-pane", "-p", "-t", "t"]).stdout
        try #require(served, "\(screen)")
        #expect(try String(contentsOfFile: world.base + "/arn", encoding: .utf8).hasPrefix(Self.prodRole), "\(screen)")
        #expect(try String(contentsOfFile: world.base + "/prompt", encoding: .utf8).hasPrefix("dev,prod "))
        let address = try String(contentsOfFile: world.base + "/address", encoding: .utf8)
        let agentSocket = String(address.split(separator: ":", maxSplits: 2)[2])
        #expect(FileManager.default.fileExists(atPath: agentSocket))
        try await type("exit")
        #expect(try await eventually(within: 1.5) { !FileManager.default.fileExists(atPath: agentSocket) }, "the agent outlived its shell")
    }

    /// Without --shell-pid the agent binds to its parent when that shell lives on; eval again
    /// replaces the old agent; --list names this shell's.
    @Test func evalAgainReplacesTheAgentBoundToThisShell() async throws {
        let (world, _) = try await world()
        let script = """
        eval "$(rolecall agent --profile dev --mfa-code \(world.code()))" || exit 9
        first="${ROLECALL_AGENT##*:}"
        rolecall credential-process --profile dev >/dev/null && echo "bound to the parent"
        eval "$(rolecall agent --profile dev --mfa-code \(world.code(offset: 1)))" || exit 9
        test -e "$first" || echo "the old agent is gone"
        rolecall agent --list | grep -c "(this shell's)"
        """
        let outcome = try await ProcessRunner.run("/bin/bash", ["-c", script], environment: world.environment)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        #expect(lines.prefix(3) == ["bound to the parent", "the old agent is gone", "1"], "\(outcome.stdout)")
        #expect(world.createSessions.count == 1, "the one credential-process served")
    }

    /// A short-lived subshell, pid 1 and a missing profile (with two profiles to choose from) are
    /// refused before any code.
    @Test func anAgentThatCouldNotBeBoundIsRefusedBeforeAnyCode() async throws {
        let (world, _) = try await world()
        let script = """
        x=$( (rolecall agent --profile dev --mfa-code 000000) 2>&1 ); echo "subshell: $x"
        rolecall agent --shell-pid 1 --profile dev --mfa-code 000000 2>&1 | cat
        ROLECALL_AGENT= rolecall agent --mfa-code 000000 2>&1 | cat; echo "status ${PIPESTATUS[0]}"
        """
        try #require(try await world.rolecall(["profile", "add", "other", "--role-arn", EmulatorHarness.roleArn, "--profile-arn", EmulatorHarness.profileArn,
                                               "--trust-anchor-arn", EmulatorHarness.trustAnchorArn, "--endpoint", try #require(world.harness?.url)]).status == 0)
        let outcome = try await ProcessRunner.run("/bin/bash", ["-c", script], environment: world.environment)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("subshell: rolecall: the agent cannot be bound to that process: rolecall runs in a subshell that ends with it"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("pid 1 is init or the kernel"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("give the agent's profiles with --profile NAME") && outcome.stdout.contains("status 2"), "\(outcome.stdout)")
        #expect(world.createSessions.isEmpty, "the refusals asked nothing of AWS")
    }

    @Test func atATerminalTheTokenIsNotPrinted() async throws {
        let (world, _) = try await world()
        let run = try await ProcessRunner.run(Paths.python, ["\(Paths.packageRoot)/Tests/Python/pty_run.py", "", Paths.rolecall, "agent", "--profile", "dev"],
                                              environment: world.environment)
        let outcome = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stderr)")
        let output = outcome["output"] as? String ?? ""
        #expect(outcome["status"] as? Int == 1, "\(output)")
        #expect(output.contains("eval \"$(rolecall agent --shell-pid $$ --profile dev)\""), "\(output)")
        #expect(!output.contains("v1:"))
        #expect(world.createSessions.isEmpty)
    }
}

/// Polls `condition` until it holds or `seconds` pass.
private func eventually(within seconds: Double, _ condition: () throws -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if (try? condition()) == true { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return try condition()
}
