import Foundation
import IssuanceCore
import Testing
import TestSupport

/// A home written before profiles gained `--mfa token` and CAs their `tokenKey` still works
/// (Tests/Fixtures/home-before-tokens).
@Suite(.removesTemporaryFiles) struct FormatCompatibilityTests {
    @Test func aHomeFromBeforeTokensStillLoadsAndSigns() async throws {
        let base = try Paths.temporaryDirectory("rolecall-compat")
        let home = base + "/home"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        for file in ["config.json", "issuer.json", "mfa-state.json"] {
            try FileManager.default.copyItem(atPath: Paths.packageRoot + "/Tests/Fixtures/home-before-tokens/" + file, toPath: home + "/" + file)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: home + "/" + file)
        }
        let issuer = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: home + "/issuer.json"))) as? [String: Any])
        let authority = try #require((issuer["authorities"] as? [[String: Any]])?.first)
        let caPEM = try #require(authority["certificatePEM"] as? String)
        let seed = try #require((issuer["devices"] as? [[String: Any]])?.first?["secretBase32"] as? String)
        var environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": base, "ROLECALL_HOME": home, "LANG": "C.UTF-8"]
        func rolecall(_ arguments: [String], _ environment: [String: String]) async throws -> ProcessOutcome {
            try await ProcessRunner.run(Paths.rolecall, arguments, environment: environment)
        }

        let list = try await rolecall(["profile", "list"], environment)
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("dev\trequired\t") && list.stdout.contains("ci\toff\t"), "\(list.stdout)")
        let shown = try await rolecall(["ca", "show"], environment)
        #expect(shown.stdout == caPEM + "\n" || shown.stdout == caPEM, "\(shown.stdout)")

        let harness = try await EmulatorHarness.start(try EmulatorHarness.standardConfig(caPEM: caPEM, directory: base))
        environment["AWS_ENDPOINT_URL_ROLESANYWHERE"] = harness.url
        let code = TOTP.code(secret: try TOTPSecret.fromBase32(seed), step: TOTP.step(at: Date()))
        let exec = try await rolecall(["exec", "--profile", "dev", "--mfa-code", code, "--", "true"], environment)
        #expect(exec.status == 0, "\(exec.stderr)")
        let process = try await rolecall(["credential-process", "--profile", "ci"], environment)
        #expect(process.stdout.contains("\"AccessKeyId\""), "\(process.stderr)")
        #expect(harness.records.filter { $0.action == "CreateSession" && $0.status == 201 }.count == 2)
    }
}
