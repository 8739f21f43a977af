import CTestEnvironment
import Foundation

/// SoftHSM2 tokens for the tests, in a temporary `SOFTHSM2_CONF` of their own.
///
/// SoftHSM reads `SOFTHSM2_CONF` when the module is initialised. Tests that load the module in
/// this process share one configuration (`inProcess`, in this process's environment from the start);
/// tests that run `rolecall` pass `environment` to the child instead.
public struct SoftHSM: Sendable {
    public static let modulePath = ["/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
                                    "/usr/lib64/pkcs11/libsofthsm2.so", "/usr/local/lib/softhsm/libsofthsm2.so"]
        .first { FileManager.default.fileExists(atPath: $0) } ?? "/usr/lib/softhsm/libsofthsm2.so"

    /// Whether the token tests run: SoftHSM, softhsm2-util and pkcs11-tool are installed, or
    /// `ROLECALL_TEST_REQUIRE_SOFTHSM=1` (scripts/test, which installs them) makes their absence a failure.
    public static let isUsable: Bool = {
        let onPath = { (name: String) in
            (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
                .contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(name)") }
        }
        let installed = FileManager.default.fileExists(atPath: modulePath) && onPath("softhsm2-util") && onPath("pkcs11-tool")
        return installed || ProcessInfo.processInfo.environment["ROLECALL_TEST_REQUIRE_SOFTHSM"] == "1"
    }()

    public static let userPIN = "246810"
    public static let securityOfficerPIN = "13579111"

    public let configurationPath: String
    public var environment: [String: String] { ["SOFTHSM2_CONF": configurationPath] }

    /// A configuration with its own token directory, and no token yet.
    public static func make() throws -> SoftHSM {
        let directory = try Paths.temporaryDirectory("rolecall-softhsm")
        try FileManager.default.createDirectory(atPath: directory + "/tokens", withIntermediateDirectories: true)
        let configuration = directory + "/softhsm2.conf"
        try "directories.tokendir = \(directory)/tokens\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n"
            .write(toFile: configuration, atomically: true, encoding: .utf8)
        return SoftHSM(configurationPath: configuration)
    }

    /// The configuration this test process's own module uses: made, and put in the environment,
    /// before `main` (Tests/CTestEnvironment), since a setenv while tests run races every thread
    /// that reads the environment.
    public static let inProcess: SoftHSM = {
        guard let path = rolecall_test_softhsm_configuration() else { fatalError("the test process's SoftHSM configuration could not be made") }
        return SoftHSM(configurationPath: String(cString: path))
    }()

    /// SoftHSM with a PIN retry counter (Tests/Fixtures/pkcs11/pin-counting-module.c), built once with
    /// `cc`: three wrong PINs lock it. Give the module `pinCountingEnvironment(countFile:)`.
    public static func pinCountingModule() async throws -> String {
        try await PinCountingModule.shared.path()
    }

    public static func pinCountingEnvironment(countFile: String) -> [String: String] {
        ["ROLECALL_TEST_INNER_MODULE": modulePath, "ROLECALL_TEST_PIN_COUNT_FILE": countFile]
    }

    /// Initialises a token labelled `label` with the test PINs.
    public func addToken(_ label: String) async throws {
        let outcome = try await ProcessRunner.run("softhsm2-util", ["--init-token", "--free", "--label", label,
                                                                   "--pin", Self.userPIN, "--so-pin", Self.securityOfficerPIN],
                                                  environment: processEnvironment)
        guard outcome.status == 0 else { throw SoftHSMError("softhsm2-util --init-token failed: \(outcome.stderr)") }
    }

    /// `pkcs11-tool` against this configuration's module, logged in with the user PIN.
    public func pkcs11Tool(_ arguments: [String], login: Bool = true) async throws -> ProcessOutcome {
        try await ProcessRunner.run("pkcs11-tool", ["--module", Self.modulePath] + (login ? ["--login", "--pin", Self.userPIN] : []) + arguments,
                                    environment: processEnvironment)
    }

    /// The environment for a child: this one's configuration, the rest inherited.
    public var processEnvironment: [String: String] {
        ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
}

public struct SoftHSMError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Builds the PIN-counting module once per test process, outside any one test's directory (which
/// goes when that test ends, while others still load the module).
actor PinCountingModule {
    static let shared = PinCountingModule()
    private var built: String?

    func path() async throws -> String {
        if let built { return built }
        let directory = try Paths.makeTemporaryDirectory(in: "/tmp", prefix: "rolecall-pkcs11-module")
        TemporaryFiles.remember(directory)
        let output = directory + "/pin-counting-module.so"
        let source = Paths.packageRoot + "/Tests/Fixtures/pkcs11/pin-counting-module.c"
        let outcome = try await ProcessRunner.run("cc", ["-shared", "-fPIC", "-o", output, source])
        guard outcome.status == 0 else { throw SoftHSMError("cc could not build the PIN-counting module: \(outcome.stderr)") }
        built = output
        return output
    }
}
