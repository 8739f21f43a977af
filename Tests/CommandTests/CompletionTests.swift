import Foundation
import Testing
import TestSupport

/// Dynamic completion (argument-parser's `---completion` entry point, which the generated scripts
/// call): `--profile` completes the profile names of the config file, `rolecall issuer` the
/// issuer's command line; and the checked-in scripts do so in real bash, zsh and fish.
@Suite(.removesTemporaryFiles) struct CompletionTests {
    /// A home with two profiles whose endpoint is a closed port: completing must not need it.
    static func worldWithTwoProfiles() async throws -> CLIWorld {
        let world = try await CLIWorld.initialized()
        for name in ["dev", "prod-eu"] {
            let added = try await world.rolecall(["profile", "add", name, "--role-arn", EmulatorHarness.roleArn, "--profile-arn", EmulatorHarness.profileArn,
                                                  "--trust-anchor-arn", EmulatorHarness.trustAnchorArn, "--endpoint", "http://127.0.0.1:9", "--mfa", "required"])
            try #require(added.status == 0, "\(added.stderr)")
        }
        return world
    }

    /// `rolecall WORDS…` completed at the last word, as the scripts ask.
    static func complete(_ world: CLIWorld, _ path: [String], _ argument: String, _ words: [String]) async throws -> [String] {
        let outcome = try await world.rolecall(["---completion"] + path + ["--", argument, "\(words.count - 1)", "\(words.last?.count ?? 0)"] + words)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.isEmpty, "nothing prompts or warns: \(outcome.stderr)")
        return outcome.stdout.split(separator: "\n").map(String.init)
    }

    @Test func profileCompletesOnlyTheConfiguredNames() async throws {
        let world = try await Self.worldWithTwoProfiles()
        for command in ["exec", "env", "console"] {
            #expect(try await Self.complete(world, [command], "--profile", ["rolecall", command, "--profile", ""]) == ["dev", "prod-eu"])
        }
        #expect(try await Self.complete(world, ["exec"], "--profile", ["rolecall", "exec", "--profile", "pr"]) == ["prod-eu"])
        for command in ["credential-process", "aws-config"] {
            #expect(try await Self.complete(world, [command], "--profile", ["rolecall", command, "--profile", "d"]) == ["dev"])
        }
        for command in ["show", "remove", "set"] {
            #expect(try await Self.complete(world, ["profile", command], "positional@0", ["rolecall", "profile", command, ""]) == ["dev", "prod-eu"])
        }
        #expect(try await Self.complete(world, ["profile", "add"], "--source-profile", ["rolecall", "profile", "add", "x", "--source-profile", ""]) == ["dev", "prod-eu"])
    }

    @Test func aMissingHomeCompletesToNothingWithoutBeingCreated() async throws {
        var world = try await Self.worldWithTwoProfiles()
        world.environment["ROLECALL_HOME"] = world.base + "/no-home-here"
        #expect(try await Self.complete(world, ["exec"], "--profile", ["rolecall", "exec", "--profile", ""]) == [])
        #expect(!FileManager.default.fileExists(atPath: world.base + "/no-home-here"), "completing creates no home")
    }

    @Test func issuerCompletesRolecallIssuersCommandLine() async throws {
        let world = try await CLIWorld.initialized()
        let top = try await Self.complete(world, ["issuer"], "positional@0", ["rolecall", "issuer", ""])
        #expect(Set(["init", "serve", "user", "role", "audit", "ca"]).isSubset(of: Set(top)), "\(top)")
        #expect(try await Self.complete(world, ["issuer"], "positional@0", ["rolecall", "issuer", "user", "a"]) == ["add", "admin"])
        let options = try await Self.complete(world, ["issuer"], "positional@0", ["rolecall", "issuer", "user", "add", "--ad"])
        #expect(options == ["--admin"])
    }

    /// bash runs the checked-in script's function as its `complete -F` would, with COMP_WORDS set.
    @Test func bashCompletesProfileNames() async throws {
        let world = try await Self.worldWithTwoProfiles()
        let script = """
            source "$1"
            COMP_WORDS=(rolecall exec --profile ''); COMP_CWORD=3; COMP_LINE='rolecall exec --profile '; COMP_POINT=${#COMP_LINE}
            _rolecall rolecall '' --profile
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let outcome = try await ProcessRunner.run("bash", ["-c", script, "bash", "\(Paths.packageRoot)/completions/rolecall.bash"],
                                                  environment: Self.withProducts(world.environment))
        #expect(outcome.stdout == "dev\nprod-eu\n", "\(outcome.stderr)")
    }

    static func withProducts(_ environment: [String: String]) -> [String: String] {
        environment.merging(["PATH": "\(Paths.products):\(environment["PATH"] ?? "/usr/bin:/bin")"]) { $1 }
    }

    static let zshInstalled = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
        FileManager.default.isExecutableFile(atPath: "\($0)/zsh")
    }

    @Test func fishCompletesProfileNamesAndIssuerCommands() async throws {
        try await Self.pressTab(in: ["fish", "--no-config", "-i"], after: "source \(Paths.packageRoot)/completions/rolecall.fish")
    }

    @Test(.enabled(if: zshInstalled, "zsh is not installed (scripts/test installs it)"))
    func zshCompletesProfileNamesAndIssuerCommands() async throws {
        try await Self.pressTab(in: ["zsh", "-f", "-i"],
                                after: "PS1='> '; autoload -Uz compinit; compinit -u; source \(Paths.packageRoot)/completions/rolecall.zsh")
    }

    /// TAB pressed in an interactive `shell` on a pseudo-terminal, once `setup` has loaded the
    /// checked-in script (fish reads the cursor from its command line, which only an interactive
    /// fish has).
    static func pressTab(in shell: [String], after setup: String) async throws {
        let world = try await worldWithTwoProfiles()
        for (line, expected) in [("rolecall exec --profile ", ["dev", "prod-eu"]), ("rolecall issuer ", ["serve", "audit"])] {
            let outcome = try await ProcessRunner.run(Paths.python, ["\(Paths.packageRoot)/Tests/Python/shell_tab.py", setup, line] + shell,
                                                      environment: withProducts(world.environment))
            for name in expected { #expect(outcome.stdout.contains(name), "\(shell[0]), \(line): \(outcome.stdout)") }
        }
    }
}
