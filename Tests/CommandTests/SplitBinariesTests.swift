import CGlibcBaseline
import Foundation
import Synchronization
import Testing
import TestSupport

/// The three programs: `rolecall` hands `issuer …` to `rolecall-issuer`, starts
/// `rolesanywhere-emulator` for `demo`, and carries no code of either (ARCHITECTURE.md, "Binaries").
@Suite(.removesTemporaryFiles) struct SplitBinariesTests {
    static var issuer: String { "\(Paths.products)/rolecall-issuer" }

    static func administrator(_ base: String) -> [String: String] {
        ["PATH": "/usr/bin:/bin", "HOME": base, "ROLECALL_HOME": base + "/home", "LANG": "C.UTF-8"]
    }

    @Test func issuerCommandsPassThroughTheHandoffWithTheirExitCodes() async throws {
        let base = try Paths.temporaryDirectory("rolecall-handoff")
        defer { try? FileManager.default.removeItem(atPath: base) }
        // PATH holds no rolecall-issuer: it is found next to rolecall.
        let environment = Self.administrator(base)
        let initialized = try await ProcessRunner.run(Paths.rolecall, ["issuer", "init"], environment: environment)
        try #require(initialized.status == 0, "\(initialized.stderr)")
        let added = try await ProcessRunner.run(Paths.rolecall, ["issuer", "user", "add", "alice", "--json"], environment: environment)
        try #require(added.status == 0, "\(added.stderr)")

        let handedOff = try await ProcessRunner.run(Paths.rolecall, ["issuer", "user", "list"], environment: environment)
        let direct = try await ProcessRunner.run(Self.issuer, ["user", "list"], environment: environment)
        #expect(handedOff.status == 0, "\(handedOff.stderr)")
        #expect(handedOff.stdout == direct.stdout)
        #expect(handedOff.stdout.contains("alice\tone-time-password"), "\(handedOff.stdout)")

        // A user error (1) and a usage error (2) come back as rolecall-issuer gave them.
        let missing = try await ProcessRunner.run(Paths.rolecall, ["issuer", "user", "remove", "nobody"], environment: environment)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no user named nobody"), "\(missing.stderr)")
        let usage = try await ProcessRunner.run(Paths.rolecall, ["issuer", "user", "list", "--no-such-flag"], environment: environment)
        #expect(usage.status == 2, "\(usage.stderr)")
        // `--help` reaches rolecall-issuer unparsed.
        let help = try await ProcessRunner.run(Paths.rolecall, ["issuer", "--help"], environment: environment)
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: rolecall-issuer"), "\(help.stdout)")
    }

    @Test func aSignalEndingTheIssuerIsTheCallersToo() async throws {
        let base = try Paths.temporaryDirectory("rolecall-handoff")
        defer { try? FileManager.default.removeItem(atPath: base) }
        let environment = Self.administrator(base)
        let initialized = try await ProcessRunner.run(Paths.rolecall, ["issuer", "init"], environment: environment)
        try #require(initialized.status == 0, "\(initialized.stderr)")
        let server = try BackgroundProcess(Paths.rolecall, ["issuer", "serve", "--listen", "127.0.0.1:0"], environment: environment, directory: base)
        _ = try #require(try await server.waitForOutput(matching: "https://"), "serve: \(server.errors)")
        // The handoff replaced the process: the pid rolecall started as is rolecall-issuer's, so a
        // signal sent to it reaches the server, and its end is what the caller sees.
        let running = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(server.pid)/exe")
        #expect(running.hasSuffix("/rolecall-issuer"), "\(running)")
        kill(server.pid, SIGKILL)
        #expect(server.exitStatus() == 128 + SIGKILL)
    }

    @Test func withoutRolecallIssuerTheHandoffSaysSoInOneLine() async throws {
        // A hard link in a directory of its own, on the products' file system: a copy would be open
        // for writing while other tests fork, and exec'ing it could fail with ETXTBSY.
        let base = try Paths.makeTemporaryDirectory(in: Paths.products, prefix: "rolecall-alone")
        defer { try? FileManager.default.removeItem(atPath: base) }
        try FileManager.default.linkItem(atPath: Paths.rolecall, toPath: base + "/rolecall")
        // PATH is that directory alone, so an installed rolecall-issuer is not found either.
        let outcome = try await ProcessRunner.run(base + "/rolecall", ["issuer", "user", "list"],
                                                  environment: Self.administrator(base).merging(["PATH": base]) { $1 })
        #expect(outcome.status == 1)
        let lines = outcome.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(outcome.stderr)")
        #expect(outcome.stderr.hasPrefix("rolecall: rolecall-issuer is not installed"), "\(outcome.stderr)")
    }

