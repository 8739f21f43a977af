import Crypto
import Foundation
import Testing
import TestSupport
import X509

/// The team issuer's CA key on an HSM (SoftHSM here): `issuer init --ca-key`, two replicas that
/// reach the same token, and a database that holds no CA key (docs/tokens.md, "The team CA in an HSM").
@Suite(.removesTemporaryFiles, .enabled(if: SoftHSM.isUsable))
struct TeamHSMCommandTests {
    static let caKeyURI = "pkcs11:token=team-hsm;object=team-ca"

    struct HSM {
        let softHSM: SoftHSM
        let pinFile: String
        var environment: [String: String] { softHSM.environment.merging(["ROLECALL_ISSUER_PKCS11_PIN_FILE": pinFile]) { $1 } }

        static func make() async throws -> HSM {
            let softHSM = try SoftHSM.make()
            try await softHSM.addToken("team-hsm")
            let pinFile = try Paths.temporaryDirectory("rolecall-hsm-pin") + "/pin"
            try (SoftHSM.userPIN + "\n").write(toFile: pinFile, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: pinFile)
            return HSM(softHSM: softHSM, pinFile: pinFile)
        }
    }

    /// A team issuer whose CA key is `caKeyURI` on a fresh SoftHSM token, and that token.
    func teamOnTheHSM(mfa: String) async throws -> (HSM, TeamIssuerCommandTests.Team) {
        let hsm = try await HSM.make()
        let team = try await TeamIssuerCommandTests.Team.start(
            mfa: mfa, initArguments: ["--ca-key", Self.caKeyURI, "--pkcs11-module", SoftHSM.modulePath],
            administratorEnvironment: hsm.environment
        )
        return (hsm, team)
    }

    /// The CA key is the token's: the database only names it, under a seal of that name and module.
    @Test func theDatabaseNamesTheHSMsKeyUnderASeal() async throws {
        let (hsm, team) = try await teamOnTheHSM(mfa: "login")
        defer { team.stop() }
        let database = team.world.base + "/issuer-admin/issuer/issuer.sqlite"
        // `ca show` prints the CA certificate, which certifies the token's own key, sensitive and never extractable.
        let listing = try await hsm.softHSM.pkcs11Tool(["--token-label", "team-hsm", "--list-objects", "--type", "privkey"])
        #expect(listing.stdout.contains("label:      team-ca") && listing.stdout.contains("never extractable"), "\(listing.stdout)")
        let publicKeyFile = team.world.base + "/hsm-public-key.der"
        let read = try await hsm.softHSM.pkcs11Tool(["--token-label", "team-hsm", "--read-object", "--type", "pubkey", "--label", "team-ca",
                                                     "-o", publicKeyFile], login: false)
        #expect(read.status == 0, "\(read.stderr)")
        let certificate = try Certificate(pemEncoded: team.world.caPEM)
        let tokenPublicKey = try P256.Signing.PublicKey(derRepresentation: Array(try Data(contentsOf: URL(fileURLWithPath: publicKeyFile))))
        #expect(Certificate.PublicKey(tokenPublicKey) == certificate.publicKey)

        // The database names the key, with the seal of that name and module (shorter than any
        // sealed P-256 key, whose PEM alone is 241 bytes).
        let rows = try await ProcessRunner.run("sqlite3", [database, "SELECT length(sealed_private_key) < 160, token_key_uri FROM authorities"])
        #expect(rows.stdout == "1|\(Self.caKeyURI)\n", "\(rows.stdout) \(rows.stderr)")
        // Whoever can write to the database cannot make a replica load another module.
        let moved = try await ProcessRunner.run("sqlite3", [database, "UPDATE authorities SET token_module_path = '/tmp/not-the-hsm.so'"])
        #expect(moved.status == 0, "\(moved.stderr)")
        let tampered = try await ProcessRunner.run("timeout", ["30", Paths.rolecall, "issuer", "serve", "--listen", "127.0.0.1:0"], environment: team.administrator)
        #expect(tampered.status == 1 && tampered.stderr.contains("no longer matches its seal"), "\(tampered.stderr)")
        _ = try await ProcessRunner.run("sqlite3", [database, "UPDATE authorities SET token_module_path = '\(SoftHSM.modulePath)'"])
    }

    /// Certificates from both replicas: log in through the first, stop it, carry on through the second.
    @Test func twoReplicasSignWithTheHSMsKey() async throws {
        let (_, team) = try await teamOnTheHSM(mfa: "login")
        defer { team.stop() }
        let (second, secondURL) = try await team.replica()
        defer { second.kill() }
        let login = try await team.world.rolecall(["login", "--issuer", team.url, "--issuer", secondURL, "--user", "alice",
                                                   "--pin-sha256", team.fingerprint, "--password-stdin", "--mfa-code", team.world.code()],
                                                  input: team.password + "\n")
        #expect(login.status == 0, "\(login.stderr)")
        let first = try await team.world.rolecall(["credential-process", "--profile", "test-role"])
        #expect(first.status == 0, "\(first.stderr)")
        team.server.kill()
        let afterwards = try await team.world.rolecall(["credential-process", "--profile", "test-role"])
        #expect(afterwards.status == 0, "\(afterwards.stderr)")
        #expect(team.world.createSessions.map(\.status) == [201, 201])
    }

