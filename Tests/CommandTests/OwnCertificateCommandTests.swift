import Crypto
import Foundation
import RolesAnywhere
import RolesAnywhereEmulator
import Session
import Testing
import TestSupport
import X509

/// Profiles that bring their own certificate (a corporate PKI's), with the key in a file or on a
/// token: no `rolecall init`, no CA of rolecall's (docs/tokens.md).
@Suite(.removesTemporaryFiles) struct OwnCertificateCommandTests {
    /// A home with no `init`, a PKI the emulator trusts, and the emulator.
    struct World {
        let base: String
        let pki: TestPKI
        let harness: EmulatorHarness
        var environment: [String: String]
        /// False with a token: its PKCS#11 module reads its configuration from the environment of
        /// the process that loads it, so those worlds start the program (as `CLIWorld` does).
        var inProcess = true

        /// A corporate certificate lives months; a day is enough here.
        static var corporateNotAfter: Date { Date().addingTimeInterval(86_400) }

        static func make(extraEnvironment: [String: String] = [:]) async throws -> World {
            let base = try Paths.temporaryDirectory("rolecall-own")
            let pki = try TestPKI.make(name: "Corporate Root")
            let harness = try await EmulatorHarness.start(try EmulatorHarness.standardConfig(caPEM: pki.root.certificate.pem, directory: base))
            let environment = [
                "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": base, "ROLECALL_HOME": base + "/home",
                "LANG": "C.UTF-8", "AWS_CONFIG_FILE": base + "/aws-config", "AWS_SHARED_CREDENTIALS_FILE": base + "/aws-credentials",
            ].merging(extraEnvironment) { $1 }
            return World(base: base, pki: pki, harness: harness, environment: environment, inProcess: extraEnvironment.isEmpty)
        }

        func rolecall(_ arguments: [String], environment extra: [String: String] = [:]) async throws -> ProcessOutcome {
            let environment = environment.merging(extra) { $1 }
            guard inProcess else { return try await ProcessRunner.run(Paths.rolecall, arguments, environment: environment) }
            return await InProcessCommand.run(arguments, environment: environment, now: Date.init,
                                              workingDirectory: FileManager.default.currentDirectoryPath)
        }

        func write(_ name: String, _ text: String, mode: Int = 0o600) throws -> String {
            let path = base + "/" + name
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
            return path
        }

        func addProfile(_ name: String, _ flags: [String]) async throws -> ProcessOutcome {
            try await rolecall(["profile", "add", name, "--role-arn", EmulatorHarness.roleArn, "--profile-arn", EmulatorHarness.profileArn,
                                "--trust-anchor-arn", EmulatorHarness.trustAnchorArn, "--endpoint", harness.url] + flags)
        }

        var createSessions: [RequestRecord] { harness.records.filter { $0.action == "CreateSession" } }
    }

    @Test(arguments: ["p256", "rsa"])
    func aKeyFileSignsAsAWSsOwnSignerDoes(_ type: String) async throws {
        let world = try await World.make()
        let key: SigningKey = type == "rsa" ? try .testRSA() : .p256(.init())
        let intermediate = try world.pki.intermediate()
        let certificate = try world.write("corp.pem", try world.pki.leaf(for: key, issuer: intermediate, notAfter: World.corporateNotAfter).pem, mode: 0o644)
        let chain = try world.write("chain.pem", intermediate.certificate.pem, mode: 0o644)
        let keyFile = try world.write("corp.key", key.testPEM)
        let added = try await world.addProfile("corp", ["--certificate", certificate, "--private-key", keyFile, "--intermediates", chain])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stderr.contains("MFA off"), "a key file's profile has no per-session factor: \(added.stderr)")

