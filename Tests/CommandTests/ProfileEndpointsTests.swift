import Foundation
import Issuance
import RolesAnywhere
import RolesAnywhereEmulator
import SecurityTokenService
import Session
import Testing
import TestSupport

/// A profile's own endpoints (`--sts-endpoint`, `--signin-endpoint`, `--emulator`): the child's
/// SDKs, `console` and a chained profile's AssumeRole reach the emulator with no variable set by
/// hand, and `profile add --force` / `profile set` say what they changed.
@Suite(.removesTemporaryFiles) struct ProfileEndpointsTests {
    /// A closed port: anything sent there fails, so a success proves the profile's endpoint won.
    static let closed = "http://127.0.0.1:9"

    /// `dev` pointed at the emulator with `--emulator` alone (MFA per `mfa`).
    func world(mfa: String = "required") async throws -> (CLIWorld, String) {
        let world = try await CLIWorld.withEmulator(mfa: mfa)
        let url = try #require(world.harness?.url)
        let replaced = try await world.rolecall(["profile", "add", "dev", "--role-arn", EmulatorHarness.roleArn, "--profile-arn", EmulatorHarness.profileArn,
                                                 "--trust-anchor-arn", EmulatorHarness.trustAnchorArn, "--mfa", mfa, "--emulator", url, "--force"])
        try #require(replaced.status == 0, "\(replaced.stderr)")
        return (world, url)
    }