    /// The test module takes the HSM away and puts it back (Tests/Fixtures/pkcs11): the replica
    /// refuses while it is gone, and signs again once it is back, in a new session.
    @Test func aReplicaSignsAgainOnceTheHSMIsBack() async throws {
        let hsm = try await HSM.make()
        let team = try await TeamIssuerCommandTests.Team.start(
            mfa: "login", initArguments: ["--ca-key", Self.caKeyURI, "--pkcs11-module", SoftHSM.modulePath], administratorEnvironment: hsm.environment
        )
        defer { team.stop() }
        let module = try await SoftHSM.pinCountingModule()
        let state = team.world.base + "/hsm-state"
        let moduleEnvironment = SoftHSM.pinCountingEnvironment(countFile: team.world.base + "/pin-count")
            .merging(["ROLECALL_TEST_TOKEN_STATE_FILE": state]) { $1 }
        let (replica, replicaURL) = try await team.replica(arguments: ["--pkcs11-module", module], environment: moduleEnvironment)
        defer { replica.kill() }
        team.server.kill()
        let login = try await team.world.rolecall(["login", "--issuer", replicaURL, "--user", "alice", "--pin-sha256", team.fingerprint,
                                                   "--password-stdin", "--mfa-code", team.world.code()], input: team.password + "\n")
        #expect(login.status == 0, "\(login.stderr)")
        func certificate() async throws -> ProcessOutcome { try await team.world.rolecall(["credential-process", "--profile", "test-role"]) }
        #expect(try await certificate().status == 0)
        try "removed".write(toFile: state, atomically: true, encoding: .utf8)
        let whileGone = try await certificate()
        #expect(whileGone.status == 1 && whileGone.stderr.contains("HTTP 503"), "\(whileGone.stderr)")
        #expect(replica.errors.contains("no token matches") || replica.output.contains("no token matches"), "\(replica.errors)")
        try "1".write(toFile: state, atomically: true, encoding: .utf8)
        let back = try await certificate()
        #expect(back.status == 0, "\(back.stderr)")
        #expect(team.world.createSessions.map(\.status) == [201, 201])

        // A wrong PIN when the HSM comes back again: one login is refused, and no other is tried,
        // however many certificates are asked for (each would cost one of the token's attempts).
        try "999999\n".write(toFile: hsm.pinFile, atomically: false, encoding: .utf8)
        try "2".write(toFile: state, atomically: true, encoding: .utf8)
        for _ in 0..<3 { #expect(try await certificate().status == 1) }
        let failures = try String(contentsOfFile: team.world.base + "/pin-count", encoding: .utf8)
        #expect(failures.trimmingCharacters(in: .whitespacesAndNewlines) == "1", "\(failures)")
        #expect(replica.errors.contains("tries no other login"), "\(replica.errors)")
        #expect(!replica.errors.contains("999999") && !replica.output.contains("999999"))
    }

    /// `rolecall issuer ARGUMENTS` as the team's administrator (or with `environment`); `timeout`:
    /// for `serve`, which would run on if the check it should fail broke.
    func issuer(_ team: TeamIssuerCommandTests.Team, _ arguments: [String], environment: [String: String]? = nil, timeout: Bool = false) async throws -> ProcessOutcome {
        let command = [Paths.rolecall, "issuer"] + arguments
        return timeout
            ? try await ProcessRunner.run("timeout", ["30"] + command, environment: environment ?? team.administrator)
            : try await ProcessRunner.run(command[0], Array(command.dropFirst()), environment: environment ?? team.administrator)
    }

    @Test func aRotationStaysOnTheHSM() async throws {
        let (_, team) = try await teamOnTheHSM(mfa: "per-session")
        defer { team.stop() }
        // Leaving the HSM is refused: the next key would be in the database.
        let offTheToken = try await issuer(team, ["ca", "rotate", "--stage"])
        #expect(offTheToken.status != 0 && offTheToken.stderr.contains("--ca-key"), "\(offTheToken.stderr)")
        let staged = try await issuer(team, ["ca", "rotate", "--stage", "--ca-key", "pkcs11:token=team-hsm;object=team-ca-2"])
        #expect(staged.status == 0, "\(staged.stderr)")
        let shown = try await issuer(team, ["ca", "show"])
        #expect(shown.stdout.components(separatedBy: "BEGIN CERTIFICATE").count - 1 == 2)
        let database = team.world.base + "/issuer-admin/issuer/issuer.sqlite"
        let rows = try await ProcessRunner.run("sqlite3", [database, "SELECT token_key_uri FROM authorities ORDER BY id"])
        #expect(rows.stdout == "\(Self.caKeyURI)\npkcs11:token=team-hsm;object=team-ca-2\n", "\(rows.stdout)")
        // A rotation makes a new key: naming an earlier CA's object is refused.
        let again = try await issuer(team, ["ca", "rotate", "--promote"])
        #expect(again.status == 0, "\(again.stderr)")
        let reused = try await issuer(team, ["ca", "rotate", "--ca-key", "pkcs11:object=team-ca;token=team-hsm"])
        #expect(reused.status != 0 && reused.stderr.contains("is the key of an existing CA"), "\(reused.stderr)")
    }

    @Test func aPINFileOthersCanReadOrNoneIsRefused() async throws {
        let (hsm, team) = try await teamOnTheHSM(mfa: "per-session")
        defer { team.stop() }
        // A PIN file others can read is refused, saying how to fix it, and never shown.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: hsm.pinFile)
        let serve = try await issuer(team, ["serve", "--listen", "127.0.0.1:0"], timeout: true)
        #expect(serve.status != 0)
        #expect(serve.stderr.contains("readable by others: chmod 600"), "\(serve.stderr)")
        #expect(!serve.stderr.contains(SoftHSM.userPIN))
        // No PIN at all: the message says where to put it.
        var noPIN = team.administrator
        noPIN["ROLECALL_ISSUER_PKCS11_PIN_FILE"] = nil
        let without = try await issuer(team, ["serve", "--listen", "127.0.0.1:0"], environment: noPIN, timeout: true)
        #expect(without.status != 0 && without.stderr.contains("ROLECALL_ISSUER_PKCS11_PIN_FILE"), "\(without.stderr)")
    }
}