        let process = try await world.rolecall(["credential-process", "--profile", "corp"])
        #expect(process.status == 0, "\(process.stderr)")
        #expect(process.stdout.contains("\"AccessKeyId\":\"ASIA"))
        let exec = try await world.rolecall(["exec", "--profile", "corp", "--", "aws", "sts", "get-caller-identity", "--endpoint-url", world.harness.url, "--output", "text"])
        #expect(exec.status == 0, "\(exec.stderr)")
        let config = try await world.rolecall(["aws-config", "--profile", "corp"])
        #expect(config.stdout.contains("credential_process = "))
        // The same certificate and key through AWS's Python client: the emulator accepts both alike.
        let answer = try await Python.crosscheck("session", [
            "profileArn": EmulatorHarness.profileArn, "roleArn": EmulatorHarness.roleArn, "trustAnchorArn": EmulatorHarness.trustAnchorArn,
            "certificate": try world.pki.leaf(for: key, notAfter: World.corporateNotAfter).pem, "privateKey": key.testPEM,
            "endpoint": String(world.harness.url.dropFirst("http://".count)), "durationSeconds": 900,
        ])
        #expect((answer["accessKeyId"] as? String)?.hasPrefix("ASIA") == true)
        #expect(world.createSessions.count == 3 && world.createSessions.allSatisfy { $0.status == 201 }, "\(world.createSessions.map(\.status))")
    }

    /// Encrypted PKCS#8 files written by OpenSSL: PBES2 with the default PBKDF2-HMAC-SHA-256 and
    /// AES-256-CBC, and with HMAC-SHA-1 and AES-128-CBC; the passphrase from the profile's --pin-command.
    @Test(arguments: [["-v2", "aes-256-cbc"], ["-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA1", "-iter", "10000"]])
    func anEncryptedKeyFileOpensWithItsPassphrase(_ scheme: [String]) async throws {
        let world = try await World.make()
        let key = SigningKey.p256(.init())
        let certificate = try world.write("corp.pem", try world.pki.leaf(for: key, notAfter: World.corporateNotAfter).pem, mode: 0o644)
        let plain = try world.write("plain.key", key.testPEM)
        let passphrase = "correct horse battery"
        let passphraseFile = try world.write("passphrase", passphrase + "\n")
        let keyFile = world.base + "/corp.key"
        let converted = try await ProcessRunner.run("openssl", ["pkcs8", "-topk8", "-in", plain, "-out", keyFile, "-passout", "file:\(passphraseFile)"] + scheme)
        #expect(converted.status == 0, "\(converted.stderr)")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile)
        #expect(try String(contentsOfFile: keyFile, encoding: .utf8).hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----"))

        let added = try await world.addProfile("corp", ["--certificate", certificate, "--private-key", keyFile, "--pin-command", "cat \(passphraseFile)"])
        #expect(added.status == 0, "\(added.stderr)")
        let process = try await world.rolecall(["credential-process", "--profile", "corp"])
        #expect(process.status == 0, "\(process.stderr)")
        #expect(process.stdout.contains("\"AccessKeyId\":\"ASIA"))

        let wrong = try await world.rolecall(["exec", "--profile", "corp", "--pin-command", "echo not-the-passphrase", "--", "true"])
        #expect(wrong.status == 1)
        #expect((wrong.error as? OwnCertificateError)?.code == .encryptedKeyNotOpened && !wrong.stderr.contains("not-the-passphrase"), "\(wrong.stderr)")
        #expect(world.createSessions.map(\.status) == [201])
    }

    /// A role chained from a profile whose own certificate ends in 20 minutes lasts no longer than
    /// the certificate, not the hour a chain could have.
    @Test func aChainFromAnOwnCertificateEndsWithTheCertificate() async throws {
        let world = try await World.make()
        let key = SigningKey.p256(.init())
        let certificate = try world.write("corp.pem", try world.pki.leaf(for: key, notAfter: Date().addingTimeInterval(1200)).pem, mode: 0o644)
        let keyFile = try world.write("corp.key", key.testPEM)
        let added = try await world.addProfile("corp", ["--certificate", certificate, "--private-key", keyFile, "--mfa", "off"])
        try #require(added.status == 0, "\(added.stderr)")
        let chained = try await world.rolecall(["profile", "add", "admin", "--source-profile", "corp", "--role-arn", EmulatorHarness.targetRoleArn])
        try #require(chained.status == 0, "\(chained.stderr)")
        let outcome = try await world.rolecall(["exec", "--profile", "admin", "--", "true"], environment: ["AWS_ENDPOINT_URL_STS": world.harness.url])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let assumed = world.harness.records.filter { $0.action == "sts:AssumeRole" }
        #expect(assumed.count == 1 && assumed.first.flatMap(\.durationSeconds).map { (1150...1200).contains($0) } == true, "\(assumed)")
    }

    @Test func anOlderEncryptionSchemeIsRefusedSayingHowToConvert() async throws {
        let world = try await World.make()
        let key = SigningKey.p256(.init())
        let certificate = try world.write("corp.pem", try world.pki.leaf(for: key, notAfter: World.corporateNotAfter).pem, mode: 0o644)
        let plain = try world.write("plain.key", key.testPEM)
        let keyFile = world.base + "/corp.key"
        let converted = try await ProcessRunner.run("openssl", ["pkcs8", "-topk8", "-in", plain, "-out", keyFile, "-passout", "pass:old-scheme", "-v1", "PBE-SHA1-3DES"])
        #expect(converted.status == 0, "\(converted.stderr)")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile)
        let added = try await world.addProfile("corp", ["--certificate", certificate, "--private-key", keyFile, "--pin-command", "echo old-scheme"])
        #expect(added.status == 1)
        #expect(added.stderr.contains("older scheme than PBES2") && added.stderr.contains("openssl pkcs8 -topk8 -v2 aes-256-cbc"), "\(added.stderr)")
    }

    @Test func aKeyFileOthersCanReadOrTheWrongKeyIsRefused() async throws {
        let world = try await World.make()
        let key = SigningKey.p256(.init())
        let certificate = try world.write("corp.pem", try world.pki.leaf(for: key, notAfter: World.corporateNotAfter).pem, mode: 0o644)
        let loose = try world.write("loose.key", key.testPEM, mode: 0o640)
        let refused = try await world.addProfile("corp", ["--certificate", certificate, "--private-key", loose])
        #expect(refused.status == 1)
        #expect((refused.error as? OwnCertificateError)?.code == .readableByOthers && refused.stderr.contains("chmod 600"), "\(refused.stderr)")
        let other = try world.write("other.key", SigningKey.p256(.init()).testPEM)
        let mismatched = try await world.addProfile("corp", ["--certificate", certificate, "--private-key", other])
        #expect(mismatched.status == 1)
        #expect((mismatched.error as? OwnCertificateError)?.code == .keyMismatch, "\(mismatched.stderr)")
        let keyFile = try world.write("corp.key", key.testPEM)
        let totp = try await world.addProfile("corp", ["--certificate", certificate, "--private-key", keyFile, "--mfa", "required"])
        #expect(totp.status == 1)
        #expect((totp.error as? ConfigError)?.code == .mfaRequiredWithOwnCertificate, "\(totp.stderr)")
        #expect(!refused.stderr.contains("PRIVATE KEY") && !mismatched.stderr.contains("PRIVATE KEY"))
        // A certificate about to expire cannot carry a 15-minute session.
        let expiring = try world.write("expiring.pem", try world.pki.leaf(for: key, notAfter: Date().addingTimeInterval(120)).pem, mode: 0o644)
        let added = try await world.addProfile("soon", ["--certificate", expiring, "--private-key", keyFile])
        #expect(added.status == 0, "\(added.stderr)")
        let exec = try await world.rolecall(["exec", "--profile", "soon", "--", "true"])
        #expect(exec.status == 1)
        #expect((exec.error as? OwnCertificateError)?.code == .expiresTooSoon && exec.stderr.contains("renew the certificate"), "\(exec.stderr)")
        #expect(world.createSessions.isEmpty)
    }

    /// The key generated on the token by pkcs11-tool, the certificate in a file or on the token too.
    @Test(.enabled(if: SoftHSM.isUsable), arguments: [false, true])
    func aKeyOnATokenAsksForThePINEachSession(certificateOnToken: Bool) async throws {
        let softHSM = try SoftHSM.make()
        try await softHSM.addToken("corp")
        let world = try await World.make(extraEnvironment: softHSM.environment)
        let made = try await softHSM.pkcs11Tool(["--token-label", "corp", "--keypairgen", "--key-type", "EC:prime256v1", "--label", "corp-key", "--id", "42"])
        #expect(made.status == 0, "\(made.stderr)")
        let publicKeyFile = world.base + "/corp-public.der"
        let read = try await softHSM.pkcs11Tool(["--token-label", "corp", "--read-object", "--type", "pubkey", "--id", "42", "-o", publicKeyFile], login: false)
        #expect(read.status == 0, "\(read.stderr)")
        let publicKey = Certificate.PublicKey(try P256.Signing.PublicKey(derRepresentation: Array(try Data(contentsOf: URL(fileURLWithPath: publicKeyFile)))))
        let leaf = try world.pki.leaf(forPublicKey: publicKey, notAfter: World.corporateNotAfter)
        var certificate = try world.write("corp.pem", leaf.pem, mode: 0o644)
        if certificateOnToken {
            let der = world.base + "/corp.der"
            try Data(try leaf.derBytes()).write(to: URL(fileURLWithPath: der))
            let written = try await softHSM.pkcs11Tool(["--token-label", "corp", "--write-object", der, "--type", "cert", "--id", "42", "--label", "corp-cert"])
            #expect(written.status == 0, "\(written.stderr)")
            certificate = "pkcs11:token=corp;object=corp-cert;type=cert"
        }
        let added = try await world.addProfile("corp", ["--certificate", certificate, "--private-key", "pkcs11:token=corp;id=%42",
                                                        "--pkcs11-module", SoftHSM.modulePath])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stderr.contains("MFA token"), "the key on a token makes its PIN the per-session factor: \(added.stderr)")

        let pinFile = try world.write("pin", SoftHSM.userPIN + "\n")
        let exec = try await world.rolecall(["exec", "--profile", "corp", "--pin-command", "cat \(pinFile)", "--",
                                             "aws", "sts", "get-caller-identity", "--endpoint-url", world.harness.url, "--output", "text"])
        #expect(exec.status == 0, "\(exec.stderr)")
        #expect(exec.stdout.contains("assumed-role/test-role/"))
        let wrong = try await world.rolecall(["exec", "--profile", "corp", "--pin-command", "echo 0000", "--", "true"])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("refused the PIN"), "\(wrong.stderr)")
        let process = try await world.rolecall(["credential-process", "--profile", "corp"])
        #expect(process.status != 0 && process.stdout.isEmpty)
        #expect(world.createSessions.count == 1)
    }
}
