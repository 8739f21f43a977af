import Foundation
import HTTPSTransport
import RolesAnywhere
import RolesAnywhereEmulator
import TestSupport
import Testing

/// The `rolesanywhere-emulator` executable's contract: first stdout line, request log, config errors.
@Suite(.removesTemporaryFiles) struct EmulatorExecutableTests {
    func writeConfig(_ directory: String, caPEM: String, dropping key: String? = nil) throws -> String {
        try caPEM.write(toFile: directory + "/ca.pem", atomically: true, encoding: .utf8)
        var object: [String: Any] = [
            "accountId": EmulatorHarness.account,
            "trustAnchors": [["arn": EmulatorHarness.trustAnchorArn, "certificatePath": "ca.pem", "enabled": true]],
            "profiles": [["arn": EmulatorHarness.profileArn, "roleArns": [EmulatorHarness.roleArn], "durationSeconds": 3600, "acceptRoleSessionName": false, "enabled": true]],
            "roles": [["arn": EmulatorHarness.roleArn, "maxSessionDuration": 3600]],
        ]
        if let key { object[key] = nil }
        let path = directory + "/emulator.json"
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// (That the URL is its first line is `startEmulator`'s check, for every test that starts it.)
    @Test(.timeLimit(.minutes(1))) func logsALineForEachRequestWithoutSecrets() async throws {
        let directory = try Paths.temporaryDirectory()
        let pki = try TestPKI.make()
        let config = try writeConfig(directory, caPEM: pki.root.certificate.pem)
        let (process, url, errors) = try await Self.startEmulator(config: config)
        defer { if process.isRunning { process.terminate(); process.waitUntilExit() } }

        let key = SigningKey.p256(.init())
        let client = CreateSessionClient(endpoint: try Endpoint(parsing: url), region: "us-east-1", transport: NIOClientTransport())
        let result = try await client.createSession(
            CreateSessionRequest(durationSeconds: 900, profileArn: EmulatorHarness.profileArn, roleArn: EmulatorHarness.roleArn, trustAnchorArn: EmulatorHarness.trustAnchorArn),
            identity: SigningIdentity(certificate: try pki.leaf(for: key), key: key, isSingleUse: true)
        )
        await #expect(throws: RolesAnywhereError.self) {
            try await client.createSession(
                CreateSessionRequest(durationSeconds: 899, profileArn: EmulatorHarness.profileArn, roleArn: EmulatorHarness.roleArn, trustAnchorArn: EmulatorHarness.trustAnchorArn),
                identity: SigningIdentity(certificate: try pki.leaf(for: key), key: key, isSingleUse: true)
            )
        }
        // A line for each request, once it is written; nothing more once the emulator has ended.
        var logged = errors.makeAsyncIterator()
        var lines = await logged.next(2)
        process.terminate()
        process.waitUntilExit()
        lines += await logged.rest()
        #expect(lines.count == 2, "\(lines)")
        let log = lines.joined(separator: "\n")
        let records = try lines.map { try JSONDecoder().decode(RequestRecord.self, from: Data($0.utf8)) }
        #expect(records.map(\.status) == [201, 400])
        #expect(records.first?.accessKeyId == result.credentials.accessKeyId)
        #expect(!log.contains(result.credentials.secretAccessKey.unsafeStringValue()))
        #expect(!log.contains(result.credentials.sessionToken.unsafeStringValue()))
    }

    /// `--example-config` prints a config that, with `ca.pem` beside it as its comments say, starts
    /// the emulator and serves a CreateSession for the ARNs it names.
    @Test(.timeLimit(.minutes(1))) func theExampleConfigWorksOnceItsCAIsInPlace() async throws {
        let directory = try Paths.temporaryDirectory()
        let example = try await ProcessRunner.run(Paths.emulator, ["--example-config"])
        #expect(example.status == 0, "\(example.stderr)")
        #expect(example.stdout.hasPrefix("// ") && example.stdout.contains("rolecall ca show > ca.pem"))
        try example.stdout.write(toFile: directory + "/emulator.json", atomically: true, encoding: .utf8)
        let pki = try TestPKI.make()
        try pki.root.certificate.pem.write(toFile: directory + "/ca.pem", atomically: true, encoding: .utf8)
        let loaded = try LoadedEmulatorConfig.load(path: directory + "/emulator.json")
        #expect(Set(loaded.roles.keys) == [ExampleConfig.roleArn, ExampleConfig.chainedRoleArn])
        #expect(loaded.roles[ExampleConfig.chainedRoleArn]?.externalId == "example-external-id")

        let (process, url, _) = try await Self.startEmulator(config: directory + "/emulator.json")
        defer { process.terminate(); process.waitUntilExit() }
        let key = SigningKey.p256(.init())
        let client = CreateSessionClient(endpoint: try Endpoint(parsing: url), region: "us-east-1", transport: NIOClientTransport())
        let result = try await client.createSession(
            CreateSessionRequest(durationSeconds: 900, profileArn: ExampleConfig.profileArn, roleArn: ExampleConfig.roleArn, trustAnchorArn: ExampleConfig.trustAnchorArn),
            identity: SigningIdentity(certificate: try pki.leaf(for: key), key: key, isSingleUse: true)
        )
        #expect(result.credentials.accessKeyId.hasPrefix("ASIA"))
    }

