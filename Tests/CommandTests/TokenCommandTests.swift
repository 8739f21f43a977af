import Crypto
import Foundation
import Testing
import TestSupport
import X509

/// The local CA's key on a SoftHSM2 token, through the built `rolecall` (docs/tokens.md).
@Suite(.removesTemporaryFiles, .enabled(if: SoftHSM.isUsable))
struct TokenCommandTests {
    static let caKeyURI = "pkcs11:token=rolecall;object=rolecall-ca"

    /// A token, a PIN file only the test writes, `init --ca-key` and the emulator; profile `dev` with
    /// the MFA mode `profile add` chooses.
    struct TokenWorld {
        let world: CLIWorld
        let softHSM: SoftHSM
        let pinFile: String

        static func make(mfa: String? = nil) async throws -> TokenWorld {
            let softHSM = try SoftHSM.make()
            try await softHSM.addToken("rolecall")
            let pinDirectory = try Paths.temporaryDirectory("rolecall-pin")
            let pinFile = pinDirectory + "/pin"
            try (SoftHSM.userPIN + "\n").write(toFile: pinFile, atomically: true, encoding: .utf8)
            let world = try await CLIWorld.withEmulator(
                mfa: mfa,
                initArguments: ["--ca-key", caKeyURI, "--pkcs11-module", SoftHSM.modulePath, "--pin-command", "cat \(pinFile)"],
                extraEnvironment: softHSM.environment
            )
            return TokenWorld(world: world, softHSM: softHSM, pinFile: pinFile)
        }

        var pinCommand: [String] { ["--pin-command", "cat \(pinFile)"] }
    }

    @Test func initKeepsTheCAKeyOnTheTokenAndInNoFile() async throws {
        let token = try await TokenWorld.make()
        let world = token.world
        // pkcs11-tool (OpenSC) shows the key there, sensitive and never extractable.
        let listing = try await token.softHSM.pkcs11Tool(["--token-label", "rolecall", "--list-objects", "--type", "privkey"])
        #expect(listing.stdout.contains("label:      rolecall-ca"), "\(listing.stdout)")
        #expect(listing.stdout.contains("sensitive, always sensitive, never extractable"), "\(listing.stdout)")
        // The CA certificate certifies the token's own public key.
        let publicKeyFile = world.base + "/token-public-key.der"
        let read = try await token.softHSM.pkcs11Tool(["--token-label", "rolecall", "--read-object", "--type", "pubkey", "--label", "rolecall-ca",
                                                       "-o", publicKeyFile], login: false)
        #expect(read.status == 0, "\(read.stderr)")
        let certificate = try Certificate(pemEncoded: world.caPEM)
        let tokenPublicKey = Array(try Data(contentsOf: URL(fileURLWithPath: publicKeyFile)))
        #expect(Certificate.PublicKey(try P256.Signing.PublicKey(derRepresentation: tokenPublicKey)) == certificate.publicKey)
        #expect(certificate.publicKey.isValidSignature(certificate.signature, for: certificate))
        // No file in the home holds a private key; issuer.json names the token instead.
        for file in try FileManager.default.contentsOfDirectory(atPath: world.home) {
            #expect(!FileBytes.contains("\(world.home)/\(file)", "PRIVATE KEY"), "\(file) holds a private key")
        }
        let issuer = try String(contentsOfFile: world.home + "/issuer.json", encoding: .utf8)
        #expect(issuer.contains(Self.caKeyURI))
        #expect(issuer.contains(SoftHSM.modulePath))
        #expect(!issuer.contains("privateKeyPEM"))
        let profiles = try await world.rolecall(["profile", "list"])
        #expect(profiles.stdout.contains("dev\ttoken\t"), "profile add chose --mfa token: \(profiles.stdout)")
    }

