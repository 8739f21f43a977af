import Foundation
import Issuance
import IssuanceCore
import IssuerProtocol
import IssuerStorage
import RolesAnywhere
import Session
import Testing
import TestSupport

/// The team issuer from the command line: `issuer init|user|role|ca|serve`, then a person's
/// `login` and `exec -- aws sts get-caller-identity` against the bundled emulator.
@Suite(.removesTemporaryFiles) struct TeamIssuerCommandTests {
    /// An issuer set up by its administrator, serving on loopback, and a person's empty home.
    struct Team {
        let world: CLIWorld
        let administrator: [String: String]
        let server: BackgroundProcess
        let url: String
        let fingerprint: String
        let password: String

        /// `database`: a database URL shared by several `issuer serve` processes (they also share the
        /// issuer key through the environment); nil for the default SQLite file. `enrolled`: alice's
        /// password is no longer the one-time password (as after her first login, without spending
        /// a TOTP step on it); false leaves the first login to the test.
        /// `initArguments` go to `issuer init`; `administratorEnvironment` to every `issuer` command
        /// and replica (an HSM's configuration and PIN file, say).
        static func start(mfa: String = "per-session", database: String? = nil, enrolled: Bool = true,
                          initArguments: [String] = [], administratorEnvironment: [String: String] = [:]) async throws -> Team {
            let base = try Paths.temporaryDirectory("rolecall-team")
            let person = [
                "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": base, "TMPDIR": base,
                "ROLECALL_HOME": base + "/home", "SHELL": "/bin/sh", "LANG": "C.UTF-8",
                "AWS_CONFIG_FILE": base + "/aws-config", "AWS_SHARED_CREDENTIALS_FILE": base + "/aws-credentials",
            ]
            var administrator = person.merging(["ROLECALL_HOME": base + "/issuer-admin"]) { $1 }.merging(administratorEnvironment) { $1 }
            if let database {
                administrator["ROLECALL_ISSUER_DATABASE"] = database
                administrator["ROLECALL_ISSUER_KEY"] = IssuerTestKey.text
            }
            func admin(_ arguments: [String]) async throws -> String {
                let outcome = try await ProcessRunner.run(Paths.rolecall, ["issuer"] + arguments, environment: administrator)
                try #require(outcome.status == 0, "issuer \(arguments.joined(separator: " ")): \(outcome.stderr)")
                return outcome.stdout
            }
            _ = try await admin(["init"] + initArguments)
            let enrollment = try #require(try JSONSerialization.jsonObject(with: Data(try await admin(["user", "add", "alice", "--json"]).utf8)) as? [String: String])
            if enrolled {
                let store = try await IssuerDatabases.open(database ?? "sqlite:\(base)/issuer-admin/issuer/issuer.sqlite", logger: Backend.logger)
                let hash = try #require(try await store.user(named: "alice")).passwordHash
                try #require(try await store.setPassword(user: "alice", hash: hash, mustChange: false, replacing: hash) != nil)
                try await store.close()
            }
            let allowed = try await admin(["role", "allow", "alice", EmulatorHarness.roleArn, "--profile-arn", EmulatorHarness.profileArn,
                                           "--trust-anchor-arn", EmulatorHarness.trustAnchorArn, "--mfa", mfa])
            // The trust policy's conditions for this role, and where the session's real limit lives.
            #expect(allowed.contains("\"aws:PrincipalTag/x509Subject/L\": \"\(EmulatorHarness.account)\""), "\(allowed)")
            #expect(allowed.contains("\"aws:PrincipalTag/x509Subject/OU\": \"test-role\""))
            #expect(allowed.contains("urn:rolecall:kind:in-memory") == (mfa == "per-session"))
            #expect(allowed.contains("MaxSessionDuration"))
            let caPEM = try await admin(["ca", "show"])
            let harness = try await EmulatorHarness.start(try EmulatorHarness.standardConfig(caPEM: caPEM, directory: base))
            let server = try BackgroundProcess(Paths.rolecall, ["issuer", "serve", "--listen", "127.0.0.1:0"], environment: administrator, directory: base)
            let line = try #require(try await server.waitForOutput(matching: #"--issuer https://\S+ --user NAME --pin-sha256 [0-9a-f]{64}"#), "serve: \(server.errors)")
            let words = line.split(separator: " ")
            #expect(try await server.waitForOutput(matching: #"Web console: https://\S+/ui/"#) != nil, "serve names the console's URL")
            let world = CLIWorld(base: base, home: base + "/home", secret: try OTPAuthURI(parsing: try #require(enrollment["otpauthURI"])).secret,
                                 caPEM: caPEM, harness: harness,
                                 environment: person.merging(["AWS_ENDPOINT_URL_ROLESANYWHERE": harness.url, "AWS_ENDPOINT_URL_STS": harness.url]) { $1 })
            return Team(world: world, administrator: administrator, server: server, url: String(words[1]),
                        fingerprint: String(words[words.count - 1]), password: try #require(enrollment["password"]))
        }

        /// Without a code: `--no-mfa`.
        func login(code: String?) async throws -> ProcessOutcome {
            try await world.rolecall(["login", "--issuer", url, "--user", "alice", "--pin-sha256", fingerprint, "--password-stdin"]
                                     + (code.map { ["--mfa-code", $0] } ?? ["--no-mfa"]), input: password + "\n")
        }

        /// Another `issuer serve` on the same database: a replica. Returns it with its URL.
        func replica(arguments: [String] = [], environment: [String: String] = [:]) async throws -> (BackgroundProcess, String) {
            let process = try BackgroundProcess(Paths.rolecall, ["issuer", "serve", "--listen", "127.0.0.1:0"] + arguments,
                                                environment: administrator.merging(environment) { $1 }, directory: world.base)
            let line = try #require(try await process.waitForOutput(matching: #"--issuer https://\S+"#), "serve: \(process.errors)")
            return (process, String(line.dropFirst("--issuer ".count)))
        }

        func stop() {
            server.kill()
            world.harness?.stop()
        }
    }

    @Test func loginThenExecGetsCredentialsWithOnlyTheLoginTokenOnDisk() async throws {
        let team = try await Team.start()
        defer { team.stop() }
        let login = try await team.login(code: team.world.code())
        #expect(login.status == 0, "\(login.stderr)")
        #expect(login.stdout.contains("profile test-role: \(EmulatorHarness.roleArn) (TOTP code per session)"))
        // Remote mode keeps no CA, no TOTP seed: the home holds the profiles and the login token.
        let files = try FileManager.default.contentsOfDirectory(atPath: team.world.home).filter { !$0.hasPrefix(".") }.sorted()
        #expect(files == ["config.json", "issuer-settings.json", "login.json"])
        for file in files {
            let mode = try FileManager.default.attributesOfItem(atPath: team.world.home + "/" + file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file)")
        }
        let token = try String(contentsOfFile: team.world.home + "/login.json", encoding: .utf8)
        #expect(!token.contains("PRIVATE KEY") && !token.contains(team.password))
        let status = try await team.world.rolecall(["status"])
        #expect(status.status == 0 && !status.stdout.contains("problem"), "\(status.stdout)")
        #expect(status.stdout.contains("team issuer: alice at \(team.url), login session 1"))
        #expect(status.stdout.contains("MFA devices: kept by the team issuer"), "\(status.stdout)")
        let shown = try await team.world.rolecall(["profile", "show", "test-role"])
        #expect(shown.stdout.contains("certificate:       from the team issuer at"), "\(shown.stdout)")

        let (outcome, written) = try await NoSecretOnDiskTests().traced(team.world, [
            "exec", "--profile", "test-role", "--mfa-code", team.world.code(offset: 1), "--",
            "aws", "sts", "get-caller-identity", "--output", "json",
        ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("arn:aws:sts::\(EmulatorHarness.account):assumed-role/test-role/"))
        // Nothing at all is written: the key, certificate and credentials stay in memory.
        #expect(written.filter { $0 != "/dev/null" && $0 != "/dev/tty" && !$0.hasPrefix("/proc/") } == [])
        #expect(team.world.createSessions.count == 1)

        let audit = try await ProcessRunner.run(Paths.rolecall, ["issuer", "audit", "--json"], environment: team.administrator)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [[String: Any]])
        // Administrative changes name who made them: the operating-system user running the command.
        let administrator = try #require(String(validatingCString: getpwuid(geteuid()).pointee.pw_name))
        #expect(rows.map { "\($0["event"]!)/\($0["actor"] ?? "-")" }
            == ["issuer-init/\(administrator)", "user-add/\(administrator)", "role-allow/\(administrator)", "login/-", "certificate/-"])
        #expect(rows.map { "\($0["result"]!)" } == Array(repeating: "ok", count: 5))
        #expect(rows.compactMap { $0["id"] as? Int } == [1, 2, 3, 4, 5])
    }

