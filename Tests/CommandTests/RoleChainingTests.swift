import Foundation
import RolesAnywhereEmulator
import SecurityTokenService
import Session
import Testing
import TestSupport

/// Chained profiles (`profile add NAME --source-profile BASE --role-arn TARGET`) through the built
/// executable: one MFA code, one CreateSession for the source, one AssumeRole per session of the
/// target, and the child sees only the target's credentials.
@Suite(.removesTemporaryFiles) struct RoleChainingTests {
    static let target = "arn:aws:sts::210987654321:assumed-role/target-role/"

    func world(mfa: String = "required", assumedLifetime: Int? = nil) async throws -> (CLIWorld, String) {
        let world = try await CLIWorld.withEmulator(mfa: mfa, assumedLifetime: assumedLifetime)
        let url = try #require(world.harness?.url)
        let added = try await world.rolecall(["profile", "add", "admin", "--source-profile", "dev", "--role-arn", EmulatorHarness.targetRoleArn])
        try #require(added.status == 0, "\(added.stderr)")
        return (world, url)
    }

    func assumeRoles(_ world: CLIWorld) -> [RequestRecord] { world.harness?.records.filter { $0.action == "sts:AssumeRole" } ?? [] }

    @Test func bothAWSCLIsInsideExecSeeTheTargetRoleAfterOneCode() async throws {
        let (world, url) = try await world()
        let cliV2 = FileManager.default.isExecutableFile(atPath: "/usr/bin/aws") ? "/usr/bin/aws sts get-caller-identity --endpoint-url \(url) --query Arn --output text" : "echo no-v2"
        let script = """
        aws sts get-caller-identity --endpoint-url \(url) --query Arn --output text
        \(cliV2)
        echo "key=$AWS_ACCESS_KEY_ID role=$ROLECALL_ROLE_ARN region=$AWS_REGION"
        """
        let outcome = try await world.rolecall(["exec", "--profile", "admin", "--mfa-code", world.code(), "--", "sh", "-c", script],
                                               environment: ["AWS_ENDPOINT_URL_STS": url])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        let expectedClients = FileManager.default.isExecutableFile(atPath: "/usr/bin/aws") ? 2 : 1
        #expect(lines.filter { $0.hasPrefix(Self.target + "rolecall-") }.count == expectedClients, "\(outcome.stdout)")
        #expect(world.createSessions.count == 1, "the source's one session")
        let assumed = assumeRoles(world)
        #expect(assumed.map(\.status) == [200] && assumed.first?.durationSeconds == 3600, "\(assumed)")
        // The child has the target's key, not the source's that signed AssumeRole.
        let sourceKey = try #require(assumed.first?.accessKeyId)
        let childLine = try #require(lines.last)
        #expect(childLine.hasPrefix("key=ASIA") && !childLine.contains(sourceKey), "\(childLine)")
        #expect(childLine.hasSuffix("region=us-east-1"), "\(childLine)")
        // A per-session source keeps the chain out of credential_process.
        let refused = try await world.rolecall(["credential-process", "--profile", "admin"])
        #expect(refused.status != 0 && refused.error is CredentialProcessRefused, "\(refused.stderr)")
    }

    /// A chained session over an hour is refused before the code is spent: the same code opens the
    /// chain afterwards.
    @Test func aChainedSessionOverAnHourIsRefusedWithoutSpendingTheCode() async throws {
        let (world, url) = try await world()
        let code = world.code()
        let tooLong = try await world.rolecall(["exec", "--profile", "admin", "--duration", "2h", "--mfa-code", code, "--", "true"],
                                               environment: ["AWS_ENDPOINT_URL_STS": url])
        #expect(tooLong.status != 0 && (tooLong.error as? SessionError)?.code == .chainedDurationTooLong, "\(tooLong.stderr)")
        #expect(world.createSessions.isEmpty, "refused before the code is spent")
        let opened = try await world.rolecall(["exec", "--profile", "admin", "--mfa-code", code, "--", "true"], environment: ["AWS_ENDPOINT_URL_STS": url])
        #expect(opened.status == 0, "the code is still unspent: \(opened.stderr)")
    }