    @Test func execSignsEachSessionsCertificateOnTheToken() async throws {
        let token = try await TokenWorld.make()
        let world = token.world
        let url = try #require(world.harness?.url)
        let outcome = try await world.rolecall(["exec", "--profile", "dev"] + token.pinCommand + ["--",
                                                "aws", "sts", "get-caller-identity", "--endpoint-url", url, "--output", "json"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("assumed-role/test-role/"))
        let sessions = world.createSessions
        #expect(sessions.count == 1)
        #expect(sessions.allSatisfy { $0.status == 201 && ($0.certificateLifetimeSeconds ?? .max) <= 70 }, "\(sessions.map { ($0.status, $0.certificateLifetimeSeconds, $0.refusal) })")
        // No TOTP code was asked for: the token is the factor.
        #expect(!outcome.stderr.contains("MFA code"))
    }

    @Test func aWrongPINMintsNothing() async throws {
        let token = try await TokenWorld.make()
        let world = token.world
        let wrongPIN = "97531"
        let outcome = try await world.rolecall(["exec", "--profile", "dev", "--pin-command", "echo \(wrongPIN)", "--", "true"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("refused the PIN"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains(Self.caKeyURI))
        #expect(!outcome.stderr.contains(wrongPIN))
        #expect(world.createSessions.isEmpty)
    }

    /// SoftHSM keeps no retry count, so a module wrapping it counts (Tests/Fixtures/pkcs11).
    @Test func wrongPINsSayHowManyAttemptsAreLeftThenTheLockSaysHowToUnblockIt() async throws {
        let token = try await TokenWorld.make()
        let world = token.world
        let module = try await SoftHSM.pinCountingModule()
        let counting = SoftHSM.pinCountingEnvironment(countFile: world.base + "/pin-count")
        let expected = ["refused the PIN", "Few attempts are left", "One attempt is left", "locked after too many wrong PINs"]
        var messages: [String] = []
        for attempt in 0..<3 {
            let outcome = try await world.rolecall(["exec", "--profile", "dev", "--pkcs11-module", module, "--pin-command", "echo 1111\(attempt)", "--", "true"],
                                                   environment: counting)
            #expect(outcome.status == 1)
            messages.append(outcome.stderr)
        }
        #expect(messages[0].contains(expected[0]) && messages[0].contains(expected[1]), "\(messages[0])")
        #expect(messages[1].contains(expected[2]), "\(messages[1])")
        #expect(messages[2].contains(expected[3]) && messages[2].contains("--init-pin"), "\(messages[2])")
        // Locked: the right PIN is not even asked for.
        let asked = world.base + "/pin-asked"
        let locked = try await world.rolecall(["exec", "--profile", "dev", "--pkcs11-module", module, "--pin-command", "touch \(asked); cat \(token.pinFile)", "--", "true"],
                                              environment: counting)
        #expect(locked.status == 1)
        #expect(locked.stderr.contains(expected[3]), "\(locked.stderr)")
        #expect(!FileManager.default.fileExists(atPath: asked))
        #expect(world.createSessions.isEmpty)
    }

    /// The test module takes the token out while the PIN is asked for: after the session opened,
    /// before the signature (Tests/Fixtures/pkcs11).
    @Test func aTokenRemovedMidCommandSaysSoAndMintsNothing() async throws {
        let token = try await TokenWorld.make()
        let world = token.world
        let module = try await SoftHSM.pinCountingModule()
        let state = world.base + "/token-state"
        let environment = SoftHSM.pinCountingEnvironment(countFile: world.base + "/pin-count").merging(["ROLECALL_TEST_TOKEN_STATE_FILE": state]) { $1 }
        let outcome = try await world.rolecall(["exec", "--profile", "dev", "--pkcs11-module", module,
                                                "--pin-command", "echo removed > \(state); cat \(token.pinFile)", "--", "true"], environment: environment)
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("was removed while rolecall used it: insert it and run the command again"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains(Self.caKeyURI) && !outcome.stderr.contains(SoftHSM.userPIN))
        // Still out at the next command: no token matches.
        let absent = try await world.rolecall(["exec", "--profile", "dev", "--pkcs11-module", module] + token.pinCommand + ["--", "true"],
                                              environment: environment)
        #expect(absent.status == 1 && absent.stderr.contains("no token matches \(Self.caKeyURI): insert it"), "\(absent.stderr)")
        #expect(world.createSessions.isEmpty)
        // Put back: it signs again.
        try "1".write(toFile: state, atomically: true, encoding: .utf8)
        let back = try await world.rolecall(["exec", "--profile", "dev", "--pkcs11-module", module] + token.pinCommand + ["--", "true"],
                                            environment: environment)
        #expect(back.status == 0, "\(back.stderr)")
        #expect(world.createSessions.count == 1)
    }

    @Test func aCopyOfTheHomeWithoutTheTokenMintsNothing() async throws {
        let token = try await TokenWorld.make()
        let world = token.world
        let stolen = world.base + "/stolen-home"
        try FileManager.default.copyItem(atPath: world.home, toPath: stolen)
        // Another machine: SoftHSM with no token at all.
        let elsewhere = try SoftHSM.make()
        let outcome = try await world.rolecall(["exec", "--profile", "dev"] + token.pinCommand + ["--", "true"],
                                               environment: ["ROLECALL_HOME": stolen].merging(elsewhere.environment) { $1 })
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("no token matches \(Self.caKeyURI)"), "\(outcome.stderr)")
        // Nor with a TOTP code: the CA's key is not in the copy.
        var profiles = try await world.rolecall(["profile", "add", "code", "--role-arn", EmulatorHarness.roleArn, "--profile-arn", EmulatorHarness.profileArn,
                                                 "--trust-anchor-arn", EmulatorHarness.trustAnchorArn, "--mfa", "required", "--endpoint", try #require(world.harness?.url)],
                                                environment: ["ROLECALL_HOME": stolen])
        #expect(profiles.status == 0, "\(profiles.stderr)")
        profiles = try await world.rolecall(["exec", "--profile", "code", "--mfa-code", world.code()] + token.pinCommand + ["--", "true"],
                                            environment: ["ROLECALL_HOME": stolen].merging(elsewhere.environment) { $1 })
        #expect(profiles.status == 1)
        #expect(world.createSessions.isEmpty)
    }

    @Test func mfaRequiredWithTheCAOnATokenNeedsTheCodeAndThePIN() async throws {
        let token = try await TokenWorld.make(mfa: "required")
        let world = token.world
        let noCode = try await world.rolecall(["exec", "--profile", "dev"] + token.pinCommand + ["--", "true"], input: "")
        #expect(noCode.status == 1)
        let noPIN = try await world.rolecall(["exec", "--profile", "dev", "--mfa-code", world.code(), "--pin-command", "false", "--", "true"])
        #expect(noPIN.status == 1)
        #expect(noPIN.stderr.contains("--pin-command exited with status 1"), "\(noPIN.stderr)")
        #expect(world.createSessions.isEmpty)
        let both = try await world.rolecall(["exec", "--profile", "dev", "--mfa-code", world.code(offset: 1)] + token.pinCommand + ["--", "true"])
        #expect(both.status == 0, "\(both.stderr)")
        #expect(world.createSessions.count == 1)
    }

    /// The supervisor signs its one in-memory certificate with the token at the start, and refreshes
    /// without it.
    @Test func execServerUsesTheTokenOncePerMFAWindow() async throws {
        let token = try await TokenWorld.make()
        let world = token.world
        let script = """
        for i in 1 2; do curl -sf -H "Authorization: $AWS_CONTAINER_AUTHORIZATION_TOKEN" "$AWS_CONTAINER_CREDENTIALS_FULL_URI" | grep -c AccessKeyId; done
        """
        let asked = world.base + "/pin-asked"
        let outcome = try await world.rolecall(["exec", "--server", "--profile", "dev", "--pin-command", "echo x >> \(asked); cat \(token.pinFile)",
                                                "--", "sh", "-c", script], input: "")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == "1\n1\n")
        #expect(try String(contentsOfFile: asked, encoding: .utf8) == "x\n", "the PIN was asked once")
        let lifetime = try #require(world.createSessions.first?.certificateLifetimeSeconds)
        #expect(lifetime > 60, "an in-memory certificate for the MFA window")
    }

    @Test func caRotateMakesTheNextCAOnTheTokenAndRefusesAFileKey() async throws {
        let token = try await TokenWorld.make()
        let world = token.world
        let toFile = try await world.rolecall(["ca", "rotate", "--stage", "--mfa-code", world.code()] + token.pinCommand)
        #expect(toFile.status == 1)
        #expect(toFile.stderr.contains("give the new CA's key with --ca-key"), "\(toFile.stderr)")
        let staged = try await world.rolecall(["ca", "rotate", "--stage", "--mfa-code", world.code(), "--ca-key", "pkcs11:token=rolecall;object=rolecall-ca-2"]
                                              + token.pinCommand)
        #expect(staged.status == 0, "\(staged.stderr)")
        let promoted = try await world.rolecall(["ca", "rotate", "--promote", "--mfa-code", world.code(offset: 1)])
        #expect(promoted.status == 0, "\(promoted.stderr)")
        let listing = try await token.softHSM.pkcs11Tool(["--token-label", "rolecall", "--list-objects", "--type", "privkey"])
        #expect(listing.stdout.contains("label:      rolecall-ca-2"))
        let issuer = try String(contentsOfFile: world.home + "/issuer.json", encoding: .utf8)
        #expect(!issuer.contains("PRIVATE KEY"))
        // The new CA signs: the emulator trusts only the old one, so CreateSession is refused by the trust anchor.
        let exec = try await world.rolecall(["exec", "--profile", "dev"] + token.pinCommand + ["--", "true"])
        #expect(exec.status == 1)
        #expect(world.createSessions.last?.status == 403)
    }

    @Test func credentialProcessIsRefusedForATokenProfile() async throws {
        let token = try await TokenWorld.make()
        let outcome = try await token.world.rolecall(["credential-process", "--profile", "dev"])
        #expect(outcome.status != 0)
        #expect(outcome.stdout.isEmpty)
        #expect(token.world.createSessions.isEmpty)
    }

    @Test func thePINReachesNoArgvEnvironmentOrFile() async throws {
        let token = try await TokenWorld.make()
        let world = token.world
        let log = world.base + "/strace.log"
        let before = Set(try FileManager.default.subpathsOfDirectory(atPath: world.base))
        // -v: every execve with its whole environment; %file: every path opened.
        let outcome = try await ProcessRunner.run("strace", ["-f", "-qq", "-v", "-s", "4096", "-e", "trace=execve,%file", "-o", log,
                                                             Paths.rolecall, "exec", "--profile", "dev"] + token.pinCommand + ["--", "env"],
                                                  environment: world.environment)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let trace = try String(contentsOfFile: log, encoding: .utf8)
        #expect(trace.contains("execve("), "the trace saw the processes")
        #expect(!trace.contains(SoftHSM.userPIN), "the PIN is in an argv, an environment or a path")
        #expect(!outcome.stdout.contains(SoftHSM.userPIN) && !outcome.stderr.contains(SoftHSM.userPIN))
        for file in try FileManager.default.subpathsOfDirectory(atPath: world.base) where !before.contains(file) || file.hasPrefix("home/") {
            let path = "\(world.base)/\(file)"
            guard path != token.pinFile, !path.hasSuffix("strace.log") else { continue }
            #expect(!FileBytes.contains(path, SoftHSM.userPIN), "\(file) holds the PIN")
        }
    }
}
