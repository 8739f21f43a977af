import Crypto
import Foundation
import Testing
import TestSupport
import X509

/// Where `--pkcs11-module` may point, through the built `rolecall` (issue 22): the config remembers
/// an absolute path only, and a module others could write is not loaded.
@Suite(.removesTemporaryFiles, .enabled(if: SoftHSM.isUsable))
struct PKCS11ModulePathCommandTests {
    typealias World = OwnCertificateCommandTests.World

    /// A key on a SoftHSM token and its certificate in a file.
    static func tokenKey(_ world: World, _ softHSM: SoftHSM) async throws -> String {
        try await softHSM.addToken("corp")
        let made = try await softHSM.pkcs11Tool(["--token-label", "corp", "--keypairgen", "--key-type", "EC:prime256v1", "--label", "corp-key", "--id", "42"])
        try #require(made.status == 0, "\(made.stderr)")
        let publicKeyFile = world.base + "/corp-public.der"
        let read = try await softHSM.pkcs11Tool(["--token-label", "corp", "--read-object", "--type", "pubkey", "--id", "42", "-o", publicKeyFile], login: false)
        try #require(read.status == 0, "\(read.stderr)")
        let publicKey = Certificate.PublicKey(try P256.Signing.PublicKey(derRepresentation: Array(try Data(contentsOf: URL(fileURLWithPath: publicKeyFile)))))
        return try world.write("corp.pem", try world.pki.leaf(forPublicKey: publicKey, notAfter: World.corporateNotAfter).pem, mode: 0o644)
    }

    /// The module `config.json` remembers for the first profile's own key.
    static func rememberedModule(_ config: String) throws -> String? {
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: config))) as? [String: Any]
        let profile = (document?["profiles"] as? [[String: Any]])?.first
        return (profile?["ownCertificate"] as? [String: Any])?["pkcs11Module"] as? String
    }

    static func rememberModule(_ module: String, in config: String) throws {
        var document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: config))) as? [String: Any])
        var profiles = try #require(document["profiles"] as? [[String: Any]])
        var own = try #require(profiles[0]["ownCertificate"] as? [String: Any])
        own["pkcs11Module"] = module
        profiles[0]["ownCertificate"] = own
        document["profiles"] = profiles
        try JSONSerialization.data(withJSONObject: document).write(to: URL(fileURLWithPath: config))
    }

    @Test func aRelativeModuleIsRememberedAbsoluteAndARelativeOneInTheConfigIsRefusedWithTheFix() async throws {
        let softHSM = try SoftHSM.make()
        let world = try await World.make(extraEnvironment: softHSM.environment)
        let certificate = try await Self.tokenKey(world, softHSM)
        let modules = world.base + "/modules"
        try FileManager.default.createDirectory(atPath: modules, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        try FileManager.default.createSymbolicLink(atPath: modules + "/softhsm.so", withDestinationPath: SoftHSM.modulePath)
        let added = try await ProcessRunner.run(Paths.rolecall, ["profile", "add", "corp", "--role-arn", EmulatorHarness.roleArn,
                                                                 "--profile-arn", EmulatorHarness.profileArn, "--trust-anchor-arn", EmulatorHarness.trustAnchorArn,
                                                                 "--endpoint", world.harness.url, "--certificate", certificate,
                                                                 "--private-key", "pkcs11:token=corp;id=%42", "--pkcs11-module", "./softhsm.so"],
                                                environment: world.environment, workingDirectory: modules)
        try #require(added.status == 0, "\(added.stderr)")
        let config = world.base + "/home/config.json"
        #expect(try Self.rememberedModule(config) == modules + "/softhsm.so")
        let pinFile = try world.write("pin", SoftHSM.userPIN + "\n")
        let exec = try await world.rolecall(["exec", "--profile", "corp", "--pin-command", "cat \(pinFile)", "--", "true"])
        #expect(exec.status == 0, "from another directory: \(exec.stderr)")

        // A config written by an earlier rolecall, with the path as it was typed.
        try Self.rememberModule("softhsm.so", in: config)
        let refused = try await ProcessRunner.run(Paths.rolecall, ["exec", "--profile", "corp", "--pin-command", "cat \(pinFile)", "--", "true"],
                                                  environment: world.environment, workingDirectory: modules)
        #expect(refused.status == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("remembers the PKCS#11 module as softhsm.so, a relative path")
                && refused.stderr.contains("rolecall profile add NAME --force"), "\(refused.stderr)")
        #expect(world.createSessions.count == 1)
    }

    @Test func aModuleInADirectoryOthersCanWriteIsRefusedSayingWhy() async throws {
        let softHSM = try SoftHSM.make()
        let world = try await World.make(extraEnvironment: softHSM.environment)
        let certificate = try await Self.tokenKey(world, softHSM)
        let open = world.base + "/open"
        try FileManager.default.createDirectory(atPath: open, withIntermediateDirectories: false)
        chmod(open, 0o777)
        try FileManager.default.copyItem(atPath: URL(fileURLWithPath: SoftHSM.modulePath).resolvingSymlinksInPath().path, toPath: open + "/softhsm.so")
        let added = try await world.addProfile("corp", ["--certificate", certificate, "--private-key", "pkcs11:token=corp;id=%42",
                                                        "--pkcs11-module", open + "/softhsm.so"])
        #expect(added.status == 0, "\(added.stderr)")
        let pinFile = try world.write("pin", SoftHSM.userPIN + "\n")
        let exec = try await world.rolecall(["exec", "--profile", "corp", "--pin-command", "cat \(pinFile)", "--", "true"])
        #expect(exec.status == 1)
        #expect(exec.stderr.contains("refusing to load the PKCS#11 module \(open)/softhsm.so: the directory holding the module \(open) is writable by others (mode 777)")
                && exec.stderr.contains("chmod go-w"), "\(exec.stderr)")
        #expect(world.createSessions.isEmpty)
    }
}