    @Test func theDemoRunsTheEmulatorAsAProcessOfItsOwn() async throws {
        let base = try Paths.temporaryDirectory("rolecall-demo-test")
        defer { try? FileManager.default.removeItem(atPath: base) }
        let environment = ["PATH": "/usr/bin:/bin", "HOME": base, "TMPDIR": base]
        let outcome = try await ProcessRunner.run(Paths.rolecall, ["demo", "--", "sh", "-c", "echo \"$AWS_ACCESS_KEY_ID\""], environment: environment)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.hasPrefix("ASIA"), "\(outcome.stdout)")
        let line = try #require(outcome.stderr.split(separator: "\n").first { $0.contains("emulator (pid ") }, "\(outcome.stderr)")
        let pid = try #require(pid_t(line.split(separator: "(pid ")[1].prefix { $0.isNumber }))
        #expect(kill(pid, 0) == -1 && errno == ESRCH, "the emulator was stopped and reaped when the demo ended")
    }

    /// Swift mangles a module's name into every symbol it defines (`$s` + length + name), so a
    /// module the client links shows up in its symbol table.
    static let serverModules = ["PostgresNIO", "SQLiteNIO", "Prometheus", "HummingbirdBcrypt", "Hummingbird",
                                "IssuerServer", "IssuerStorage", "RolesAnywhereEmulator"]
    /// What only the client runs: its issuers, its session flow and its HTTPS client.
    static let clientModules = ["Session", "Issuance", "HTTPSTransport"]

    static func definedModules(_ binary: String, among modules: [String] = serverModules) async throws -> Set<String> {
        let prefixes = modules.map { "\\$s\($0.utf8.count)\($0)[^a-zA-Z]" }.joined(separator: "|")
        // The symbol table is large: grep keeps only the module prefixes that occur.
        let found = try await ProcessRunner.run("bash", ["-c", "set -o pipefail; nm --defined-only \"$0\" | grep -oE '\(prefixes)' | sort -u", binary])
        // grep's 1 is "none found"; anything else is nm or grep failing.
        try #require(found.status == 0 || found.status == 1, "nm: \(found.stderr)")
        return Set(modules.filter { module in found.stdout.contains("$s\(module.utf8.count)\(module)") })
    }

    @Test func theClientLinksNoServerModule() async throws {
        #expect(try await Self.definedModules(Paths.rolecall).isEmpty)
        // The check sees what it looks for: the issuer and the emulator do link theirs.
        #expect(try await Self.definedModules(Self.issuer).isSuperset(of: ["IssuerServer", "IssuerStorage", "PostgresNIO", "SQLiteNIO", "Hummingbird"]))
        #expect(try await Self.definedModules(Paths.emulator).contains("RolesAnywhereEmulator"))
    }

    /// The client's HTTPS is SwiftNIO's HTTP/1.1 codec and NIOSSL (issue 26): async-http-client, and
    /// the HTTP/2 it brings, stay out of it. The load test still links both, so the check sees them.
    @Test func theClientLinksNeitherAsyncHTTPClientNorHTTP2() async throws {
        let modules = ["AsyncHTTPClient", "NIOHTTP2"]
        #expect(try await Self.definedModules(Paths.rolecall, among: modules).isEmpty)
        #expect(try await Self.definedModules("\(Paths.products)/rolecall-issuer-load", among: modules) == Set(modules))
    }

    /// The client is built on FoundationEssentials: it uses no symbol of full Foundation, which
    /// brings ICU (the static client went from 34 to 78 MB when two files imported Foundation).
    @Test func theClientUsesNoSymbolOfFullFoundation() async throws {
        func fullFoundationSymbols(_ binary: String) async throws -> Int {
            let found = try await ProcessRunner.run("bash", ["-c", "nm -u \"$0\" | grep -c '10Foundation' || true", binary])
            return Int(found.stdout.filter(\.isNumber)) ?? -1
        }
        #expect(try await fullFoundationSymbols(Paths.rolecall) == 0)
        // The check sees what it looks for: the issuer uses Foundation.
        #expect(try await fullFoundationSymbols(Self.issuer) > 0)
    }

    /// The glibc symbol versions a program imports (`objdump -T`), as [major, minor(, patch)].
    static func glibcVersions(_ binary: String) async throws -> Set<[Int]> {
        let found = try await ProcessRunner.run("bash", ["-c", "set -o pipefail; objdump -T \"$0\" | grep -oE 'GLIBC_[0-9.]+' | sort -u", binary])
        try #require(found.status == 0, "objdump -T \(binary): \(found.stderr)")
        return Set(found.stdout.split(separator: "\n").map { $0.dropFirst("GLIBC_".count).split(separator: ".").compactMap { Int($0) } })
    }

    /// The programs start on glibc 2.34 (Ubuntu 22.04, RHEL 9; README, "Supported systems"): nothing
    /// they import from glibc has a newer version. The debug products link the Swift runtime
    /// dynamically; the release programs link it statically, and its Glibc overlay is where
    /// hypot@GLIBC_2.35 came from (CGlibcBaseline), so the release programs are checked as well
    /// wherever a release build is (`make build`, scripts/bench, scripts/check-install).
    @Test func theProgramsNeedAtMostGlibc234() async throws {
        let releases = [Self.madeBuild, "\(Paths.packageRoot)/.build/release"]
        let directories = [Paths.products] + releases.filter { FileManager.default.isExecutableFile(atPath: "\($0)/rolecall") }
        for directory in directories {
            for program in ["rolecall", "rolecall-issuer", "rolesanywhere-emulator"] {
                let versions = try await Self.glibcVersions("\(directory)/\(program)")
                #if arch(x86_64)
                // The check reads what it looks for: glibc's first x86-64 version is there.
                #expect(versions.contains([2, 2, 5]), "\(directory)/\(program): no GLIBC_2.2.5 symbol read")
                #endif
                let newer = versions.filter { [2, 34].lexicographicallyPrecedes($0) }
                #expect(newer.isEmpty, "\(directory)/\(program) needs \(newer.map { "GLIBC_" + $0.map(String.init).joined(separator: ".") })")
            }
        }
    }

    /// Where `make build` put its programs (Makefile, `SCRATCH`).
    static let madeBuild = "\(Paths.packageRoot)/.build-release/release"

    /// `make build` links libstdc++'s archive (Makefile): its programs load no libstdc++.so, so the
    /// loader resolves none of its symbols on every start, and need no particular GCC on the system.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "\(madeBuild)/rolecall"), "needs `make build`"))
    func theInstalledProgramsCarryLibstdcxx() async throws {
        for program in ["rolecall", "rolecall-issuer", "rolesanywhere-emulator"] {
            let dynamic = try await ProcessRunner.run("readelf", ["-d", "\(Self.madeBuild)/\(program)"])
            try #require(dynamic.status == 0 && dynamic.stdout.contains("libc.so.6"), "readelf -d \(program): \(dynamic.stderr)")
            #expect(!dynamic.stdout.contains("libstdc++"), "\(program) loads libstdc++ as a shared library")
        }
    }

    /// `make build` links only the functions something calls (Makefile, `SIZE_FLAGS`): a public
    /// function of swift-certificates that the client never calls is in this test binary, built the
    /// usual way, where every public function is kept, and not in `make build`'s client, which stays
    /// within the 25 MB of issue 26.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "\(madeBuild)/rolecall"), "needs `make build`"))
    func theInstalledClientLeavesOutWhatNothingCalls() async throws {
        // Certificate.Extensions.remove(_:)
        let uncalled = "$s4X50911CertificateV10ExtensionsV6removeyAC9ExtensionVSg9SwiftASN10G16ObjectIdentifierVF"
        // Whether `binary` defines a symbol whose name holds `name`; grep's status 1 is "no". grep reads to
        // the end (-c, not -q), so that nm never sees a closed pipe.
        func defines(_ binary: String, _ name: String) async throws -> Bool {
            let found = try await ProcessRunner.run("bash", ["-c", "set -o pipefail; nm --defined-only \"$0\" | grep -cF -- \"$1\"", binary, name])
            // nm's failure is a status of 1 too under pipefail: it says so on standard error.
            try #require([0, 1].contains(found.status) && found.stderr.isEmpty, "nm \(binary) failed: \(found.stderr); run `make build` again")
            return found.status == 0
        }
        let client = "\(Self.madeBuild)/rolecall"
        #expect(try await defines(try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"), uncalled))
        #expect(try await defines(client, "$s4X509"), "\(client) has no swift-certificates symbol: run `make build` again")
        #expect(try await !defines(client, uncalled))
        let stripped = try FileManager.default.attributesOfItem(atPath: "\(Paths.packageRoot)/.build-release/stripped/rolecall")[.size] as? Int
        #expect(try #require(stripped) <= 25_000_000)
    }

    /// What the linker sends the programs' hypot and hypotf to (CGlibcBaseline) computes them. It runs on a
    /// thread of its own: a wrapper that called itself, optimized into a loop, would otherwise hang the suite.
    #if os(Linux)
    @Test func theWrappedHypotComputesHypot() throws {
        let results = Mutex<[Double]?>(nil)
        let computed = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            results.withLock {
                $0 = [
                    __wrap_hypot(3, 4), __wrap_hypot(-3, 4), Double(__wrap_hypotf(3, 4)), __wrap_hypot(5, 12),
                    __wrap_hypot(3e300, 4e300), __wrap_hypot(.infinity, .nan),
                ]
            }
            computed.signal()
        }
        try #require(computed.wait(timeout: .now() + 5) == .success, "__wrap_hypot did not return within 5 s")
        #expect(results.withLock { $0 } == [5, 5, 5, 13, 5e300, .infinity])
    }
    #endif

    /// The arc4random that libstdc++'s archive calls in those programs (CGlibcBaseline, since glibc 2.34
    /// has none) gives the kernel's random numbers: sixteen 32-bit values, all but by chance distinct.
    #if os(Linux)
    @Test func theWrappedArc4randomIsRandom() {
        let values = Set((0..<16).map { _ in __wrap_arc4random() })
        #expect(values.count >= 15)
    }
    #endif

    @Test func theIssuerLinksNoClientModule() async throws {
        #expect(try await Self.definedModules(Self.issuer, among: Self.clientModules).isEmpty)
        #expect(try await Self.definedModules(Paths.rolecall, among: Self.clientModules) == Set(Self.clientModules))
    }
}
