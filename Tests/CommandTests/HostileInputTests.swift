import Foundation
import Issuance
import Testing
import TestSupport

/// SECURITY.md's hostile-input rows that need the built executable: each ends in a clear error and an
/// exit status, writes nothing and loses nothing.
@Suite(.removesTemporaryFiles) struct HostileInputTests {
    static func bytes(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { Array($0) }
    }

    /// Named cases rather than the bytes as arguments: Swift Testing prints every argument, and the
    /// huge one would put megabytes into the log.
    enum DamagedConfig: String, CaseIterable, Sendable {
        case truncated, malformed, wrongShape, binary, huge

        var content: [UInt8] {
            switch self {
            case .truncated: Array(#"{"profiles": [{"name": "dev", "roleArn": "#.utf8)
            case .malformed: Array("{\n  \"profiles\": [\n    {,}\n  ]\n}\n".utf8)
            case .wrongShape: Array(#"{"profiles": {"name": "dev"}}"#.utf8)
            case .binary: [0xff, 0xfe, 0x00, 0x01, 0x7b]
            case .huge: Array(repeating: UInt8(ascii: " "), count: 2 << 20) + Array("{}".utf8)
            }
        }

        var code: StoreError.Code { self == .huge ? .tooLarge : .damaged }

        /// What the message names beside the file: which damage, never the content.
        var message: String {
            switch self {
            case .truncated: "invalid JSON (not well-formed)"
            case .malformed: "invalid JSON (not well-formed)"
            case .wrongShape: "wrong type at profiles"
            case .binary: "invalid JSON"
            case .huge: "larger than"
            }
        }
    }

    @Test(arguments: DamagedConfig.allCases)
    func aDamagedConfigNamesTheFileAndIsLeftAlone(damaged: DamagedConfig) async throws {
        let (name, content, message) = (damaged.rawValue, damaged.content, damaged.message)
        let world = try await CLIWorld.withEmulator()
        let path = world.home + "/config.json"
        try Data(content).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o600)
        for arguments in [["profile", "list"], ["env", "--profile", "dev", "--mfa-code", world.code()],
                          ["profile", "add", "other", "--role-arn", EmulatorHarness.roleArn, "--profile-arn", EmulatorHarness.profileArn,
                           "--trust-anchor-arn", EmulatorHarness.trustAnchorArn]] {
            let outcome = try await world.rolecall(arguments)
            #expect(outcome.status == 1, "\(name): \(arguments[0]) \(outcome.stderr)")
            #expect(outcome.stdout.isEmpty)
            #expect((outcome.error as? StoreError)?.code == damaged.code, "\(name): \(outcome.stderr)")
            #expect(outcome.stderr.contains(path) && outcome.stderr.contains(message), "\(name): \(outcome.stderr)")
            #expect(outcome.stderr.count < 600, "the message does not echo the file")
        }
        #expect(Self.bytes(path) == content, "\(name): the damaged file is never overwritten")
        #expect(world.createSessions.isEmpty)
    }

