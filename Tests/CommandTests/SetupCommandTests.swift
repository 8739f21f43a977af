import Foundation
import Issuance
import IssuanceCore
import RolesAnywhereEmulator
import Session
import Testing
import TestSupport

/// `init`, `ca`, `mfa` and `profile`, run in-process (`CLIWorld`); refusals matched by their codes.
@Suite(.removesTemporaryFiles) struct SetupCommandTests {
    @Test func initCreatesAPrivateHomeAndPrintsTheContractedJSON() async throws {
        let world = try await CLIWorld.initialized(user: "alice")
        var info = stat()
        stat(world.home, &info)
        #expect(info.st_mode & 0o777 == 0o700)
        for file in try FileManager.default.contentsOfDirectory(atPath: world.home) where !file.hasPrefix(".") {
            stat(world.home + "/" + file, &info)
            #expect(info.st_mode & 0o777 == 0o600, "\(file)")
        }
        #expect(world.caPEM.hasPrefix("-----BEGIN CERTIFICATE-----"))
    }

    @Test func initJSONHasExactlyTheContractedFields() async throws {
        let base = try Paths.temporaryDirectory()
        let outcome = try await ProcessRunner.run(Paths.rolecall, ["init", "--user", "bob", "--json", "--no-verify"], environment: ["ROLECALL_HOME": base + "/h", "PATH": "/usr/bin:/bin"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: String])
        #expect(Set(object.keys) == ["user", "otpauthURI", "caCertificatePEM", "caFingerprintSHA256"])
        #expect(object["user"] == "bob")
        #expect(object["otpauthURI"]?.hasPrefix("otpauth://totp/rolecall:bob?secret=") == true)
        #expect(object["otpauthURI"]?.hasSuffix("&issuer=rolecall&algorithm=SHA1&digits=6&period=30") == true)
        #expect(object["caFingerprintSHA256"]?.count == 64)
    }

