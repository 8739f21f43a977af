import Foundation
import IssuanceCore
import Testing
import TestSupport

/// Homes written by older versions still work: before profiles gained `--mfa token` and CAs their
/// `tokenKey` (Tests/Fixtures/home-before-tokens), and before a profile's kind was explicit, when
/// chained profiles were stored with empty Roles Anywhere ARNs (Tests/Fixtures/home-chained-before-kinds).
@Suite(.removesTemporaryFiles) struct FormatCompatibilityTests {
    /// A home of `home-before-tokens`' files, its `config.json` from `configFixture`.
    struct OldHome {
        let base: String, home: String, caPEM: String, seed: String
        var environment: [String: String]

        init(configFixture: String = "home-before-tokens") throws {
            base = try Paths.temporaryDirectory("rolecall-compat")
            home = base + "/home"
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            for (file, fixture) in [("config.json", configFixture), ("issuer.json", "home-before-tokens"), ("mfa-state.json", "home-before-tokens")] {
                try FileManager.default.copyItem(atPath: Paths.packageRoot + "/Tests/Fixtures/\(fixture)/" + file, toPath: home + "/" + file)
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: home + "/" + file)
            }
            let issuer = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: home + "/issuer.json"))) as? [String: Any])
            let authority = try #require((issuer["authorities"] as? [[String: Any]])?.first)
            caPEM = try #require(authority["certificatePEM"] as? String)
            seed = try #require((issuer["devices"] as? [[String: Any]])?.first?["secretBase32"] as? String)
            environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": base, "ROLECALL_HOME": home, "LANG": "C.UTF-8"]
        }

        func rolecall(_ arguments: [String], _ environment: [String: String]) async throws -> ProcessOutcome {
            try await ProcessRunner.run(Paths.rolecall, arguments, environment: environment)
        }

        func code() throws -> String { TOTP.code(secret: try TOTPSecret.fromBase32(seed), step: TOTP.step(at: Date())) }
    }

    @Test func aHomeFromBeforeTokensStillLoadsAndSigns() async throws {
        var old = try OldHome()
        let list = try await old.rolecall(["profile", "list"], old.environment)
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("dev\trequired\t") && list.stdout.contains("ci\toff\t"), "\(list.stdout)")
        let shown = try await old.rolecall(["ca", "show"], old.environment)
        #expect(shown.stdout == old.caPEM + "\n" || shown.stdout == old.caPEM, "\(shown.stdout)")

        let harness = try await EmulatorHarness.start(try EmulatorHarness.standardConfig(caPEM: old.caPEM, directory: old.base))
        old.environment["AWS_ENDPOINT_URL_ROLESANYWHERE"] = harness.url
        let exec = try await old.rolecall(["exec", "--profile", "dev", "--mfa-code", try old.code(), "--", "true"], old.environment)
        #expect(exec.status == 0, "\(exec.stderr)")
        let process = try await old.rolecall(["credential-process", "--profile", "ci"], old.environment)
        #expect(process.stdout.contains("\"AccessKeyId\""), "\(process.stderr)")
        #expect(harness.records.filter { $0.action == "CreateSession" && $0.status == 201 }.count == 2)
    }

    /// Chained profiles stored with `"profileArn": ""` load with their sources' MFA, sign through
    /// their sources, and the next write stores them without the empty ARNs.
    @Test func chainedProfilesFromBeforeKindsStillLoadAndAssumeTheirRoles() async throws {
        var old = try OldHome(configFixture: "home-chained-before-kinds")
        let list = try await old.rolecall(["profile", "list"], old.environment)
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("admin\trequired\t1h\t\(EmulatorHarness.targetRoleArn)") && list.stdout.contains("partner\toff\t30m\t"), "\(list.stdout)")

        let harness = try await EmulatorHarness.start(try EmulatorHarness.standardConfig(caPEM: old.caPEM, directory: old.base))
        old.environment["AWS_ENDPOINT_URL_ROLESANYWHERE"] = harness.url
        old.environment["AWS_ENDPOINT_URL_STS"] = harness.url
        let exec = try await old.rolecall(["exec", "--profile", "admin", "--mfa-code", try old.code(), "--", "sh", "-c", "echo $ROLECALL_ROLE_ARN"], old.environment)
        #expect(exec.status == 0 && exec.stdout.contains("target-role"), "\(exec.stderr)")
        let process = try await old.rolecall(["credential-process", "--profile", "partner"], old.environment)
        #expect(process.stdout.contains("\"AccessKeyId\""), "\(process.stderr)")
        #expect(harness.records.filter { $0.action == "sts:AssumeRole" }.map(\.status) == [200, 200])

        let set = try await old.rolecall(["profile", "set", "admin", "--sts-endpoint", harness.url], old.environment)
        #expect(set.status == 0, "\(set.stderr)")
        let written = try String(contentsOfFile: old.home + "/config.json", encoding: .utf8)
        #expect(!written.contains(#""profileArn" : """#) && !written.contains(#""trustAnchorArn" : """#), "\(written)")
        #expect(try await old.rolecall(["profile", "list"], old.environment).stdout == list.stdout)
    }
}
