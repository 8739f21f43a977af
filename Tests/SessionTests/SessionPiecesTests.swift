import Foundation
import Issuance
import RolesAnywhere
import Session
import Testing

@Suite struct SessionPiecesTests {
    static func profile(_ name: String, role: String = "arn:aws:iam::123456789012:role/dev") -> Profile {
        Profile(name: name, roleArn: role, kind: .localCA(.init(profileArn: "arn:aws:rolesanywhere:us-east-1:123456789012:profile/p",
                                                                trustAnchorArn: "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/t")))
    }

    let profiles = [profile("dev"), profile("prod", role: "arn:aws:iam::123456789012:role/prod"), profile("prod-ro", role: "arn:aws:iam::123456789012:role/prod")]

    @Test func selectionOrder() throws {
        #expect(try ProfileSelection.select(name: "prod", roleArn: nil, environment: [:], from: profiles).name == "prod")
        #expect(try ProfileSelection.select(name: nil, roleArn: "arn:aws:iam::123456789012:role/dev", environment: [:], from: profiles).name == "dev")
        #expect(try ProfileSelection.select(name: nil, roleArn: nil, environment: ["ROLECALL_PROFILE": "prod-ro"], from: profiles).name == "prod-ro")
        #expect(try ProfileSelection.select(name: nil, roleArn: nil, environment: [:], from: [profiles[0]]).name == "dev")
    }

    @Test func selectionErrorsNameWhatToDo() {
        #expect { try ProfileSelection.select(name: nil, roleArn: "arn:aws:iam::123456789012:role/prod", environment: [:], from: profiles) }
            throws: { ($0 as? ConfigError)?.code == .severalProfilesForRole && "\($0)".contains("--profile prod or --profile prod-ro") }
        #expect { try ProfileSelection.select(name: nil, roleArn: "arn:aws:iam::123456789012:role/none", environment: [:], from: profiles) }
            throws: { ($0 as? ConfigError)?.code == .noProfileForRole && "\($0)".contains("rolecall profile add") && "\($0)".contains("dev (arn:aws:iam::123456789012:role/dev)") }
        #expect { try ProfileSelection.select(name: nil, roleArn: nil, environment: [:], from: profiles) }
            throws: {
                ($0 as? ConfigError)?.code == .severalProfiles && "\($0)".contains("--profile or --aws-role")
                    && "\($0)".contains("dev (arn:aws:iam::123456789012:role/dev)")
            }
        #expect { try ProfileSelection.select(name: nil, roleArn: nil, environment: [:], from: []) }
            throws: { ($0 as? ConfigError)?.code == .noProfile && "\($0)".contains("rolecall profile add") }
        #expect { try ProfileSelection.select(name: "nope", roleArn: nil, environment: [:], from: profiles) }
            throws: { ($0 as? ConfigError)?.code == .unknownProfile && "\($0)".contains("no profile named nope") }
    }