    @Test func theFirstLoginReplacesTheOneTimePassword() async throws {
        let team = try await Team.start(enrolled: false)
        defer { team.stop() }
        func login(_ extra: [String], input: String) async throws -> ProcessOutcome {
            try await team.world.rolecall(["login", "--issuer", team.url, "--user", "alice", "--pin-sha256", team.fingerprint, "--password-stdin"] + extra,
                                          input: input)
        }
        let noCode = try await login(["--no-mfa"], input: team.password + "\n")
        #expect(noCode.status == 1)
        #expect((noCode.error as? LoginError)?.code == .firstLoginNeedsCode, "\(noCode.stderr)")
        // One code for every attempt: none of the refused ones spends it.
        let code = team.world.code(offset: 1)
        let short = try await login(["--mfa-code", code], input: team.password + "\nshort\n")
        #expect(short.status == 1)
        #expect((short.error as? LoginError)?.code == .newPasswordRefused && short.stderr.contains("12 to 72 bytes"), "\(short.stderr)")
        let control = try await login(["--mfa-code", code], input: team.password + "\nab\u{7}defghijklmnop\n")
        #expect(control.status == 1)
        #expect((control.error as? LoginError)?.code == .newPasswordRefused && control.stderr.contains("control characters"), "\(control.stderr)")
        let first = try await login(["--mfa-code", code], input: team.password + "\nmy own long password\n")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("Password changed"))
        #expect(!first.stdout.contains("my own long password") && !first.stderr.contains("my own long password"))
        let users = try await ProcessRunner.run(Paths.rolecall, ["issuer", "user", "list", "--json"], environment: team.administrator)
        #expect(users.stdout.contains(#""passwordMustChange":false"#), "\(users.stdout)")
        #expect(try await login(["--no-mfa"], input: team.password + "\n").status == 1)
        let again = try await login(["--no-mfa"], input: "my own long password\n")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!again.stdout.contains("Password changed"))
    }

    @Test func perSessionRolesStayOutOfCredentialProcessAndLogoutEndsTheSession() async throws {
        let team = try await Team.start()
        defer { team.stop() }
        #expect(try await team.login(code: team.world.code()).status == 0)
        let refused = try await team.world.rolecall(["credential-process", "--profile", "test-role"])
        #expect(refused.status == 1)
        #expect((refused.error as? CredentialProcessRefused)?.profile == "test-role", "\(refused.stderr)")

        let logout = try await team.world.rolecall(["logout"])
        #expect(logout.status == 0 && logout.stdout == "Logged out.\n")
        #expect(!FileManager.default.fileExists(atPath: team.world.home + "/login.json"))
        let after = try await team.world.rolecall(["exec", "--profile", "test-role", "--mfa-code", team.world.code(offset: 1), "--", "true"])
        #expect(after.status == 1)
        #expect((after.error as? IssuanceRefusal)?.reason == .unauthenticated, "\(after.stderr)")
        // The login remembers where it went, the pin too: `rolecall login` alone signs in again.
        #expect(after.stderr.contains("it remembers: rolecall login --issuer \(team.url) --user alice --pin-sha256 \(team.fingerprint)"), "\(after.stderr)")
        let again = try await team.world.rolecall(["login", "--password-stdin", "--mfa-code", team.world.code(offset: 1)], input: team.password + "\n")
        #expect(again.status == 0 && again.stdout.contains("Logged in as alice"), "\(again.stderr)")
    }

    /// A profile of one's own named like a role: the clash warning names --prefix, and `login
    /// --prefix team- --emulator URL` writes team-test-role with the emulator's endpoints, both
    /// remembered by `rolecall login` alone. After `logout`, status says to log in, not to init.
    @Test func prefixAndEmulatorAreRememberedAndStatusAfterLogoutSaysLogIn() async throws {
        let team = try await Team.start()
        defer { team.stop() }
        let harness = try #require(team.world.harness)
        #expect(try await team.login(code: nil).status == 0)
        let own = try await team.world.rolecall(["profile", "add", "test-role", "--role-arn", EmulatorHarness.roleArn, "--profile-arn", EmulatorHarness.profileArn,
                                                 "--trust-anchor-arn", EmulatorHarness.trustAnchorArn, "--mfa", "off", "--force"])
        #expect(own.status == 0 && own.stderr.contains("issuer: \(team.url) -> none"), "\(own.stderr)")
        let clash = try await team.login(code: nil)
        #expect(clash.status == 0 && clash.stderr.contains("--prefix"), "\(clash.stderr)")

        let prefixed = try await team.world.rolecall(["login", "--issuer", team.url, "--user", "alice", "--pin-sha256", team.fingerprint, "--password-stdin",
                                                      "--no-mfa", "--prefix", "team-", "--emulator", harness.url], input: team.password + "\n")
        #expect(prefixed.status == 0 && prefixed.stdout.contains("profile team-test-role:") && !prefixed.stderr.contains("warning"), "\(prefixed.stderr)")
        let again = try await team.world.rolecall(["login", "--password-stdin", "--no-mfa"], input: team.password + "\n")
        #expect(again.status == 0 && again.stdout.contains("profile team-test-role:"), "\(again.stdout)\(again.stderr)")
        // Variables pointing elsewhere: only the remembered endpoints can reach the emulator.
        let closed = ["AWS_ENDPOINT_URL_ROLESANYWHERE": "http://127.0.0.1:9", "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9"]
        let exec = try await team.world.rolecall(["exec", "--profile", "team-test-role", "--mfa-code", team.world.code(), "--", "sh", "-c", "echo $AWS_ENDPOINT_URL_STS"],
                                                 environment: closed)
        #expect(exec.status == 0 && exec.stdout == harness.url + "\n", "\(exec.stderr)")

        #expect(try await team.world.rolecall(["logout"]).status == 0)
        let status = try await team.world.rolecall(["status"])
        #expect(status.status == 0 && status.stdout.contains("not logged in to a team issuer: run `rolecall login`"), "\(status.stdout)")
        #expect(!status.stdout.contains("rolecall init") && !status.stdout.contains("damaged"), "\(status.stdout)")
        #expect(status.stdout.contains("--prefix team- --emulator \(harness.url)"), "\(status.stdout)")
        // Naming the issuer again starts from the flags: no prefix, no emulator.
        let explicit = try await team.login(code: nil)
        #expect(explicit.status == 0 && !explicit.stdout.contains("team-test-role") && explicit.stderr.contains("--prefix"), "\(explicit.stdout)\(explicit.stderr)")
        let settings = try String(contentsOfFile: team.world.home + "/issuer-settings.json", encoding: .utf8)
        #expect(!settings.contains("team-") && !settings.contains(harness.url), "\(settings)")
    }

    /// `audit prune` and `audit --follow` from the command line: the 12-hour floor, a dry run, JSON lines.
    @Test func auditPruneAndFollow() async throws {
        let team = try await Team.start()
        func issuer(_ arguments: [String]) async throws -> ProcessOutcome {
            try await ProcessRunner.run(Paths.rolecall, ["issuer", "audit"] + arguments, environment: team.administrator)
        }
        let tooRecent = try await issuer(["prune", "--before", "11h"])
        #expect(tooRecent.status == 1 && tooRecent.stderr.contains("last 12 hours"), "\(tooRecent.stderr)")
        let dry = try await issuer(["prune", "--before", "30d", "--dry-run"])
        #expect(dry.status == 0 && dry.stdout.hasPrefix("0 audit rows are older than "), "\(dry.stdout) \(dry.stderr)")
        let bad = try await issuer(["prune", "--before", "last tuesday"])
        #expect(bad.status == 2 && bad.stderr.contains("RFC 3339"), "\(bad.stderr)")
        let pruned = try await issuer(["prune", "--before", "2020-01-01T00:00:00Z"])
        #expect(pruned.status == 0 && pruned.stdout.hasPrefix("removed 0 audit rows older than 2020-01-01T00:00:00Z"), "\(pruned.stdout)")
        #expect(try await issuer(["--follow"]).status == 2, "--follow needs --json")
        // From the first row on, for a second: every row so far, one JSON object per line.
        let followed = try await ProcessRunner.run("/usr/bin/timeout", ["-s", "INT", "3", Paths.rolecall, "issuer", "audit", "--follow", "--json", "--after-id", "0"],
                                                   environment: team.administrator)
        let lines = followed.stdout.split(separator: "\n")
        let events = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])["event"] as? String }
        #expect(events.prefix(3) == ["issuer-init", "user-add", "role-allow"], "\(followed.stdout) \(followed.stderr)")
        #expect(events.last == "audit-prune")
    }

    /// Console administrators and resets with a new device from the command line, and the console
    /// on the listener `serve` opened.
    @Test func consoleAdministratorsResetsWithANewDeviceAndTheServedConsole() async throws {
        let team = try await Team.start()
        defer { team.stop() }
        func user(_ arguments: [String]) async throws -> ProcessOutcome {
            try await ProcessRunner.run(Paths.rolecall, ["issuer", "user"] + arguments, environment: team.administrator)
        }
        func admins() async throws -> [String: Bool] {
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(try await user(["list", "--json"]).stdout.utf8)) as? [[String: Any]])
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["name"] as? String ?? "", $0["admin"] as? Bool ?? false) })
        }
        #expect(try await user(["add", "carol", "--admin", "--json"]).status == 0)
        #expect(try await admins() == ["alice": false, "carol": true])
        #expect(try await user(["admin", "alice", "--on"]).status == 0)
        #expect(try await admins() == ["alice": true, "carol": true])
        let off = try await user(["admin", "alice", "--off"])
        #expect(off.status == 0 && off.stdout.contains("no longer an administrator"), "\(off.stderr)")
        #expect(try await user(["admin", "alice"]).status == 2, "--on or --off is required")
        let nobody = try await user(["admin", "nobody", "--on"])
        #expect(nobody.status == 1 && nobody.stderr.contains("no user named nobody"), "\(nobody.stderr)")
        // A plain reset keeps the devices; --new-device prints the one that replaces them.
        let plain = try #require(try JSONSerialization.jsonObject(with: Data(try await user(["reset", "alice", "--json"]).stdout.utf8)) as? [String: String])
        #expect(Set(plain.keys) == ["user", "password"])
        let fresh = try #require(try JSONSerialization.jsonObject(with: Data(try await user(["reset", "alice", "--new-device", "--json"]).stdout.utf8)) as? [String: String])
        let uri = try OTPAuthURI(parsing: try #require(fresh["otpauthURI"]))
        #expect(uri.secret.unsafeStringValue() != team.world.secret.unsafeStringValue())
        let followed = try await ProcessRunner.run("/usr/bin/timeout", ["-s", "INT", "2", Paths.rolecall, "issuer", "audit", "--follow", "--json", "--after-id", "0"],
                                                   environment: team.administrator)
        #expect(followed.stdout.contains("\"user-admin-on\"") && followed.stdout.contains("\"password-reset-new-device\"") && followed.stdout.contains("\"user-add-admin\""))
        // The console is on the same listener.
        let page = try await ProcessRunner.run("/usr/bin/curl", ["-sk", "-D", "-", team.url + "/ui/login"], environment: team.administrator)
        #expect(page.stdout.hasPrefix("HTTP/1.1 200"), "\(page.stdout.prefix(300))")
        #expect(page.stdout.lowercased().contains("content-security-policy: default-src 'self'"))
        #expect(page.stdout.contains("name=\"code\""))
    }

    @Test func aStagedCARotationFromTheCommandLine() async throws {
        let team = try await Team.start()
        func ca(_ arguments: [String]) async throws -> ProcessOutcome {
            try await ProcessRunner.run(Paths.rolecall, ["issuer", "ca"] + arguments, environment: team.administrator)
        }
        func certificates(_ text: String) -> Int { text.components(separatedBy: "BEGIN CERTIFICATE").count - 1 }
        #expect(try await ca(["rotate", "--stage"]).status == 0)
        #expect(certificates(try await ca(["show"]).stdout) == 2, "the bundle for the trust anchor")
        let json = try await ca(["show", "--json"])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]], "\(json.stdout)")
        #expect(entries.map { $0["staged"] as? Bool } == [false, true] && entries.map { $0["current"] as? Bool } == [true, false])
        let immediate = try await ca(["rotate"])
        #expect(immediate.status == 1 && immediate.stderr.contains("a CA is staged"), "\(immediate.stderr)")
        let promoted = try await ca(["rotate", "--promote"])
        #expect(promoted.status == 0 && promoted.stdout.contains("signs from now on"), "\(promoted.stderr)")
        #expect(certificates(try await ca(["show"]).stdout) == 1)
        #expect(certificates(try await ca(["show", "--all"]).stdout) == 2)
    }

    @Test func aWrongPinIsRefusedBeforeThePasswordIsSent() async throws {
        let team = try await Team.start()
        defer { team.stop() }
        let wrong = String(team.fingerprint.reversed())
        let outcome = try await team.world.rolecall(["login", "--issuer", team.url, "--user", "alice", "--pin-sha256", wrong, "--password-stdin",
                                                     "--mfa-code", team.world.code()], input: team.password + "\n")
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("not the pinned \(wrong)"))
        let audit = try await ProcessRunner.run(Paths.rolecall, ["issuer", "audit", "--json"], environment: team.administrator)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [[String: Any]])
        #expect(rows.filter { $0["actor"] == nil }.isEmpty, "nothing reached the issuer: \(audit.stdout)")
    }

    @Test func envAndServerModeWorkUnchangedWithACodePerSession() async throws {
        let team = try await Team.start()
        defer { team.stop() }
        // A password-only login: each per-session command brings its own code.
        #expect(try await team.login(code: nil).status == 0)
        let env = try await team.world.rolecall(["env", "--profile", "test-role", "--mfa-code", team.world.code()])
        #expect(env.status == 0, "\(env.stderr)")
        #expect(env.stdout.contains("export AWS_SECRET_ACCESS_KEY="))
        let served = try await team.world.rolecall(["exec", "--server", "--quiet", "--profile", "test-role", "--mfa-code", team.world.code(offset: 1), "--",
                                                    "aws", "sts", "get-caller-identity", "--query", "Arn", "--output", "text"])
        #expect(served.status == 0, "\(served.stderr)")
        #expect(served.stdout.hasPrefix("arn:aws:sts::\(EmulatorHarness.account):assumed-role/test-role/"))
        let lifetime = try #require(team.world.createSessions.last?.certificateLifetimeSeconds)
        #expect(lifetime > 60, "an in-memory certificate for the MFA window")
        #expect(team.world.createSessions.count == 2)
    }

    @Test func aLoginMFARoleServesCredentialProcessWithoutFurtherCodes() async throws {
        let team = try await Team.start(mfa: "login")
        defer { team.stop() }
        let login = try await team.login(code: team.world.code())
        #expect(login.stdout.contains("profile test-role: \(EmulatorHarness.roleArn) (no code per session)"))
        // Not "off": the login checked a code.
        let shown = try await team.world.rolecall(["profile", "show", "test-role"])
        #expect(shown.stdout.contains("MFA:               login (the code at `rolecall login`; none per session)"), "\(shown.stdout)")
        let status = try await team.world.rolecall(["status"])
        #expect(status.stdout.contains("test-role (MFA at login)"), "\(status.stdout)")
        for _ in 0..<2 {
            let outcome = try await team.world.rolecall(["credential-process", "--profile", "test-role"])
            #expect(outcome.status == 0, "\(outcome.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
            #expect(object["Version"] as? Int == 1)
        }
        // The certificate never outlives the login session, whatever the role allows.
        let lifetime = try #require(team.world.createSessions.last?.certificateLifetimeSeconds)
        #expect(lifetime <= 3610)
    }

    /// Two `issuer serve` processes on one PostgreSQL database; the first is killed mid-run and the
    /// person's commands carry on through the second, with every certificate audited.
    @Test(.enabled(if: Backend.postgresURL != nil))
    func killingOneReplicaMidRunLosesNothing() async throws {
        let backend = try #require(Backend.available.last)
        try await backend.withFreshDatabase { database in
            let team = try await Team.start(mfa: "login", database: database.url)
            defer { team.stop() }
            let (second, secondURL) = try await team.replica()
            defer { second.kill() }
            let login = try await team.world.rolecall(["login", "--issuer", team.url, "--issuer", secondURL, "--user", "alice",
                                                       "--pin-sha256", team.fingerprint, "--password-stdin", "--mfa-code", team.world.code()],
                                                      input: team.password + "\n")
            #expect(login.status == 0, "\(login.stderr)")
            for round in 0..<8 {
                if round == 5 { team.server.kill() }
                let outcome = try await team.world.rolecall(["credential-process", "--profile", "test-role"])
                #expect(outcome.status == 0, "round \(round): \(outcome.stderr)")
            }
            let audit = try await ProcessRunner.run(Paths.rolecall, ["issuer", "audit", "--json"], environment: team.administrator)
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [[String: Any]])
            #expect(rows.filter { $0["event"] as? String == "certificate" && $0["result"] as? String == "ok" }.count == 8)
            #expect(team.world.createSessions.count == 8)
        }
    }
}

/// One issuer key for the replicas of a test (they must share it, as real replicas do).
enum IssuerTestKey {
    static let text = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
}
