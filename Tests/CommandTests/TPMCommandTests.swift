import Crypto
import Foundation
import Testing
import TestSupport
import X509

/// The local CA's key on a TPM 2.0 (swtpm and tpm2-pkcs11, `scripts/tpm-token`), through the built
/// `rolecall` (docs/tokens.md): the same commands as on SoftHSM, on a second vendor's module.
@Suite(.removesTemporaryFiles, .enabled(if: TPMToken.isUsable))
struct TPMCommandTests {
    @Test func aCAKeyGeneratedOnTheTPMSignsEachSession() async throws {
        try await TPMToken.with { tpm in
            let pinFile = try Paths.temporaryDirectory("rolecall-pin") + "/pin"
            try (SoftHSM.userPIN + "\n").write(toFile: pinFile, atomically: true, encoding: .utf8)
            let uri = "pkcs11:token=\(TPMToken.label);object=rolecall-ca"
            let world = try await CLIWorld.withEmulator(
                mfa: nil,
                initArguments: ["--ca-key", uri, "--pkcs11-module", tpm.modulePath, "--pin-command", "cat \(pinFile)"],
                extraEnvironment: tpm.environment
            )
            // The key is on the TPM, sensitive and never extractable, and the CA certificate certifies it.
            let listing = try await tpm.pkcs11Tool(["--token-label", TPMToken.label, "--list-objects", "--type", "privkey"])
            #expect(listing.stdout.contains("label:      rolecall-ca"), "\(listing.stdout) \(listing.stderr)")
            #expect(listing.stdout.contains("never extractable"), "\(listing.stdout)")
            let certificate = try Certificate(pemEncoded: world.caPEM)
            #expect(certificate.publicKey.isValidSignature(certificate.signature, for: certificate))
            let issuer = try String(contentsOfFile: world.home + "/issuer.json", encoding: .utf8)
            #expect(issuer.contains(tpm.modulePath) && !issuer.contains("privateKeyPEM"))

            let url = try #require(world.harness?.url)
            let outcome = try await world.rolecall(["exec", "--profile", "dev", "--pin-command", "cat \(pinFile)", "--",
                                                    "aws", "sts", "get-caller-identity", "--endpoint-url", url, "--output", "json"])
            #expect(outcome.status == 0, "\(outcome.stderr)")
            #expect(outcome.stdout.contains("assumed-role/test-role/"))
            #expect(world.createSessions.map(\.status) == [201])

            let wrong = try await world.rolecall(["exec", "--profile", "dev", "--pin-command", "echo 97531", "--", "true"])
            #expect(wrong.status == 1)
            #expect(wrong.stderr.contains("refused the PIN") && !wrong.stderr.contains("97531"), "\(wrong.stderr)")
            #expect(world.createSessions.count == 1)
        }
    }
}