    /// A child's environment from one that names another profile, endpoint and key.
    static func childEnvironment() -> [String: String] {
        let credentials = AWSCredentials(accessKeyId: "ASIAX", secretAccessKey: SecretBytes("s"), sessionToken: SecretBytes("t"), expiration: Date(timeIntervalSince1970: 1_900_000_000))
        let base = ["AWS_PROFILE": "old", "AWS_DEFAULT_PROFILE": "old", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://x", "AWS_ACCESS_KEY_ID": "AKIAOLD", "PATH": "/bin"]
        return SessionEnvironment.child(of: base, adding: SessionEnvironment.staticCredentials(credentials, region: "eu-west-1", session: "dev", roleArn: "arn:r"))
    }

    @Test func childEnvironmentDropsWhatWouldOverrideTheSession() {
        let child = Self.childEnvironment()
        #expect(child["AWS_PROFILE"] == nil && child["AWS_DEFAULT_PROFILE"] == nil && child["AWS_CONTAINER_CREDENTIALS_FULL_URI"] == nil)
    }

    @Test func childEnvironmentCarriesTheSession() {
        let child = Self.childEnvironment()
        #expect(child["AWS_ACCESS_KEY_ID"] == "ASIAX" && child["AWS_SECRET_ACCESS_KEY"] == "s" && child["AWS_SESSION_TOKEN"] == "t")
        #expect(child["AWS_CREDENTIAL_EXPIRATION"] == "2030-03-17T17:46:40Z")
        #expect(child["AWS_REGION"] == "eu-west-1" && child["AWS_DEFAULT_REGION"] == "eu-west-1")
        #expect(child["ROLECALL_SESSION"] == "dev")
    }

    @Test func childEnvironmentKeepsTheRest() {
        #expect(Self.childEnvironment()["PATH"] == "/bin")
    }

    @Test func profileValidation() {
        #expect(throws: Never.self) { try Self.profile("ok").validate() }
        var bad = Self.profile("x y")
        #expect { try bad.validate() } throws: { ($0 as? ConfigError)?.code == .invalidName }
        bad = Self.profile("dev")
        bad.durationSeconds = 600
        #expect { try bad.validate() } throws: { ($0 as? ConfigError)?.code == .invalidDuration && "\($0)".contains("15m") }
        bad = Self.profile("dev")
        bad.kind = .localCA(.init(profileArn: "arn:aws:rolesanywhere:us-east-1:123456789012:profile/p",
                                  trustAnchorArn: "arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/t"))
        #expect { try bad.validate() } throws: { ($0 as? ConfigError)?.code == .invalidARN && "\($0)".contains("same region") }
        // AWS looks the profile up in the trust anchor's account, and a profile lists its own roles.
        bad = Self.profile("dev")
        bad.kind = .localCA(.init(profileArn: "arn:aws:rolesanywhere:us-east-1:123456789012:profile/p",
                                  trustAnchorArn: "arn:aws:rolesanywhere:us-east-1:210987654321:trust-anchor/t"))
        #expect { try bad.validate() } throws: { ($0 as? ConfigError)?.code == .invalidARN && "\($0)".contains("same account") }
        bad = Self.profile("dev")
        bad.endpoint = "http://example.com"
        #expect { try bad.validate() } throws: { ($0 as? ConfigError)?.code == .invalidEndpoint && "\($0)".contains("clear text") }
    }

    @Test func credentialProcessRefusalShowsTheCommandsThatWork() {
        let text = CredentialProcessOutput.refusal(profile: "team's dev")
        #expect(text.contains(#"eval "$(rolecall agent --shell-pid $$ --profile 'team'\''s dev')""#))
        #expect(text.contains(#"rolecall exec --server --profile 'team'\''s dev' -- COMMAND"#))
        #expect(text.contains("not inside a tree that holds its session"))
        #expect(!text.hasPrefix("rolecall:"), "the command line adds the prefix")
    }

    @Test func exitCodesFromWaitStatus() {
        #expect(ProcessLauncher.exitCode(fromWaitStatus: 7 << 8) == 7)
        #expect(ProcessLauncher.exitCode(fromWaitStatus: SIGINT) == 130)
        #expect(ProcessLauncher.exitCode(fromWaitStatus: SIGKILL) == 137)
    }
}

@Suite struct ChildWaitTests {
    /// More children being waited for than the cooperative pool has threads: async work (the
    /// `--server` endpoint's handlers, in real life) must still run while they live.
    @Test func waitingForChildrenLeavesThePoolFree() async throws {
        let count = ProcessInfo.processInfo.activeProcessorCount + 2
        let pids = try (0..<count).map { _ in
            try ProcessLauncher.spawn(command: ["/bin/sleep", "60"], environment: ["PATH": "/bin:/usr/bin"],
                                      coreLimit: CoreLimit.current(), ownProcessGroup: true)
        }
        let waits = pids.map { pid in Task { await ProcessLauncher.waitOffThePool(for: pid) } }
        let clock = ContinuousClock()
        let started = clock.now
        // Give the waits time to start, then ask the pool for a little work.
        try await Task.sleep(for: .milliseconds(200))
        let answered = await Task { clock.now }.value
        // Long before the children would exit, with room for a loaded machine and the other suites.
        #expect(answered - started < .seconds(30), "async work waited for the children to exit")
        for pid in pids { kill(pid, SIGKILL) }
        for wait in waits { #expect(await wait.value == 128 + SIGKILL) }
    }
}