    /// An outside test: a hand-edited name with a newline put a `[profile prod]` section of its own
    /// into `aws-config`, and one with terminal escapes was echoed raw. Every profile is checked again
    /// when the file is read; a bad one stops the commands that would print or use it, and only
    /// printable text is shown.
    @Test(arguments: ["dev\n[profile prod]\ncredential_process = /tmp/evil", "\u{1b}]0;owned\u{7}dev", "dev name", ""])
    func aHandEditedProfileIsCheckedWhenRead(name: String) async throws {
        let world = try await CLIWorld.withEmulator()
        let path = world.home + "/config.json"
        var document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        var profiles = try #require(document["profiles"] as? [[String: Any]])
        var hostile = profiles[0]
        hostile["name"] = name
        profiles.append(hostile)
        document["profiles"] = profiles
        let content = try JSONSerialization.data(withJSONObject: document)
        try content.write(to: URL(fileURLWithPath: path))
        let status = try await world.rolecall(["status"])
        #expect(status.stdout.contains("problem: \(path) is damaged (profile 2: invalid profile name"), "\(status.stdout)")
        #expect(!status.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "\(status.stdout.debugDescription)")
        for arguments in [["aws-config"], ["profile", "list"], ["env", "--profile", "dev", "--mfa-code", world.code()],
                          ["exec", "--profile", "\u{1b}[2Jdev", "--", "true"]] {
            let outcome = try await world.rolecall(arguments)
            #expect(outcome.status == 1, "\(arguments[0]): \(outcome.stdout) \(outcome.stderr)")
            #expect(!outcome.stdout.contains("[profile prod]") && !outcome.stdout.contains("evil"), "\(outcome.stdout)")
            #expect((outcome.error as? StoreError)?.code == .damaged, "\(arguments[0]): \(outcome.stderr)")
            #expect(outcome.stderr.contains(path) && outcome.stderr.contains("invalid profile name"), "\(arguments[0]): \(outcome.stderr)")
            #expect(!outcome.stderr.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "no control characters: \(outcome.stderr.debugDescription)")
            #expect(outcome.stderr.split(separator: "\n").count == 1, "one line: \(outcome.stderr.debugDescription)")
        }
        #expect(Self.bytes(path) == Array(content), "the file is left as it was")
        #expect(world.createSessions.isEmpty)
        let removed = try await world.rolecall(["profile", "remove", name])
        #expect(removed.status == 0, "the bad profile can be removed: \(removed.stderr)")
        #expect(try await world.rolecall(["profile", "list"]).status == 0)
    }

    /// An outside test: a FIFO in place of `config.json` hung every command.
    @Test(arguments: ["config.json", "mfa-state.json", "issuer.json", ".lock"])
    func aFIFOInPlaceOfAStateFileIsRefusedAtOnce(name: String) async throws {
        let world = try await CLIWorld.withEmulator()
        let path = world.home + "/" + name
        try? FileManager.default.removeItem(atPath: path)
        #expect(mkfifo(path, 0o600) == 0)
        // `timeout` ends a hang with 124, so a regression fails instead of stalling the suite.
        let outcome = try await ProcessRunner.run("/usr/bin/timeout", ["10", Paths.rolecall, "env", "--profile", "dev", "--mfa-code", world.code()],
                                                  environment: world.environment)
        #expect(outcome.status == 1, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("\(path) is not a regular file"), "\(outcome.stderr)")
        #expect(world.createSessions.isEmpty)
    }

    /// An outside test: deleting `mfa-state.json` reset the replay guard and the lockout, unseen. Local
    /// state cannot be protected from its own user, but its loss is reported, and shown by `status`.
    @Test func aMissingMFAStateIsReported() async throws {
        let world = try await CLIWorld.withEmulator()
        let path = world.home + "/mfa-state.json"
        #expect(FileManager.default.fileExists(atPath: path), "init writes it")
        let before = try await world.rolecall(["env", "--profile", "dev", "--mfa-code", world.code()])
        #expect(before.status == 0 && !before.stderr.contains("warning"), "\(before.stderr)")
        try FileManager.default.removeItem(atPath: path)
        let status = try await world.rolecall(["status"])
        #expect(status.stdout.contains("problem: \(path) is missing: the replay guard and the lockout started over"), "\(status.stdout)")
        let env = try await world.rolecall(["env", "--profile", "dev", "--mfa-code", world.freshCode()])
        #expect(env.status == 0, "\(env.stderr)")
        #expect(env.stderr.contains("rolecall: warning: \(path) is missing"), "\(env.stderr)")
        let after = try await world.rolecall(["status"])
        #expect(!after.stdout.contains("problem:"), "written again by the MFA check: \(after.stdout)")
    }