    /// The terminal QR code comes from libqrencode, with no `qrencode` program on PATH: the same
    /// text as `qrencode -t UTF8` would print for the URI above it.
    @Test func initPrintsTheQRCodeWithoutTheQrencodeProgram() async throws {
        let base = try Paths.temporaryDirectory()
        let outcome = try await ProcessRunner.run(Paths.rolecall, ["init", "--user", "bob", "--no-verify"], environment: ["ROLECALL_HOME": base + "/h", "PATH": base])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        let uri = try #require(lines.first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("otpauth://") }).trimmingCharacters(in: .whitespaces)
        let symbol = lines.filter { line in !line.isEmpty && line.unicodeScalars.allSatisfy { " ▀▄█".unicodeScalars.contains($0) } }
        // A version-4 or larger symbol with its quiet zone: at least (33 + 8) / 2 rows of half blocks.
        #expect(symbol.count >= 20, "\(outcome.stdout)")
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/qrencode") {
            let reference = try await ProcessRunner.run("/usr/bin/qrencode", ["-8", "-l", "M", "-t", "UTF8"], input: uri)
            #expect(reference.stdout.split(separator: "\n").map(String.init) == symbol)
        }
    }

    @Test func secondInitRefusesAndChangesNothing() async throws {
        let world = try await CLIWorld.initialized()
        let before = try Data(contentsOf: URL(fileURLWithPath: world.home + "/issuer.json"))
        let again = try await world.rolecall(["init", "--json"])
        #expect(again.status == 1)
        #expect(again.stdout.isEmpty)
        #expect((again.error as? SetupError)?.code == .alreadySetUp, "\(again.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: world.home + "/issuer.json")) == before)
    }

    @Test func caShowPrintsPEMAndJSON() async throws {
        let world = try await CLIWorld.initialized()
        let pem = try await world.rolecall(["ca", "show"])
        #expect(pem.status == 0)
        #expect(pem.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == world.caPEM.trimmingCharacters(in: .whitespacesAndNewlines))
        let json = try await world.rolecall(["ca", "show", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((object["fingerprintSHA256"] as? String)?.count == 64)
        #expect(object["notValidAfter"] is String)
    }

    @Test func caRotateNeedsACodeAndKeepsTheOldCAUntilRemoved() async throws {
        let world = try await CLIWorld.initialized()
        let refused = try await world.rolecall(["ca", "rotate", "--mfa-code", world.code() == "000000" ? "111111" : "000000"])
        #expect(refused.status == 1)
        let rotated = try await world.rolecall(["ca", "rotate", "--mfa-code", world.code()])
        #expect(rotated.status == 0, "\(rotated.stderr)")
        let all = try await world.rolecall(["ca", "show", "--all"])
        #expect(all.stdout.components(separatedBy: "BEGIN CERTIFICATE").count == 3)
        let current = try await world.rolecall(["ca", "show"])
        #expect(current.stdout.components(separatedBy: "BEGIN CERTIFICATE").count == 2)
        #expect(!current.stdout.contains(world.caPEM.split(separator: "\n")[1]))
        _ = try await world.rolecall(["ca", "remove-old"])
        let after = try await world.rolecall(["ca", "show", "--all"])
        #expect(after.stdout.components(separatedBy: "BEGIN CERTIFICATE").count == 2)
    }

    /// `ca rotate --stage`, then `--promote`: the current CA signs until the promotion, so a trust
    /// anchor that holds only it keeps working meanwhile; `ca show` gives both as the bundle.
    @Test func aStagedRotationSignsWithTheCurrentCAUntilPromoted() async throws {
        let world = try await CLIWorld.withEmulator(mfa: "off")  // the emulator trusts the first CA only
        let both = try await world.rolecall(["ca", "rotate", "--stage", "--promote", "--mfa-code", world.code()])
        #expect(both.status == 2 && both.stderr.contains("--stage") && both.stderr.contains("--promote"), "one step at a time: \(both.stderr)")
        let promoteFirst = try await world.rolecall(["ca", "rotate", "--promote", "--mfa-code", world.code()])
        #expect(promoteFirst.status == 1 && (promoteFirst.error as? StoreError)?.code == .noStagedCA, "\(promoteFirst.stderr)")
        let staged = try await world.rolecall(["ca", "rotate", "--stage", "--mfa-code", world.code()])
        #expect(staged.status == 0 && staged.stderr.contains("Staged CA"), "\(staged.stderr)")
        let bundle = try await world.rolecall(["ca", "show"])
        let pems = bundle.stdout.components(separatedBy: "-----BEGIN CERTIFICATE-----").dropFirst()
        #expect(pems.count == 2, "the bundle for the trust anchor: \(bundle.stdout)")
        #expect(pems.first.map { world.caPEM.contains($0.trimmingCharacters(in: .whitespacesAndNewlines).prefix(64)) } == true, "the current CA first")
        let json = try await world.rolecall(["ca", "show", "--json"])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(entries.map { $0["staged"] as? Bool } == [false, true] && entries.map { $0["current"] as? Bool } == [true, false])
        let before = try await world.rolecall(["env", "--profile", "dev"])
        #expect(before.status == 0, "the current CA still signs: \(before.stderr)")
        let immediate = try await world.rolecall(["ca", "rotate", "--mfa-code", world.freshCode()])
        #expect(immediate.status == 1 && (immediate.error as? StoreError)?.code == .caStaged, "\(immediate.stderr)")
        let promoted = try await world.rolecall(["ca", "rotate", "--promote", "--mfa-code", world.freshCode()])
        #expect(promoted.status == 0 && promoted.stderr.contains("signs from now on"), "\(promoted.stderr)")
        let after = try await world.rolecall(["env", "--profile", "dev"])
        #expect(after.status == 1, "the new CA signs, and this trust anchor does not hold it: \(after.stderr)")
        let removed = try await world.rolecall(["ca", "remove-old"])
        #expect(removed.stderr.contains("Removed 1 old CA") && removed.stderr.contains("may be valid until"), "\(removed.stderr)")
    }

    /// A trust anchor that holds one CA only: the staged CA gets one of its own, and after the
    /// promotion `profile set-trust-anchor` moves every profile of rolecall's CA to it at once.
    @Test func aStagedCAWithATrustAnchorOfItsOwnTakesTheProfilesAlong() async throws {
        let world = try await CLIWorld.initialized()
        let staged = try await world.rolecall(["ca", "rotate", "--stage", "--mfa-code", world.code()])
        try #require(staged.status == 0, "\(staged.stderr)")
        #expect(staged.stderr.contains("a trust anchor of its own"), "\(staged.stderr)")
        let next = "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/next"
        let other = "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/other"
        try world.caPEM.write(toFile: world.base + "/current.pem", atomically: true, encoding: .utf8)
        try staged.stdout.write(toFile: world.base + "/staged.pem", atomically: true, encoding: .utf8)
        let config = EmulatorConfig(
            accountId: EmulatorHarness.account,
            trustAnchors: [.init(arn: EmulatorHarness.trustAnchorArn, certificatePath: "current.pem"), .init(arn: next, certificatePath: "staged.pem"),
                           .init(arn: other, certificatePath: "current.pem")],
            profiles: [.init(arn: EmulatorHarness.profileArn, roleArns: [EmulatorHarness.roleArn])],
            roles: [.init(arn: EmulatorHarness.roleArn)]
        )
        let harness = try await EmulatorHarness.start(try LoadedEmulatorConfig(config, baseDirectory: URL(fileURLWithPath: world.base)), now: world.now)
        defer { harness.stop() }
        for (name, anchor) in [("dev", EmulatorHarness.trustAnchorArn), ("ops", EmulatorHarness.trustAnchorArn), ("elsewhere", other)] {
            let added = try await world.rolecall(["profile", "add", name, "--role-arn", EmulatorHarness.roleArn, "--profile-arn", EmulatorHarness.profileArn,
                                                  "--trust-anchor-arn", anchor, "--endpoint", harness.url, "--mfa", "off"])
            try #require(added.status == 0, "\(added.stderr)")
        }
        #expect(try await world.rolecall(["env", "--profile", "dev"]).status == 0, "the current CA still signs")
        let promoted = try await world.rolecall(["ca", "rotate", "--promote", "--mfa-code", world.freshCode()])
        #expect(promoted.status == 0 && promoted.stderr.contains("rolecall profile set-trust-anchor NEW_ARN --from OLD_ARN"), "\(promoted.stderr)")
        #expect(try await world.rolecall(["env", "--profile", "dev"]).status == 1, "the old trust anchor does not hold the new CA")
        let switched = try await world.rolecall(["profile", "set-trust-anchor", next, "--from", EmulatorHarness.trustAnchorArn])
        #expect(switched.status == 0 && switched.stderr.contains("profile dev: trust anchor") && switched.stderr.contains("profile ops: trust anchor")
                && !switched.stderr.contains("elsewhere"), "\(switched.stderr)")
        for name in ["dev", "ops"] {
            let after = try await world.rolecall(["env", "--profile", name])
            #expect(after.status == 0, "\(name) on the staged CA's own trust anchor: \(after.stderr)")
        }
        let shown = try await world.rolecall(["profile", "show", "elsewhere"])
        #expect(shown.stdout.contains(other), "a profile on another trust anchor is left alone")
        let again = try await world.rolecall(["profile", "set-trust-anchor", next, "--from", EmulatorHarness.trustAnchorArn])
        #expect(again.status == 1 && (again.error as? ConfigError)?.code == .noProfileForTrustAnchor, "\(again.stderr)")
    }

    @Test func mfaAddListRemove() async throws {
        let world = try await CLIWorld.initialized()
        let wrong = try await world.rolecall(["mfa", "add", "laptop", "--mfa-code", world.code() == "000000" ? "111111" : "000000"])
        #expect(wrong.status == 1)
        #expect((wrong.error as? MFAError)?.code == .wrong, "\(wrong.stderr)")
        let added = try await world.rolecall(["mfa", "add", "laptop", "--mfa-code", world.code()])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.hasPrefix("otpauth://totp/"))
        let list = try await world.rolecall(["mfa", "list", "--json"])
        let devices = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(devices.compactMap { $0["name"] as? String }.sorted() == ["default", "laptop"])
        #expect(devices.first { $0["name"] as? String == "default" }?["lastUsed"] is String)
        let secretText = list.stdout + (try await world.rolecall(["mfa", "list"])).stdout
        #expect(!secretText.contains(TOTPSecret.base32(world.secret)))
        let removed = try await world.rolecall(["mfa", "remove", "laptop", "--mfa-code", world.freshCode()])
        #expect(removed.status == 0, "\(removed.stderr)")
        let after = try await world.rolecall(["mfa", "list", "--json"])
        #expect(!after.stdout.contains("laptop"))
    }

    @Test func profileAddListShowRemove() async throws {
        let world = try await CLIWorld.initialized()
        let add = try await world.rolecall(["profile", "add", "dev", "--role-arn", "arn:aws:iam::123456789012:role/dev",
                                            "--profile-arn", "arn:aws:rolesanywhere:eu-west-1:123456789012:profile/p",
                                            "--trust-anchor-arn", "arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/t", "--duration", "2h"])
        #expect(add.status == 0, "\(add.stderr)")
        let show = try await world.rolecall(["profile", "show", "dev", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        #expect(object["durationSeconds"] as? Int == 7200)
        #expect(object["mfa"] as? String == "required")
        let list = try await world.rolecall(["profile", "list"])
        #expect(list.stdout.contains("dev\trequired\t2h\tarn:aws:iam::123456789012:role/dev"))
        let duplicate = try await world.rolecall(["profile", "add", "dev", "--role-arn", "arn:aws:iam::123456789012:role/dev",
                                                  "--profile-arn", "arn:aws:rolesanywhere:eu-west-1:123456789012:profile/p",
                                                  "--trust-anchor-arn", "arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/t"])
        #expect(duplicate.status == 1 && (duplicate.error as? ConfigError)?.code == .profileExists, "\(duplicate.stderr)")
        let removed = try await world.rolecall(["profile", "remove", "dev"])
        #expect(removed.status == 0)
        let empty = try await world.rolecall(["profile", "list", "--json"])
        #expect(empty.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
    }

    /// A refusal of the program (status 1) is matched by its code; a usage error (status 2) is
    /// argument-parser's, with no code, so by its words.
    static let badProfiles: [([String], Int32, BadInput)] = [
        (["--role-arn", "arn:aws:iam::1234:role/dev"], 1, .code(.invalidARN)),
        (["--role-arn", "dev"], 1, .code(.invalidARN)),
        (["--duration", "5m"], 1, .code(.invalidDuration)),
        (["--duration", "soon"], 2, .usage("invalid duration")),
        (["--mfa-interval", "soon"], 2, .usage("invalid duration")),
        (["--mfa-interval", "10m"], 1, .code(.invalidMFAInterval)),
        (["--mfa", "maybe"], 2, .usage("maybe")),
        (["--endpoint", "http://rolesanywhere.example.com"], 2, .usage("clear text")),
        (["--region", "Mars 1"], 1, .code(.invalidRegion)),
    ]

    enum BadInput: Sendable {
        case code(ConfigError.Code)
        case usage(String)
    }

    @Test(arguments: badProfiles)
    func profileAddRefusesBadInput(overrides: [String], status: Int32, refusal: BadInput) async throws {
        let world = try await CLIWorld.initialized()
        var options = ["--role-arn": "arn:aws:iam::123456789012:role/dev",
                       "--profile-arn": "arn:aws:rolesanywhere:us-east-1:123456789012:profile/p",
                       "--trust-anchor-arn": "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/t"]
        for index in stride(from: 0, to: overrides.count, by: 2) { options[overrides[index]] = overrides[index + 1] }
        let outcome = try await world.rolecall(["profile", "add", "dev"] + options.flatMap { [$0.key, $0.value] })
        #expect(outcome.status == status, "\(outcome.stderr)")
        switch refusal {
        case .code(let code): #expect((outcome.error as? ConfigError)?.code == code, "\(outcome.stderr)")
        case .usage(let words): #expect(outcome.stderr.contains(words), "\(outcome.stderr)")
        }
    }

    static let badARNs: [(option: String, value: String, reason: String, form: String)] = [
        ("--profile-arn", "arn:aws-mars:rolesanywhere:us-east-1:123456789012:profile/p", "unknown partition \"aws-mars\"",
         "arn:aws:rolesanywhere:REGION:123456789012:profile/ID"),
        ("--profile-arn", "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/t", "the resource must start with profile/",
         "arn:aws:rolesanywhere:REGION:123456789012:profile/ID"),
        ("--trust-anchor-arn", "arn:aws-mars:rolesanywhere:us-east-1:123456789012:trust-anchor/t", "unknown partition \"aws-mars\"",
         "arn:aws:rolesanywhere:REGION:123456789012:trust-anchor/ID"),
        ("--trust-anchor-arn", "arn:aws:rolesanywhere:us-east-1:123456789012:profile/p", "the resource must start with trust-anchor/",
         "arn:aws:rolesanywhere:REGION:123456789012:trust-anchor/ID"),
        ("--role-arn", "arn:aws:iam::123456789012:user/dev", "the resource must start with role/", "arn:aws:iam::123456789012:role/NAME"),
        ("--profile-arn", "arn:aws:rolesanywhere:us-east-1:123456789012:profile/", "the id after profile/ is missing",
         "arn:aws:rolesanywhere:REGION:123456789012:profile/ID"),
        ("--role-arn", "arn:aws:iam::123456789012:role/", "the role name after role/ is missing", "arn:aws:iam::123456789012:role/NAME"),
    ]

    @Test(arguments: badARNs)
    func profileAddShowsTheExpectedARNForm(option: String, value: String, reason: String, form: String) async throws {
        let world = try await CLIWorld.initialized()
        var options = ["--role-arn": "arn:aws:iam::123456789012:role/dev",
                       "--profile-arn": "arn:aws:rolesanywhere:us-east-1:123456789012:profile/p",
                       "--trust-anchor-arn": "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/t"]
        options[option] = value
        let outcome = try await world.rolecall(["profile", "add", "dev"] + options.flatMap { [$0.key, $0.value] })
        #expect(outcome.status == 1 || outcome.status == 2, "\(outcome.stderr)")
        #expect(outcome.stderr.contains(reason), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("expected \(form)"), "\(outcome.stderr)")
        let list = try await world.rolecall(["profile", "list", "--json"])
        #expect(list.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]", "nothing was added")
    }

    @Test(arguments: [["profile", "show", "nope"], ["profile", "show", "nope", "--json"], ["profile", "remove", "nope"]])
    func unknownProfileNamesPointAtTheList(arguments: [String]) async throws {
        let world = try await CLIWorld.initialized()
        let outcome = try await world.rolecall(arguments)
        #expect(outcome.status == 1, "\(outcome.stderr)")
        #expect(outcome.stdout.isEmpty)
        #expect((outcome.error as? ConfigError)?.code == .unknownProfile, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("`rolecall profile list`"), "\(outcome.stderr)")
    }

    @Test func mfaRemoveWithAWrongCodeKeepsTheDevice() async throws {
        let world = try await CLIWorld.initialized()
        let added = try await world.rolecall(["mfa", "add", "laptop", "--mfa-code", world.code()])
        try #require(added.status == 0, "\(added.stderr)")
        // A code no step in the accepted window produces.
        let accepted = Set((-1...2).map { world.code(offset: Int64($0)) })
        let wrong = try #require(["000000", "111111", "222222", "333333", "444444"].first { !accepted.contains($0) })
        let refused = try await world.rolecall(["mfa", "remove", "laptop", "--mfa-code", wrong])
        #expect(refused.status == 1, "\(refused.stderr)")
        #expect((refused.error as? MFAError)?.code == .wrong, "\(refused.stderr)")
        let list = try await world.rolecall(["mfa", "list", "--json"])
        let devices = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(devices.compactMap { $0["name"] as? String }.sorted() == ["default", "laptop"])
    }

    @Test func looseHomePermissionsAreRefusedWithTheFix() async throws {
        let world = try await CLIWorld.initialized()
        chmod(world.home, 0o755)
        let outcome = try await world.rolecall(["profile", "list"])
        #expect(outcome.status == 1)
        #expect((outcome.error as? StoreError)?.code == .loosePermissions, "\(outcome.stderr)")
    }
}

