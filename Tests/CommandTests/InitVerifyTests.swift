import Foundation
import Issuance
import IssuanceCore
import Testing
import TestSupport

/// `init` ends by checking one code from the new authenticator (issue 24, point 8): a right one
/// says so, a wrong one says how to check again without a second `init`, `--no-verify` skips it.
@Suite(.removesTemporaryFiles) struct InitVerifyTests {
    func environment(_ base: String) -> [String: String] {
        ["HOME": base, "ROLECALL_HOME": base + "/home", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "LANG": "C.UTF-8"]
    }

    /// pyotp computes the code from the otpauth URI init has just printed: an authenticator nobody here wrote.
    @Test func theCodeOfTheAuthenticatorJustAddedIsAccepted() async throws {
        let base = try Paths.temporaryDirectory()
        let script = base + "/code.py"
        try """
        import json, sys, pyotp
        print(pyotp.parse_uri(json.load(open(sys.argv[1]))["otpauthURI"]).now())
        """.write(toFile: script, atomically: true, encoding: .utf8)
        let command = "'\(Paths.python)' '\(script)' '\(base)/out.json'"
        let outcome = try await ProcessRunner.run("/bin/sh", ["-c", "exec '\(Paths.rolecall)' init --json --mfa-command \"$1\" > '\(base)/out.json'", "sh", command],
                                                  environment: environment(base))
        #expect(outcome.status == 0 && outcome.stderr.contains("The authenticator works"), "\(outcome.stderr)")
        let state = try await ProcessRunner.run(Paths.rolecall, ["mfa", "list", "--json"], environment: environment(base))
        #expect(state.stdout.contains("\"lastUsed\":\"20"), "the code was checked, and spent: \(state.stdout)")
    }

    @Test func aWrongCodeSaysHowToCheckAgainWithoutANewInit() async throws {
        let base = try Paths.temporaryDirectory()
        let outcome = try await ProcessRunner.run(Paths.rolecall, ["init", "--json", "--mfa-code", "12345x"], environment: environment(base))
        #expect(outcome.status == 1 && outcome.stderr.contains("rolecall mfa verify") && outcome.stderr.contains("do not run init again"), "\(outcome.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: String], "the device is made: \(outcome.stdout)")
        let secret = try OTPAuthURI(parsing: try #require(object["otpauthURI"])).secret
        let code = TOTP.code(secret: secret, step: TOTP.step(at: Date()))
        let verified = try await ProcessRunner.run(Paths.rolecall, ["mfa", "verify", "--mfa-code", code], environment: environment(base))
        #expect(verified.status == 0 && verified.stderr.contains("accepted"), "\(verified.stderr)")
        let replayed = try await ProcessRunner.run(Paths.rolecall, ["mfa", "verify", "--mfa-code", code], environment: environment(base))
        #expect(replayed.status == 1, "a code is accepted once: \(replayed.stderr)")
    }

    /// At a terminal the code is asked for there, again after a mistyped one; an empty line
    /// cancels, and says how to check later.
    @Test func atATerminalAMistypedCodeIsAskedAgainAndAnEmptyLineCancels() async throws {
        let base = try Paths.temporaryDirectory()
        let outcome = try await ProcessRunner.run(Paths.python, ["\(Paths.packageRoot)/Tests/Python/pty_run.py", "12345x\n\u{1e}\n", Paths.rolecall, "init"],
                                                  environment: environment(base))
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any], "\(outcome.stderr)")
        let output = answer["output"] as? String ?? ""
        #expect(answer["status"] as? Int == 1, "\(output)")
        #expect(output.contains("MFA code for the device just added") && output.contains("try again (2 more tries)"), "\(output)")
        #expect(output.contains("not checked") && output.contains("rolecall mfa verify") && output.contains("do not run init again"), "\(output)")
    }

    @Test func noVerifyAsksNothingAndWithoutATerminalInitSaysItDidNotCheck() async throws {
        for (flags, checked) in [(["--no-verify"], false), ([], true)] {
            let base = try Paths.temporaryDirectory()
            // setsid: no controlling terminal, even when the tests run from one.
            let outcome = try await ProcessRunner.run("/usr/bin/setsid", ["--wait", Paths.rolecall, "init", "--json"] + flags, environment: environment(base))
            #expect(outcome.status == 0, "\(outcome.stderr)")
            #expect(outcome.stderr.contains("was not checked (no terminal") == checked, "\(flags): \(outcome.stderr)")
        }
        let both = try await ProcessRunner.run(Paths.rolecall, ["init", "--no-verify", "--mfa-code", "123456"], environment: environment(try Paths.temporaryDirectory()))
        #expect(both.status == 2)
    }
}