    /// Names from the command line are shown printable too.
    @Test func aNameWithTerminalEscapesIsNotEchoed() async throws {
        let world = try await CLIWorld.withEmulator()
        for arguments in [["exec", "--profile", "\u{1b}]0;owned\u{7}", "--", "true"], ["profile", "remove", "x\u{1b}[2J"],
                          ["profile", "add", "\u{1b}[31mred", "--role-arn", EmulatorHarness.roleArn, "--profile-arn", EmulatorHarness.profileArn,
                           "--trust-anchor-arn", EmulatorHarness.trustAnchorArn],
                          ["env", "--aws-role", "arn:aws:iam::1:role/\u{1b}[2J", "--mfa-code", "123456"]] {
            let outcome = try await world.rolecall(arguments, environment: ["ROLECALL_PROFILE": ""])
            #expect(outcome.status != 0, "\(arguments)")
            #expect(!outcome.stderr.unicodeScalars.contains { $0.value == 0x1b || $0.value == 0x07 }, "\(arguments): \(outcome.stderr.debugDescription)")
        }
    }

    /// Also written with a trailing slash, which makes `lstat` follow the link (review finding).
    @Test(arguments: ["", "/", "//"])
    func aSymlinkedHomeIsRefused(suffix: String) async throws {
        let world = try await CLIWorld.withEmulator()
        let link = world.base + "/linked-home"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: world.home)
        for arguments in [["profile", "list"], ["env", "--profile", "dev", "--mfa-code", world.code()]] {
            let outcome = try await world.rolecall(arguments, environment: ["ROLECALL_HOME": link + suffix])
            #expect(outcome.status == 1)
            #expect(outcome.stdout.isEmpty)
            #expect((outcome.error as? StoreError)?.code == .symbolicLinkDirectory, "\(outcome.stderr)")
        }
        #expect(world.createSessions.isEmpty)
    }

    @Test func aSymlinkedStateFileIsRefusedAndItsTargetUntouched() async throws {
        let world = try await CLIWorld.withEmulator()
        let target = world.base + "/elsewhere.json"
        try Data("precious\n".utf8).write(to: URL(fileURLWithPath: target))
        try? FileManager.default.removeItem(atPath: world.home + "/mfa-state.json")
        try FileManager.default.createSymbolicLink(atPath: world.home + "/mfa-state.json", withDestinationPath: target)
        let outcome = try await world.rolecall(["env", "--profile", "dev", "--mfa-code", world.code()])
        #expect(outcome.status == 1)
        #expect(outcome.stdout.isEmpty)
        #expect((outcome.error as? StoreError)?.code == .symbolicLink, "\(outcome.stderr)")
        #expect(Self.bytes(target) == Array("precious\n".utf8))
        #expect(world.createSessions.isEmpty)
    }

    @Test(arguments: ["12345", "1234567", "12a456", "١٢٣٤٥٦", "123 456", "'$(id)'"])
    func malformedCodesAreRefusedWithoutCountingAsAFailure(code: String) async throws {
        let world = try await CLIWorld.withEmulator()
        for _ in 0..<6 {
            let outcome = try await world.rolecall(["env", "--profile", "dev", "--mfa-code", code])
            #expect(outcome.status == 1)
            #expect((outcome.error as? MFAError)?.code == .malformed, "\(outcome.stderr)")
        }
        // Six malformed codes did not lock the device: a good code still works.
        let good = try await world.rolecall(["env", "--profile", "dev", "--mfa-code", world.code()])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(world.createSessions.count == 1)
    }

    @Test func concurrentSessionsRacingOnOneCodeLetExactlyOneWin() async throws {
        let world = try await CLIWorld.withEmulator()
        let code = world.code()
        let outcomes = try await withThrowingTaskGroup(of: ProcessOutcome.self) { group in
            for _ in 0..<8 {
                group.addTask { try await world.rolecall(["env", "--profile", "dev", "--mfa-code", code]) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { $0.status == 0 }.count == 1)
        for loser in outcomes where loser.status != 0 {
            #expect(loser.status == 1 && loser.stdout.isEmpty)
            #expect((loser.error as? MFAError)?.code == .replayed, "\(loser.stderr)")
        }
        #expect(world.createSessions.count == 1)
    }
}