    /// `exec`, and `exec --server` (whose child gets the same variable beside the endpoint's).
    @Test(arguments: [false, true])
    func theAWSCLIAndBoto3InsideExecReachTheProfilesSTSEndpoint(served: Bool) async throws {
        let (world, url) = try await world()
        // Variables pointing elsewhere lose to the profile's endpoints.
        let elsewhere = ["AWS_ENDPOINT_URL_STS": Self.closed, "AWS_ENDPOINT_URL_ROLESANYWHERE": Self.closed]
        let boto3 = "import boto3; print(boto3.client('sts').get_caller_identity()['Arn'])"
        // AWS_ENDPOINT_URL_STS is honoured from aws-cli 1.29 and 2.13 on (older ones go to AWS).
        let awsCLI = """
        case "$(aws --version 2>&1)" in
        aws-cli/1.29.*|aws-cli/1.[3-9][0-9].*|aws-cli/2.1[3-9].*|aws-cli/2.[2-9][0-9].*) aws sts get-caller-identity --query Arn --output text;;
        *) echo no-aws-cli;;
        esac
        """
        let script = "echo \"sts=$AWS_ENDPOINT_URL_STS\"; \(shellQuoted(Paths.python)) -c \(shellQuoted(boto3)); \(awsCLI)"
        let outcome = try await world.rolecall(["exec"] + (served ? ["--server"] : []) + ["--profile", "dev", "--mfa-code", world.code(), "--", "sh", "-c", script],
                                               environment: elsewhere)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "sts=\(url)", "\(outcome.stdout)")
        let role = "arn:aws:sts::123456789012:assumed-role/test-role/"
        let callers = lines.filter { $0.hasPrefix(role) }
        #expect(callers.count == (lines.contains("no-aws-cli") ? 1 : 2), "\(outcome.stdout)")
        let identities = world.harness?.records.filter { $0.action == "sts:GetCallerIdentity" } ?? []
        #expect(identities.count == callers.count && identities.allSatisfy { $0.status == 200 }, "\(identities)")
        #expect(world.createSessions.count == 1)
    }

    @Test func consolePrintsTheEmulatorsSignInURL() async throws {
        let (world, url) = try await world()
        let outcome = try await world.rolecall(["console", "--profile", "dev", "--mfa-code", world.code(), "--print"],
                                               environment: ["ROLECALL_SIGNIN_ENDPOINT": Self.closed])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.hasPrefix(url + "/federation?Action=login&Issuer=rolecall&Destination="), "\(outcome.stdout)")
        #expect(world.harness?.records.filter { $0.action == "federation" }.map(\.status) == [200])
    }

    /// The chained profile's own --sts-endpoint, else its source's; and with no external ID, STS's
    /// refusal says where one goes.
    @Test func aChainedProfilesAssumeRoleGoesToItsSTSEndpoint() async throws {
        let world = try await CLIWorld.withEmulator(mfa: "off")
        let url = try #require(world.harness?.url)
        let own = try await world.rolecall(["profile", "add", "admin", "--source-profile", "dev", "--role-arn", EmulatorHarness.targetRoleArn,
                                            "--sts-endpoint", url])
        try #require(own.status == 0, "\(own.stderr)")
        let first = try await world.rolecall(["exec", "--profile", "admin", "--", "sh", "-c", "echo $AWS_ENDPOINT_URL_STS"],
                                             environment: ["AWS_ENDPOINT_URL_STS": Self.closed])
        #expect(first.status == 0 && first.stdout == url + "\n", "\(first.stderr)")

        // From the source: dev gets --sts-endpoint with profile set, the partner profile none of its own.
        let set = try await world.rolecall(["profile", "set", "dev", "--sts-endpoint", url])
        #expect(set.status == 0 && set.stderr.contains("STS endpoint: none -> \(url)"), "\(set.stderr)")
        let partner = try await world.rolecall(["profile", "add", "partner", "--source-profile", "dev", "--role-arn", EmulatorHarness.partnerRoleArn])
        try #require(partner.status == 0, "\(partner.stderr)")
        let refused = try await world.rolecall(["exec", "--profile", "partner", "--", "true"], environment: ["AWS_ENDPOINT_URL_STS": Self.closed])
        #expect(refused.status == 1 && (refused.error as? STSError)?.code == .accessDenied, "\(refused.stderr)")
        let fixed = try await world.rolecall(["profile", "add", "partner", "--source-profile", "dev", "--role-arn", EmulatorHarness.partnerRoleArn,
                                              "--external-id", EmulatorHarness.partnerExternalId, "--force"])
        #expect(fixed.status == 0 && fixed.stderr.contains("external ID: none -> \(EmulatorHarness.partnerExternalId)"), "\(fixed.stderr)")
        let assumed = try await world.rolecall(["exec", "--profile", "partner", "--", "sh", "-c", "echo $ROLECALL_ROLE_ARN"],
                                               environment: ["AWS_ENDPOINT_URL_STS": Self.closed])
        #expect(assumed.status == 0 && assumed.stdout.contains("partner-role"), "\(assumed.stderr)")
        let assumeRoles = world.harness?.records.filter { $0.action == "sts:AssumeRole" }.map(\.status)
        #expect(assumeRoles == [200, 403, 200], "\(assumeRoles ?? [])")
    }

    @Test func forceReplacesAndSaysWhatChangedWithoutIt_aClashNamesForce() async throws {
        let world = try await CLIWorld.withEmulator()
        let url = try #require(world.harness?.url)
        let base = ["profile", "add", "dev", "--role-arn", EmulatorHarness.roleArn, "--profile-arn", EmulatorHarness.profileArn,
                    "--trust-anchor-arn", EmulatorHarness.trustAnchorArn]
        let clash = try await world.rolecall(base + ["--region", "us-east-1"])
        #expect(clash.status == 1 && (clash.error as? ConfigError)?.code == .profileExists && clash.stderr.contains("--force"), "\(clash.stderr)")
        let replaced = try await world.rolecall(base + ["--region", "us-east-1", "--duration", "30m", "--emulator", url, "--pin-command", "echo 1234", "--force"])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        for line in ["region: none -> us-east-1", "duration: 1h -> 30m", "STS endpoint: none -> \(url)", "sign-in endpoint: none -> \(url)", "PIN command: added"] {
            #expect(replaced.stderr.contains(line), "\(line): \(replaced.stderr)")
        }
        #expect(!replaced.stderr.contains("echo 1234"), "a PIN command is not shown")
        #expect(!replaced.stderr.contains("endpoint: \(url) ->"), "the endpoint it had is unchanged: \(replaced.stderr)")
        let show = try await world.rolecall(["profile", "show", "dev"])
        #expect(show.stdout.contains("STS endpoint:      \(url)") && show.stdout.contains("duration:          30m"), "\(show.stdout)")
        let same = try await world.rolecall(base + ["--region", "us-east-1", "--duration", "30m", "--emulator", url, "--pin-command", "echo 1234", "--force"])
        #expect(same.status == 0 && same.stderr.contains("nothing changed"), "\(same.stderr)")
        // A source of chained profiles cannot become chained itself: rolecall chains one role only.
        let chained = try await world.rolecall(["profile", "add", "admin", "--source-profile", "dev", "--role-arn", EmulatorHarness.targetRoleArn])
        try #require(chained.status == 0, "\(chained.stderr)")
        let loop = try await world.rolecall(["profile", "add", "dev", "--source-profile", "admin", "--role-arn", EmulatorHarness.roleArn, "--force"])
        #expect(loop.status == 1 && (loop.error as? ConfigError)?.code == .sourceOfOthers, "\(loop.stderr)")
    }

    @Test(arguments: [
        (["--sts-endpoint", "http://sts.example.test"], "--sts-endpoint"),
        (["--signin-endpoint", "ftp://127.0.0.1"], "--signin-endpoint"),
        (["--emulator", "http://127.0.0.1:1", "--endpoint", "http://127.0.0.1:2"], "give it alone"),
    ])
    func endpointsFollowTheEndpointRules(_ extra: [String], _ words: String) async throws {
        let world = try await CLIWorld.initialized()
        let outcome = try await world.rolecall(["profile", "add", "p", "--role-arn", EmulatorHarness.roleArn, "--profile-arn", EmulatorHarness.profileArn,
                                                "--trust-anchor-arn", EmulatorHarness.trustAnchorArn] + extra)
        #expect(outcome.status == 2 && outcome.stderr.contains(words), "\(outcome.stderr)")
    }

    /// Someone new may be either kind of user: the fresh home's refusal names both ways in.
    @Test func execInAFreshHomeNamesInitAndLogin() async throws {
        let base = try Paths.temporaryDirectory()
        let outcome = await InProcessCommand.run(["exec", "--profile", "dev", "--mfa-code", "123456", "--", "true"],
                                                 environment: ["HOME": base, "ROLECALL_HOME": base + "/home", "PATH": "/usr/bin:/bin"],
                                                 now: Date.init, workingDirectory: base)
        #expect(outcome.status == 1 && (outcome.error as? StoreError)?.code == .missing, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("rolecall init") && outcome.stderr.contains("rolecall login"), "the two ways in: \(outcome.stderr)")
    }

    /// A config.json written before profiles had STS and sign-in endpoints still loads, and says so.
    @Test func anOlderConfigLoads() async throws {
        let world = try await CLIWorld.initialized()
        let old = """
        {"profiles":[{"name":"old","roleArn":"\(EmulatorHarness.roleArn)","profileArn":"\(EmulatorHarness.profileArn)",\
        "trustAnchorArn":"\(EmulatorHarness.trustAnchorArn)","durationSeconds":3600,"mfa":"required","endpoint":"http://127.0.0.1:4000"}]}
        """
        try old.write(toFile: world.home + "/config.json", atomically: true, encoding: .utf8)
        chmod(world.home + "/config.json", 0o600)
        let show = try await world.rolecall(["profile", "show", "old"])
        #expect(show.status == 0 && show.stdout.contains("endpoint:          http://127.0.0.1:4000") && show.stdout.contains("STS endpoint:      default"),
                "\(show.stdout)\(show.stderr)")
    }
}
