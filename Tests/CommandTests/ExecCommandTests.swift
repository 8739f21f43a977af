import Foundation
import Issuance
import RolesAnywhere
import Session
import Testing
import TestSupport

/// `exec` through the built executable against the emulator, with the real `aws` CLI inside.
@Suite(.removesTemporaryFiles) struct ExecCommandTests {
    @Test func awsCLIInsideExecGetsTheAssumedRole() async throws {
        let world = try await CLIWorld.withEmulator()
        let url = try #require(world.harness?.url)
        let outcome = try await world.rolecall(["exec", "--profile", "dev", "--mfa-code", world.code(), "--",
                                                "aws", "sts", "get-caller-identity", "--endpoint-url", url, "--output", "json"],
                                               environment: ["AWS_PROFILE": "someone-else"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("arn:aws:sts::123456789012:assumed-role/test-role/"))
        #expect(outcome.stderr.contains("rolecall: \(EmulatorHarnessNames.roleArn) (profile dev) until "))
        let session = try #require(world.createSessions.last)
        #expect(session.status == 201)
        #expect((session.durationSeconds ?? 0) >= 900)
        #expect((session.certificateLifetimeSeconds ?? 999) <= 70)
    }

    @Test func theChildSeesTheSessionVariablesAndNotAWSProfile() async throws {
        let world = try await CLIWorld.withEmulator()
        let outcome = try await world.rolecall(["exec", "--quiet", "--aws-role", EmulatorHarnessNames.roleArn, "--mfa-code", world.code(), "--", "env"],
                                               environment: ["AWS_PROFILE": "x", "AWS_DEFAULT_PROFILE": "y", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.2/x"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.isEmpty)
        let variables = Dictionary(outcome.stdout.split(separator: "\n").compactMap { line -> (String, String)? in
            guard let equals = line.firstIndex(of: "=") else { return nil }
            return (String(line[..<equals]), String(line[line.index(after: equals)...]))
        }, uniquingKeysWith: { $1 })
        for name in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CREDENTIAL_EXPIRATION"] {
            #expect(variables[name]?.isEmpty == false, "\(name)")
        }
        #expect(variables["AWS_REGION"] == "us-east-1" && variables["AWS_DEFAULT_REGION"] == "us-east-1")
        #expect(variables["ROLECALL_SESSION"] == "dev")
        #expect(variables["AWS_PROFILE"] == nil && variables["AWS_DEFAULT_PROFILE"] == nil && variables["AWS_CONTAINER_CREDENTIALS_FULL_URI"] == nil)
        #expect(variables["AWS_ACCESS_KEY_ID"]?.hasPrefix("ASIA") == true)
    }

    @Test func noCommandRunsTheShell() async throws {
        let world = try await CLIWorld.withEmulator()
        let outcome = try await world.rolecall(["exec", "--mfa-code", world.code()],
                                               environment: ["SHELL": "/bin/sh"], input: "echo \"in $ROLECALL_SESSION\"; exit 3\n")
        #expect(outcome.status == 3)
        #expect(outcome.stdout == "in dev\n")
    }

    static let exitCases: [([String], Int32, String)] = [
        (["sh", "-c", "exit 7"], 7, ""),
        (["/nonexistent/tool"], 127, "command not found"),
        (["no-such-command-rolecall"], 127, "no-such-command-rolecall: command not found"),
        (["@not-executable"], 126, "cannot execute"),
        (["sh", "-c", "kill -TERM $$"], 143, ""),
    ]

    @Test(arguments: exitCases)
    func exitStatusIsTheCommands(command: [String], status: Int32, message: String) async throws {
        // execve's own outcomes: the program itself.
        let world = try await CLIWorld.withEmulator()
        let plainFile = world.base + "/not-executable"
        _ = FileManager.default.createFile(atPath: plainFile, contents: Data("data\n".utf8), attributes: [.posixPermissions: 0o644])
        let resolved = command.map { $0 == "@not-executable" ? plainFile : $0 }
        let outcome = try await world.rolecallProcess(["exec", "--quiet", "--mfa-code", world.code(), "--"] + resolved)
        #expect(outcome.status == status, "\(outcome.stderr)")
        if !message.isEmpty { #expect(outcome.stderr.contains(message), "\(outcome.stderr)") }
        if status == 127 {
            // A mistyped command is found out before the code is spent: the same code still works.
            #expect(world.createSessions.isEmpty)
            #expect(try await world.rolecallProcess(["exec", "--quiet", "--mfa-code", world.code(), "--", "true"]).status == 0)
        }
    }

    @Test func aReplayedCodeIsRefusedAndCausesNoCreateSession() async throws {
        let world = try await CLIWorld.withEmulator()
        let code = world.code()
        let first = try await world.rolecall(["exec", "--quiet", "--mfa-code", code, "--", "true"])
        #expect(first.status == 0, "\(first.stderr)")
        let before = world.createSessions.count
        let second = try await world.rolecall(["exec", "--quiet", "--mfa-code", code, "--", "true"])
        #expect(second.status == 1)
        #expect((second.error as? MFAError)?.code == .replayed, "\(second.stderr)")
        #expect(world.createSessions.count == before)
    }

    @Test func nestedSessionIsRefusedWithHowToLeave() async throws {
        let world = try await CLIWorld.withEmulator()
        let outcome = try await world.rolecall(["exec", "--mfa-code", world.code(), "--", "true"], environment: ["ROLECALL_SESSION": "prod"])
        #expect(outcome.status == 1)
        #expect((outcome.error as? SessionError)?.code == .nestedSession, "\(outcome.stderr)")
        let env = try await world.rolecall(["env", "--mfa-code", world.code()], environment: ["ROLECALL_SESSION": "prod"])
        #expect(env.status == 1 && env.stdout.isEmpty)
        #expect((env.error as? SessionError)?.code == .nestedSession, "\(env.stderr)")
        #expect(world.createSessions.isEmpty)
    }

    @Test func selectionErrorsSayWhatToDo() async throws {
        let world = try await CLIWorld.initialized()
        let none = try await world.rolecall(["exec", "--mfa-code", "123456", "--", "true"])
        #expect(none.status == 1 && (none.error as? ConfigError)?.code == .noProfile, "\(none.stderr)")
        for name in ["a", "b"] {
            _ = try await world.rolecall(["profile", "add", name, "--role-arn", "arn:aws:iam::123456789012:role/\(name)",
                                          "--profile-arn", "arn:aws:rolesanywhere:us-east-1:123456789012:profile/p",
                                          "--trust-anchor-arn", "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/t"])
        }
        let several = try await world.rolecall(["exec", "--mfa-code", "123456", "--", "true"])
        #expect(several.status == 1 && (several.error as? ConfigError)?.code == .severalProfiles, "\(several.stderr)")
        let unknown = try await world.rolecall(["exec", "--aws-role", "arn:aws:iam::123456789012:role/zzz", "--mfa-code", "123456", "--", "true"])
        #expect(unknown.status == 1 && (unknown.error as? ConfigError)?.code == .noProfileForRole, "\(unknown.stderr)")
        let both = try await world.rolecall(["exec", "--profile", "a", "--aws-role", "x", "--", "true"])
        #expect(both.status == 2)
    }

    /// A session cut below the length asked for says so, and by which limit; above AWS's 12 h the
    /// request is a usage error before any code is asked for (issue 24, point 6).
    @Test func aLongerSessionThanAllowedIsClampedAloudAndAboveTwelveHoursRefused() async throws {
        let world = try await CLIWorld.withEmulator()
        let clamped = try await world.rolecall(["exec", "--profile", "dev", "--duration", "2h", "--mfa-code", world.code(), "--", "true"])
        #expect(clamped.status == 0, "\(clamped.stderr)")
        #expect(clamped.stderr.contains("a session of 2h was asked for; it lasts 1h, the profile's --duration"), "\(clamped.stderr)")
        let above = try await world.rolecall(["exec", "--profile", "dev", "--duration", "13h", "--mfa-code", world.freshCode(), "--", "true"])
        #expect(above.status == 2 && above.stderr.contains("at most 12h"), "\(above.stderr)")
        #expect(world.createSessions.count == 1)
    }

    /// As aws-vault takes it: everything from the first word that is not rolecall's own belongs to
    /// the command, its options too; a misspelt option of exec is a usage error naming `--`.
    @Test func theCommandNeedsNoDoubleDash() async throws {
        let world = try await CLIWorld.withEmulator()
        let bare = try await world.rolecall(["exec", "--profile", "dev", "--mfa-code", world.code(), "sh", "-c", #"echo "$1 $AWS_ACCESS_KEY_ID""#, "sh", "--recursive"])
        #expect(bare.status == 0, "\(bare.stderr)")
        #expect(bare.stdout.hasPrefix("--recursive ASIA"), "\(bare.stdout)")
        let typo = try await world.rolecall(["exec", "--porfile", "dev", "--mfa-code", world.freshCode(), "--", "true"])
        #expect(typo.status == 2 && typo.stderr.contains("put the command after --"), "\(typo.stderr)")
        #expect(world.createSessions.count == 1)
    }

    /// At a terminal, a wrong code is asked for again (the next one works, one CreateSession); an
    /// empty line is "cancelled", not a malformed code, and asks nothing of the issuer.
    @Test func aPersonAtTheTerminalHasThreeTriesEachNamingTheProfile() async throws {
        let world = try await CLIWorld.withEmulator()
        let accepted = Set((-1...1).map { world.code(offset: Int64($0)) })
        let wrong = try #require(["000000", "111111", "222222", "333333"].first { !accepted.contains($0) })
        let third = ScriptedTerminal(answers: [wrong, wrong, world.code()])
        let outcome = await world.rolecall(["exec", "--profile", "dev", "--", "true"], terminal: third)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(third.questions == Array(repeating: "MFA code for dev: ", count: 3))
        #expect(outcome.stderr.contains("try again (1 more try)"), "\(outcome.stderr)")
        #expect(world.createSessions.count == 1)
        let none = ScriptedTerminal(answers: [wrong, wrong, wrong, world.freshCode()])
        let refused = await world.rolecall(["exec", "--profile", "dev", "--", "true"], terminal: none)
        #expect(refused.status == 1, "\(refused.stderr)")
        #expect(none.questions.count == 3, "no fourth question")
        #expect(world.createSessions.count == 1)
    }

    @Test func aWrongCodeAtTheTerminalIsAskedForAgainAndAnEmptyLineCancels() async throws {
        let world = try await CLIWorld.withEmulator()
        func onTerminal(_ answers: [String]) async throws -> (output: String, status: Int?) {
            let outcome = try await ProcessRunner.run(Paths.python, ["\(Paths.packageRoot)/Tests/Python/pty_run.py", answers.joined(separator: "\u{1e}"),
                                                                    Paths.rolecall, "exec", "--profile", "dev", "--", "true"], environment: world.environment)
            let answer = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any], "\(outcome.stderr)")
            return (answer["output"] as? String ?? "", answer["status"] as? Int)
        }
        let wrong = world.code() == "000000" ? "111111" : "000000"
        let retried = try await onTerminal(["\(wrong)\n", "\(world.code())\n"])
        #expect(retried.status == 0, "\(retried.output)")
        #expect(retried.output.contains("wrong MFA code") && retried.output.contains("try again (2 more tries)"), "\(retried.output)")
        #expect(world.createSessions.count == 1)
        let cancelled = try await onTerminal(["\n"])
        #expect(cancelled.status == 1 && cancelled.output.contains("cancelled: no MFA code was typed"), "\(cancelled.output)")
        #expect(world.createSessions.count == 1)
    }

    /// One way to serve the child: `--server` and `--imds` together are a usage error, before any
    /// code is asked for (it used to mean `--imds` without a word).
    @Test func serverAndIMDSTogetherAreAUsageError() async throws {
        let world = try await CLIWorld.withEmulator()
        let both = try await world.rolecall(["exec", "--server", "--imds", "--mfa-code", world.code(), "--", "true"])
        #expect(both.status == 2, "\(both.stderr)")
        #expect(both.stderr.contains("--server") && both.stderr.contains("--imds"), "\(both.stderr)")
        // Usage errors start as every other error does.
        #expect(both.stderr.hasPrefix("rolecall: ") && !both.stderr.contains("Error:"), "\(both.stderr)")
        #expect(world.createSessions.isEmpty)
    }

    @Test func withoutATerminalOrCodeTheErrorSaysWhatToPass() async throws {
        let world = try await CLIWorld.withEmulator()
        // setsid: no controlling terminal, so /dev/tty cannot be opened.
        let outcome = try await ProcessRunner.run("setsid", ["-w", Paths.rolecall, "exec", "--", "true"], environment: world.environment)
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("--mfa-code") && outcome.stderr.contains("--mfa-command"))
    }

    @Test func mfaCommandSuppliesTheCode() async throws {
        let world = try await CLIWorld.withEmulator()
        let outcome = try await world.rolecall(["exec", "--quiet", "--mfa-command", "echo \(world.code()); echo ignored", "--", "sh", "-c", "echo $ROLECALL_SESSION"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == "dev\n")
    }

    @Test func mfaCommandDoesNotReadTheChildsStdin() async throws {
        let world = try await CLIWorld.withEmulator()
        // An --mfa-command that reads stdin (as a careless script or a prompting tool would) gets
        // nothing: every byte of stdin is the child's.
        let outcome = try await world.rolecall(["exec", "--quiet", "--mfa-command", "read line; cat >/dev/null; echo \(world.code())", "--", "cat"],
                                               input: "first line\nsecond line\n")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == "first line\nsecond line\n")
    }
}

enum EmulatorHarnessNames {
    static let roleArn = "arn:aws:iam::123456789012:role/test-role"
}

@Suite(.removesTemporaryFiles) struct ExecDetailsTests {
    @Test func sessionsDefaultToOneHourUnderTheProfileLimit() async throws {
        let world = try await CLIWorld.withEmulator()
        let outcome = try await world.rolecall(["exec", "--quiet", "--mfa-code", world.code(), "--", "true"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(world.createSessions.last?.durationSeconds == 3600)
        let short = try await world.rolecall(["exec", "--duration", "5m", "--mfa-code", world.freshCode(), "--", "true"])
        #expect(short.status == 2)
        #expect(short.stderr.contains("minimum is 900"))
    }

    @Test func aScriptWithoutShebangRunsWithSh() async throws {
        // execve's ENOEXEC, answered as execvp does: the program itself.
        let world = try await CLIWorld.withEmulator()
        let script = world.base + "/plain-script"
        try "echo from-script $ROLECALL_SESSION\n".write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let outcome = try await world.rolecallProcess(["exec", "--quiet", "--mfa-code", world.code(), "--", script])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == "from-script dev\n")
    }

    @Test func anEmulatorTrustingAnotherCARefusesTheSingleUseCertificate() async throws {
        var world = try await CLIWorld.initialized()
        let foreign = try TestPKI.make(name: "Not rolecall")
        let harness = try await EmulatorHarness.start(try EmulatorHarness.standardConfig(caPEM: foreign.root.certificate.pem, directory: world.base))
        defer { harness.stop() }
        _ = try await world.rolecall(["profile", "add", "dev", "--role-arn", EmulatorHarness.roleArn, "--profile-arn", EmulatorHarness.profileArn,
                                      "--trust-anchor-arn", EmulatorHarness.trustAnchorArn, "--endpoint", harness.url])
        world.environment["X"] = "1"
        let outcome = try await world.rolecall(["exec", "--mfa-code", world.code(), "--", "true"])
        #expect(outcome.status == 1)
        let refusal = outcome.error as? RolesAnywhereError
        // No part named, so the hint lists what to check: the trust anchor's CA first (ClientTests has its words).
        #expect(refusal?.code == .accessDenied && refusal?.httpStatus == 403 && refusal?.refusedPart == nil, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("Untrusted signing certificate"), "AWS's own words are shown: \(outcome.stderr)")
        #expect(harness.records.last?.status == 403)
    }
}