    /// The emulator executable on `config`, once it printed its URL (its first line), and the lines
    /// of its standard error (its request log).
    static func startEmulator(config: String) async throws -> (Process, String, OutputLines) {
        let (output, errors) = (OutputLines(), OutputLines())
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Paths.emulator)
        process.arguments = ["--config", config, "--port", "0"]
        process.environment = InheritedEnvironment.variables
        process.standardOutput = output.pipe
        process.standardError = errors.pipe
        try process.run()
        var printed = output.makeAsyncIterator()
        let url = await printed.next() ?? ""
        #expect(url.range(of: #"^http://127\.0\.0\.1:\d+$"#, options: .regularExpression) != nil, "first line: \(url)")
        return (process, url, errors)
    }

    @Test(arguments: ["roles", "trustAnchors"])
    func aBadConfigNamesTheKey(missing key: String) async throws {
        let directory = try Paths.temporaryDirectory()
        let config = try writeConfig(directory, caPEM: try TestPKI.make().root.certificate.pem, dropping: key)
        let outcome = try await ProcessRunner.run(Paths.emulator, ["--config", config, "--port", "0"])
        #expect(outcome.status == 1)
        #expect(outcome.stdout.isEmpty)
        #expect(outcome.stderr.contains("missing key \(key)"), "\(outcome.stderr)")
    }

    @Test func expiredCredentialsGetExpiredTokenFromSTS() async throws {
        let directory = try Paths.temporaryDirectory()
        let pki = try TestPKI.make()
        let clock = OffsetClock()
        let harness = try await EmulatorHarness.start(try EmulatorHarness.standardConfig(caPEM: pki.root.certificate.pem, directory: directory), now: { clock.now })
        defer { harness.stop() }
        let key = SigningKey.p256(.init())
        let client = CreateSessionClient(endpoint: try Endpoint(parsing: harness.url), region: "us-east-1", transport: NIOClientTransport())
        let result = try await client.createSession(
            CreateSessionRequest(durationSeconds: 900, profileArn: EmulatorHarness.profileArn, roleArn: EmulatorHarness.roleArn, trustAnchorArn: EmulatorHarness.trustAnchorArn),
            identity: SigningIdentity(certificate: try pki.leaf(for: key), key: key, isSingleUse: true)
        )
        clock.offset = 901
        let environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": directory,
            "AWS_ACCESS_KEY_ID": result.credentials.accessKeyId, "AWS_SECRET_ACCESS_KEY": result.credentials.secretAccessKey.unsafeStringValue(),
            "AWS_SESSION_TOKEN": result.credentials.sessionToken.unsafeStringValue(), "AWS_DEFAULT_REGION": "us-east-1",
        ]
        let outcome = try await ProcessRunner.run("aws", ["sts", "get-caller-identity", "--endpoint-url", harness.url], environment: environment)
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("ExpiredToken"), "\(outcome.stderr)")
    }
}

final class OffsetClock: @unchecked Sendable {
    private let lock = NSLock()
    private var seconds: TimeInterval = 0
    var offset: TimeInterval {
        get { lock.withLock { seconds } }
        set { lock.withLock { seconds = newValue } }
    }
    var now: Date { Date().addingTimeInterval(offset) }
}

@Suite(.removesTemporaryFiles) struct EmulatorConfigDefaultsTests {
    /// Only what AWS requires is required; the rest takes AWS's defaults.
    @Test func optionalKeysTakeAWSDefaults() throws {
        let json = """
            {"accountId": "123456789012",
             "trustAnchors": [{"arn": "\(EmulatorHarness.trustAnchorArn)", "certificatePath": "ca.pem"}],
             "profiles": [{"arn": "\(EmulatorHarness.profileArn)", "roleArns": ["\(EmulatorHarness.roleArn)"]}],
             "roles": [{"arn": "\(EmulatorHarness.roleArn)"}]}
            """
        let config = try JSONDecoder().decode(EmulatorConfig.self, from: Data(json.utf8))
        #expect(config.trustAnchors[0].enabled)
        #expect(config.profiles[0].enabled && !config.profiles[0].acceptRoleSessionName && config.profiles[0].durationSeconds == 3600)
        #expect(config.roles[0].maxSessionDuration == 3600)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(EmulatorConfig.self, from: Data(#"{"accountId":"1","trustAnchors":[{"arn":"a"}],"profiles":[],"roles":[]}"#.utf8))
        }
    }
}

@Suite(.removesTemporaryFiles) struct PythonClientOverHTTPTests {
    /// AWS's own client (signing, HTTP, JSON) against the emulator's HTTP endpoint, not just its handler.
    @Test func awsPythonClientGetsCredentialsFromTheEmulator() async throws {
        let pki = try TestPKI.make()
        let harness = try await EmulatorHarness.start(try EmulatorHarness.standardConfig(caPEM: pki.root.certificate.pem, directory: try Paths.temporaryDirectory()))
        defer { harness.stop() }
        let key = SigningKey.p256(.init())
        let answer = try await Python.crosscheck("session", [
            "profileArn": EmulatorHarness.profileArn, "roleArn": EmulatorHarness.roleArn, "trustAnchorArn": EmulatorHarness.trustAnchorArn,
            "certificate": try pki.leaf(for: key).pem, "privateKey": key.testPEM,
            "endpoint": String(harness.url.dropFirst("http://".count)), "durationSeconds": 900,
        ])
        #expect((answer["accessKeyId"] as? String)?.hasPrefix("ASIA") == true)
        let record = try #require(harness.records.last)
        #expect(record.action == "CreateSession" && record.status == 201 && record.durationSeconds == 900)
    }
}