    @Test func assumeRoleRefusalsSayWhatToFix() async throws {
        let (world, url) = try await world()
        // Which words go with which refusal: AssumeRoleTests.theEmulatorRefusesWhatAWSRefuses.
        for (name, role, extra) in [
            ("partner-wrong", EmulatorHarness.partnerRoleArn, ["--external-id", "wrong-id"]),
            ("unlisted", EmulatorHarness.otherRoleArn, []),
        ] {
            let added = try await world.rolecall(["profile", "add", name, "--source-profile", "dev", "--role-arn", role] + extra)
            try #require(added.status == 0, "\(added.stderr)")
            let outcome = try await world.rolecall(["exec", "--profile", name, "--mfa-code", world.freshCode(), "--", "true"], environment: ["AWS_ENDPOINT_URL_STS": url])
            let refusal = outcome.error as? STSError
            #expect(outcome.status != 0 && refusal?.code == .accessDenied && refusal?.awsErrorCode == "AccessDenied", "\(name): \(outcome.stderr)")
        }
        #expect(assumeRoles(world).map(\.status) == [403, 403])
    }

    /// The external ID is what the partner role's trust policy needs (MFA off here: one world, many sessions).
    @Test func thePartnerRoleNeedsItsExternalId() async throws {
        let (world, url) = try await world(mfa: "off")
        for (name, extra, expected) in [("partner-none", [String](), false), ("partner", ["--external-id", EmulatorHarness.partnerExternalId], true)] {
            let added = try await world.rolecall(["profile", "add", name, "--source-profile", "dev", "--role-arn", EmulatorHarness.partnerRoleArn] + extra)
            try #require(added.status == 0, "\(added.stderr)")
            let outcome = try await world.rolecall(["exec", "--profile", name, "--", "sh", "-c", "echo $ROLECALL_ROLE_ARN"], environment: ["AWS_ENDPOINT_URL_STS": url])
            #expect((outcome.status == 0) == expected, "\(name): \(outcome.stderr)")
            #expect(expected ? outcome.stdout.contains("partner-role") : (outcome.error as? STSError)?.code == .accessDenied, "\(name): \(outcome.stderr)")
        }
        #expect(assumeRoles(world).map(\.status) == [403, 200])
    }

    @Test func profileChangesKeepChainsWhole() async throws {
        let (world, _) = try await world()
        let long = try await world.rolecall(["profile", "add", "long", "--source-profile", "dev", "--role-arn", EmulatorHarness.targetRoleArn, "--duration", "2h"])
        #expect(long.status != 0 && (long.error as? ConfigError)?.code == .invalidChainedDuration, "\(long.stderr)")
        let orphan = try await world.rolecall(["profile", "add", "orphan", "--source-profile", "nobody", "--role-arn", EmulatorHarness.targetRoleArn])
        #expect(orphan.status != 0 && (orphan.error as? ConfigError)?.code == .unknownSourceProfile, "\(orphan.stderr)")
        let twice = try await world.rolecall(["profile", "add", "twice", "--source-profile", "admin", "--role-arn", EmulatorHarness.targetRoleArn])
        #expect(twice.status != 0 && (twice.error as? ConfigError)?.code == .sourceIsChained, "\(twice.stderr)")
        let mixed = try await world.rolecall(["profile", "add", "mixed", "--source-profile", "dev", "--role-arn", EmulatorHarness.targetRoleArn,
                                              "--profile-arn", EmulatorHarness.profileArn])
        #expect(mixed.status != 0 && mixed.stderr.contains("--profile-arn comes from the source profile"), "a usage error, with no code: \(mixed.stderr)")
        let removeSource = try await world.rolecall(["profile", "remove", "dev"])
        #expect(removeSource.status != 0 && (removeSource.error as? ConfigError)?.code == .sourceOfOthers, "\(removeSource.stderr)")
        let shown = try await world.rolecall(["profile", "show", "admin"])
        #expect(shown.stdout.contains("source profile:    dev") && shown.stdout.contains("its MFA: required"), "\(shown.stdout)")
        #expect(try await world.rolecall(["profile", "remove", "admin"]).status == 0)
        #expect(try await world.rolecall(["profile", "remove", "dev"]).status == 0)
    }

