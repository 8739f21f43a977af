import Crypto
import Foundation
import RolesAnywhere
import RolesAnywhereEmulator
import Testing
import TestSupport
import X509

/// SECURITY.md's certificate rows: chains that are too long, self-signed leaves, key types Roles
/// Anywhere does not accept. The emulator refuses each as AWS does; the client refuses what it can
/// know before sending.
@Suite(.removesTemporaryFiles) struct HostileCertificateTests {
    let pki: TestPKI
    let emulator: Emulator

    init() throws {
        pki = try TestPKI.make()
        emulator = Emulator(config: try EmulatorHarness.standardConfig(caPEM: pki.root.certificate.pem, directory: try Paths.temporaryDirectory()))
    }

    func signed(_ leaf: Certificate, key: SigningKey, intermediates: [Certificate] = []) throws -> SignableRequest {
        let body = Array(try JSONEncoder().encode(CreateSessionRequest(
            durationSeconds: 900, profileArn: EmulatorHarness.profileArn, roleArn: EmulatorHarness.roleArn,
            trustAnchorArn: EmulatorHarness.trustAnchorArn)))
        return try X509RequestSigner(identity: SigningIdentity(certificate: leaf, intermediates: intermediates, key: key, isSingleUse: true), region: "us-east-1")
            .sign(method: "POST", host: "127.0.0.1", path: "/sessions", body: body, at: Date()).request
    }

    func message(_ response: EmulatorResponse) -> String {
        (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: String])?["message"] ?? ""
    }

    /// The emulator's answer to a leaf signed through `count` intermediates, all of them sent.
    func responseThrough(intermediates count: Int) async throws -> EmulatorResponse {
        let key = SigningKey.p256(.init())
        let chain = try pki.intermediates(count)
        let leaf = try pki.leaf(for: key, issuer: chain.last)
        return await emulator.handle(try signed(leaf, key: key, intermediates: chain.reversed().map(\.certificate)))
    }

    @Test func aChainOfFourIntermediatesIsAccepted() async throws {
        let response = try await responseThrough(intermediates: 4)
        #expect(response.status == 201, "4: \(message(response))")
    }

    @Test func aChainOfFiveIntermediatesIsTooLong() async throws {
        let response = try await responseThrough(intermediates: 5)
        #expect(response.status == 403, "5: \(message(response))")
        #expect(message(response).contains("chain is too long"))
    }

    @Test func aSelfSignedLeafIsUntrusted() async throws {
        let key = SigningKey.p256(.init())
        let response = await emulator.handle(try signed(try TestPKI.selfSignedLeaf(for: key), key: key))
        #expect(response.status == 403)
        #expect(message(response).contains("Untrusted"), "\(message(response))")
    }

    @Test func aLeafWithAnEd25519KeyIsRefused() async throws {
        let leaf = try pki.leaf(forPublicKey: Certificate.PublicKey(Curve25519.Signing.PrivateKey().publicKey))
        // Our signer cannot sign with Ed25519 at all; a P-256 signature over it cannot verify.
        let response = await emulator.handle(try signed(leaf, key: .p256(.init())))
        #expect(response.status == 403)
    }

    @Test func theClientRefusesKeyTypesItCannotSignWith() {
        let ed25519PEM = """
            -----BEGIN PRIVATE KEY-----
            MC4CAQAwBQYDK2VwBCIEIGpxIxRZ4O8nvkWYw/e9wMFmoJuAO2ohR6+I+m3qLuhf
            -----END PRIVATE KEY-----
            """
        #expect { try SigningKey(unsafePEM: ed25519PEM) } throws: { error in
            (error as? RolesAnywhereError)?.code == .unsupportedKey && !"\(error)".contains("MC4CAQAw")
        }
    }
}
