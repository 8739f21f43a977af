import Foundation

/// A software TPM 2.0 with a tpm2-pkcs11 token labelled `rolecall` on it (`scripts/tpm-token`):
/// swtpm behind tpm2-abrmd on a private D-Bus. The token's PINs are SoftHSM's test PINs.
public struct TPMToken: Sendable {
    public static let label = "rolecall"

    /// Whether the TPM tests run: swtpm and tpm2-pkcs11 are installed, or `ROLECALL_TEST_REQUIRE_TPM=1`
    /// (scripts/test, which lets `scripts/tpm-token` install them) makes their absence a failure.
    public static let isUsable: Bool = {
        let libraries = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib")) ?? []
        let installed = FileManager.default.isExecutableFile(atPath: "/usr/bin/swtpm")
            && FileManager.default.isExecutableFile(atPath: "/usr/sbin/tpm2-abrmd")
            && libraries.contains { FileManager.default.fileExists(atPath: "/usr/lib/\($0)/libtpm2_pkcs11.so.1") }
        return installed || ProcessInfo.processInfo.environment["ROLECALL_TEST_REQUIRE_TPM"] == "1"
    }()

    /// The PKCS#11 module's path.
    public let modulePath: String
    /// What every process that loads the module needs: the broker's bus and the token's store.
    public let environment: [String: String]

    /// Runs `body` with a TPM token of its own, stopped afterwards whether `body` throws or not.
    /// The directory is short: the D-Bus socket's path must fit in `sun_path`.
    public static func with<T>(_ body: (TPMToken) async throws -> T) async throws -> T {
        let directory = try Paths.makeTemporaryDirectory(in: "/tmp", prefix: "rc-tpm")
        let script = Paths.packageRoot + "/scripts/tpm-token"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let started = try await ProcessRunner.run(script, ["start", directory])
            guard started.status == 0 else { throw SoftHSMError("scripts/tpm-token start failed: \(started.stderr)") }
            var values: [String: String] = [:]
            for line in started.stdout.split(separator: "\n") {
                guard let equals = line.firstIndex(of: "=") else { continue }
                values[String(line[..<equals])] = String(line[line.index(after: equals)...])
            }
            guard let module = values.removeValue(forKey: "MODULE") else { throw SoftHSMError("scripts/tpm-token printed no MODULE") }
            let result = try await body(TPMToken(modulePath: module, environment: values))
            _ = try await ProcessRunner.run(script, ["stop", directory])
            return result
        } catch {
            _ = try? await ProcessRunner.run(script, ["stop", directory])
            throw error
        }
    }

    /// `pkcs11-tool` against the TPM's module, logged in with the user PIN when `login`.
    public func pkcs11Tool(_ arguments: [String], login: Bool = true) async throws -> ProcessOutcome {
        try await ProcessRunner.run("pkcs11-tool", ["--module", modulePath] + (login ? ["--login", "--pin", SoftHSM.userPIN] : []) + arguments,
                                    environment: ProcessInfo.processInfo.environment.merging(environment) { $1 })
    }
}