    /// The supervisor refreshes with AssumeRole, signed with the source session it keeps. The
    /// emulator's target credentials live 302 s here, so with the supervisor's 5-minute margin a
    /// refresh is due two seconds after each AssumeRole: boto3's one session, whose credentials are
    /// always within its own refresh window, asks the endpoint again on each call until it sees a new
    /// key (or gives up after 30 s), with no fixed wait.
    @Test func boto3SeesTheChainedRoleThroughExecServerBeforeAndAfterARefresh() async throws {
        let (world, url) = try await world(assumedLifetime: 302)
        let script = """
        import boto3, time
        session = boto3.Session()
        sts = session.client("sts", endpoint_url="\(url)")
        def seen():
            return sts.get_caller_identity()["Arn"], session.get_credentials().get_frozen_credentials().access_key
        first = latest = seen()
        print(*first)
        deadline = time.monotonic() + 30
        while latest[1] == first[1] and time.monotonic() < deadline:
            time.sleep(0.2)
            latest = seen()
        print(*latest)
        """
        let outcome = try await world.rolecall(["exec", "--server", "--profile", "admin", "--mfa-code", world.code(), "--", Paths.python, "-c", script],
                                               environment: ["AWS_ENDPOINT_URL_STS": url])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let lines = outcome.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(lines.count == 2 && lines.allSatisfy { $0.first?.hasPrefix(Self.target) == true }, "\(outcome.stdout)")
        #expect(lines.count == 2 && lines[0].last != lines[1].last, "a refreshed key the second time: \(outcome.stdout)")
        // STS saw boto3's calls signed with more than one key: a refreshed one signed too. (The keys
        // printed can be later ones: once a refresh is due, every look at the credentials refreshes.)
        let signers = Set(world.harness?.records.filter { $0.action == "sts:GetCallerIdentity" }.compactMap(\.accessKeyId) ?? [])
        #expect(signers.count >= 2, "\(signers)")
        #expect(outcome.stderr.contains("by AssumeRole with sessions of profile dev"), "\(outcome.stderr)")
        #expect(assumeRoles(world).count >= 2, "\(assumeRoles(world).count) AssumeRole calls")
        #expect(world.createSessions.count == 1, "the source session is kept for the refresh")
    }

    @Test func aChainFromAProfileWithoutMFAWorksAsCredentialProcessForTheAWSCLI() async throws {
        let (world, url) = try await world(mfa: "off")
        try "[profile admin]\ncredential_process = \(Paths.rolecall) credential-process --profile admin\nregion = us-east-1\n"
            .write(toFile: world.base + "/aws-config", atomically: true, encoding: .utf8)
        let outcome = try await ProcessRunner.run("aws", ["sts", "get-caller-identity", "--profile", "admin", "--endpoint-url", url, "--query", "Arn", "--output", "text"],
                                                  environment: world.environment.merging(["AWS_ENDPOINT_URL_STS": url]) { $1 })
        #expect(outcome.status == 0 && outcome.stdout.hasPrefix(Self.target), "\(outcome.stdout) \(outcome.stderr)")
        #expect(assumeRoles(world).count == 1)
    }

    /// libxml2 (and the ICU it links) is loaded by the chained path only: the dynamic loader's own
    /// record of the files it opened says so.
    @Test func libxml2IsLoadedOnlyWhenARoleIsChained() async throws {
        let (world, url) = try await world(mfa: "off")
        // What the dynamic loader does for a program of its own.
        let plain = try await world.rolecallProcess(["exec", "--profile", "dev", "--", "true"], environment: ["LD_DEBUG": "files"])
        let chained = try await world.rolecallProcess(["exec", "--profile", "admin", "--", "true"], environment: ["LD_DEBUG": "files", "AWS_ENDPOINT_URL_STS": url])
        #expect(plain.status == 0 && chained.status == 0, "\(plain.stderr.suffix(500)) \(chained.stderr.suffix(500))")
        #expect(plain.stderr.contains("file=") && !plain.stderr.contains("libxml2"), "the loader's record, without libxml2")
        #expect(chained.stderr.contains("file=libxml2.so"), "\(chained.stderr.suffix(2000))")
    }

    @Test func theConsoleOfAChainedRoleLastsAtMostAnHour() async throws {
        let (world, url) = try await world()
        let outcome = try await world.rolecall(["console", "--profile", "admin", "--mfa-code", world.code(), "--print"],
                                               environment: ["ROLECALL_SIGNIN_ENDPOINT": url, "AWS_ENDPOINT_URL_STS": url])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let federation = world.harness?.records.filter { $0.action == "federation" } ?? []
        #expect(federation.map(\.status) == [200], "\(federation)")
        #expect(federation.first.flatMap(\.durationSeconds).map { (3500...3600).contains($0) } == true, "\(federation)")
        #expect(federation.first?.roleArn == EmulatorHarness.targetRoleArn)
    }
}
