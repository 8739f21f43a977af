import Foundation
import RolesAnywhere
import Session
import Testing
import TestSupport

/// `rolecall console` against the emulator's federation endpoint: the sign-in URL works once, and
/// reaches the browser only through a one-time loopback redirect.
@Suite(.removesTemporaryFiles) struct ConsoleCommandTests {
    func world() async throws -> (CLIWorld, String) {
        let world = try await CLIWorld.withEmulator()
        return (world, try #require(world.harness?.url))
    }

    /// curl's answer to `url`: the status and where it redirects.
    func follow(_ url: String) async throws -> (code: String, location: String) {
        let outcome = try await ProcessRunner.run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", "--max-time", "20", url])
        let parts = outcome.stdout.split(separator: " ", maxSplits: 1).map(String.init)
        return (parts.first ?? "", parts.count > 1 ? parts[1] : "")
    }

    @Test func printedSignInURLRedirectsOnceToTheDestination() async throws {
        let (world, url) = try await world()
        let destination = "https://console.aws.amazon.com/s3/home?region=eu-west-2"
        let outcome = try await world.rolecall(["console", "--profile", "dev", "--mfa-code", world.code(), "--print", "--destination", destination],
                                               environment: ["ROLECALL_SIGNIN_ENDPOINT": url])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let signIn = outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(signIn.hasPrefix(url + "/federation?Action=login&Issuer=rolecall&Destination="), "\(signIn)")
        #expect(!outcome.stderr.contains("SigninToken"))
        let token = try #require(signIn.components(separatedBy: "&SigninToken=").last)
        // A tampered token is refused and does not spend the real one.
        let tampered = signIn.dropLast(token.count) + (token.hasPrefix("A") ? "B" : "A") + token.dropFirst()
        #expect(try await follow(String(tampered)).code == "400")
        let first = try await follow(signIn)
        #expect(first.code == "302" && first.location == destination, "\(first)")
        #expect(try await follow(signIn).code == "400", "a sign-in token works once")
        let federation = world.harness?.records.filter { $0.action == "federation" } ?? []
        #expect(federation.map(\.status) == [200, 400, 302, 400], "\(federation.map(\.status))")
        // The console session lasts what the credentials have left: the profile's default hour.
        let asked = try #require(federation.first?.durationSeconds)
        #expect((3500...3600).contains(asked), "SessionDuration \(asked)")
    }

    @Test func aBrowserThatFailsIsSaidAtOnce() async throws {
        let (world, url) = try await world()
        let started = ContinuousClock.now
        let outcome = try await world.rolecall(["console", "--profile", "dev", "--mfa-code", world.code()],
                                               environment: ["ROLECALL_SIGNIN_ENDPOINT": url, "BROWSER": "/bin/false"])
        #expect(outcome.status == 1 && (outcome.error as? AWSConsoleSignInError)?.code == .browserFailed, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("--print"), "the way without a browser: \(outcome.stderr)")
        #expect(ContinuousClock.now - started < .seconds(60), "not the 120 s timeout")
        #expect(outcome.stdout.isEmpty)
    }

    @Test func theBrowserGetsOnlyAOneTimeLoopbackURL() async throws {
        let (world, url) = try await world()
        // A "browser" that records its arguments and follows the URL it was given, as a browser would.
        let browser = world.base + "/browser"
        try """
        #!/bin/sh
        echo "$@" > \(world.base)/browser-argv
        curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$1" > \(world.base)/browser-saw
        """.write(toFile: browser, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: browser)
        let outcome = try await world.rolecall(["console", "--profile", "dev", "--mfa-code", world.code()],
                                               environment: ["ROLECALL_SIGNIN_ENDPOINT": url, "BROWSER": browser])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.isEmpty, "nothing secret is printed")
        #expect(outcome.stderr.contains("console opened as"), "\(outcome.stderr)")
        let argv = try String(contentsOfFile: world.base + "/browser-argv", encoding: .utf8)
        #expect(argv.hasPrefix("http://127.0.0.1:") && !argv.contains("SigninToken") && !argv.contains("federation"), "\(argv)")
        // rolecall is done once the redirect is written; the "browser" may still be writing what it saw.
        var saw = ""
        let deadline = ContinuousClock.now + .seconds(20)
        while saw.isEmpty, ContinuousClock.now < deadline {
            saw = (try? String(contentsOfFile: world.base + "/browser-saw", encoding: .utf8)) ?? ""
            if saw.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(saw.hasPrefix("302 \(url)/federation?Action=login&Issuer=rolecall&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fconsole%2Fhome%3Fregion%3D"), "\(saw)")
    }

    /// The ISO partitions have no console sign-in rolecall knows: said before the code is spent.
    @Test func aPartitionWithoutSignInIsRefusedBeforeTheCodeIsSpent() async throws {
        let (world, url) = try await world()
        let added = try await world.rolecall(["profile", "add", "iso", "--role-arn", "arn:aws-iso:iam::123456789012:role/x",
                                              "--profile-arn", "arn:aws-iso:rolesanywhere:us-iso-east-1:123456789012:profile/p",
                                              "--trust-anchor-arn", "arn:aws-iso:rolesanywhere:us-iso-east-1:123456789012:trust-anchor/t",
                                              "--mfa", "required", "--endpoint", url])
        try #require(added.status == 0, "\(added.stderr)")
        let code = world.code()
        let refused = try await world.rolecall(["console", "--profile", "iso", "--mfa-code", code, "--print"])
        #expect(refused.status == 1 && (refused.error as? AWSConsoleSignInError)?.code == .unknownPartition, "\(refused.stderr)")
        #expect(world.createSessions.isEmpty)
        // The code was not spent: it still works for the next command.
        let exec = try await world.rolecall(["exec", "--profile", "dev", "--mfa-code", code, "--", "true"])
        #expect(exec.status == 0, "\(exec.stderr)")
    }

    /// `ROLECALL_SIGNIN_ENDPOINT` follows the endpoint rules: `127.1` is not loopback by rolecall's
    /// rule, so nothing reaches it (it would be the emulator); a password in it is never printed.
    @Test func aSignInEndpointOutsideTheRulesIsRefusedBeforeTheCodeIsSpent() async throws {
        let (world, url) = try await world()
        let port = try #require(url.split(separator: ":").last)
        let code = world.code()
        let overrides: [(String, RolesAnywhereError.Code)] = [("http://127.1:\(port)", .insecureEndpoint), ("https://ci-bot:Zx9Qp7@127.0.0.1:\(port)", .invalidEndpoint)]
        for (override, refusal) in overrides {
            let refused = try await world.rolecall(["console", "--profile", "dev", "--mfa-code", code, "--print"],
                                                   environment: ["ROLECALL_SIGNIN_ENDPOINT": override])
            #expect(refused.status == 1 && (refused.error as? RolesAnywhereError)?.code == refusal, "\(refused.stderr)")
            #expect(!refused.stderr.contains("Zx9Qp7") && !refused.stdout.contains("Zx9Qp7"), "\(refused.stderr)")
        }
        #expect(world.createSessions.isEmpty)
        #expect(world.harness?.records.filter { $0.action == "federation" }.isEmpty == true)
        let exec = try await world.rolecall(["exec", "--profile", "dev", "--mfa-code", code, "--", "true"])
        #expect(exec.status == 0, "the code was not spent: \(exec.stderr)")
    }

    static let forgedSession = #"{"sessionId":"ASIAFORGED","sessionKey":"x","sessionToken":"y"}"#
        .addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""

    /// Credentials it did not issue, a duration below 900 s, a sign-in token it did not make.
    @Test(arguments: ["Action=getSigninToken&Session=\(forgedSession)", "Action=getSigninToken&SessionDuration=899&Session=\(forgedSession)",
                      "Action=login&SigninToken=made-up&Destination=https%3A%2F%2Fexample.com"])
    func theFederationEndpointRefusesWhatItDidNotIssue(query: String) async throws {
        let (world, url) = try await world()
        defer { withExtendedLifetime(world) {} }
        let answer = try await follow(url + "/federation?" + query)
        #expect(answer.code == "400", "\(query): \(answer)")
    }
}
