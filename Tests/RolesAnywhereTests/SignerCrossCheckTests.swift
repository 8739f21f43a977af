import Foundation
import RolesAnywhere
import Testing
import TestSupport
import X509

/// Our signer against AWS's Python signer (`iam-rolesanywhere-session`) and the `cryptography` package.
@Suite(.removesTemporaryFiles) struct SignerCrossCheckTests {
    enum KeyType: String, CaseIterable, CustomTestStringConvertible {
        case rsa2048, p256, p384
        var testDescription: String { rawValue }

        func make() throws -> SigningKey {
            switch self {
            case .rsa2048: try .testRSA()
            case .p256: .p256(.init())
            case .p384: .p384(.init())
            }
        }
    }

    static let signingTime = Date(timeIntervalSince1970: 1_764_000_000) // fixed: 2025-11-24T16:00:00Z
    static let body = #"{"durationSeconds":3600,"profileArn":"arn:aws:rolesanywhere:us-east-1:123456789012:profile/p","roleArn":"arn:aws:iam::123456789012:role/r","trustAnchorArn":"arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/t"}"#

    /// A leaf of `keyType` (through an intermediate if `withChain`), its key, and our signature of `body` with them.
    func signedByUs(_ keyType: KeyType, withChain: Bool) throws -> (leaf: Certificate, intermediate: Certificate?, key: SigningKey, ours: X509RequestSigner.Result) {
        let pki = try TestPKI.make(now: Self.signingTime)
        let intermediate = withChain ? try pki.intermediate(now: Self.signingTime) : nil
        let key = try keyType.make()
        let leaf = try pki.leaf(for: key, issuer: intermediate, notBefore: Self.signingTime.addingTimeInterval(-10), notAfter: Self.signingTime.addingTimeInterval(60))
        let identity = SigningIdentity(certificate: leaf, intermediates: intermediate.map { [$0.certificate] } ?? [], key: key, isSingleUse: true)
        let ours = try X509RequestSigner(identity: identity, region: "us-east-1")
            .sign(method: "POST", host: "rolesanywhere.us-east-1.amazonaws.com", path: "/sessions", body: Array(Self.body.utf8), at: Self.signingTime)
        return (leaf, intermediate?.certificate, key, ours)
    }

    @Test(arguments: KeyType.allCases, [false, true])
    func ourSignedRequestIsAWSPythonSigners(keyType: KeyType, withChain: Bool) async throws {
        let (leaf, intermediate, key, ours) = try signedByUs(keyType, withChain: withChain)
        var request: [String: Any] = [
            "certificate": leaf.pem, "privateKey": key.testPEM, "region": "us-east-1",
            "url": "https://rolesanywhere.us-east-1.amazonaws.com/sessions", "body": Self.body,
            "amzDate": AmzDate.string(from: Self.signingTime),
        ]
        if let intermediate { request["chain"] = intermediate.pem }
        let theirs = try await Python.crosscheck("sign", request)

        #expect(ours.canonicalRequest == theirs["canonicalRequest"] as? String)
        #expect(ours.stringToSign == theirs["stringToSign"] as? String)
        let theirHeaders = theirs["headers"] as? [String: String] ?? [:]
        for name in ["X-Amz-Date", "X-Amz-X509", "Content-Type", "Host"] {
            #expect(ours.request.header(name) == theirHeaders[name], "header \(name)")
        }
        #expect(ours.request.header("X-Amz-X509-Chain") == theirHeaders["X-Amz-X509-Chain"])
        #expect((ours.request.header("X-Amz-X509-Chain") != nil) == withChain)
        // Signatures differ for ECDSA (random k) but the Authorization header's other parts agree.
        let ourAuthorization = try #require(AuthorizationHeader(parsing: ours.request.header("Authorization") ?? ""))
        let theirAuthorization = try #require(AuthorizationHeader(parsing: theirHeaders["Authorization"] ?? ""))
        #expect(ourAuthorization.algorithm == theirAuthorization.algorithm)
        #expect(ourAuthorization.credential == theirAuthorization.credential)
        #expect(ourAuthorization.scope == theirAuthorization.scope)
        #expect(ourAuthorization.signedHeaders == theirAuthorization.signedHeaders)
        if keyType == .rsa2048 { #expect(ourAuthorization.signature == theirAuthorization.signature) }
    }

    /// The `cryptography` package verifies our signature of the string to sign, and not of another.
    @Test(arguments: KeyType.allCases, [false, true])
    func pythonVerifiesOurSignatureOfTheStringToSign(keyType: KeyType, withChain: Bool) async throws {
        let (leaf, _, _, ours) = try signedByUs(keyType, withChain: withChain)
        let ourAuthorization = try #require(AuthorizationHeader(parsing: ours.request.header("Authorization") ?? ""))
        let verified = try await Python.crosscheck("verify", [
            "certificate": leaf.pem, "message": ours.stringToSign, "signature": ourAuthorization.signature,
        ])
        #expect(verified["valid"] as? Bool == true)
        let tampered = try await Python.crosscheck("verify", [
            "certificate": leaf.pem, "message": ours.stringToSign + "x", "signature": ourAuthorization.signature,
        ])
        #expect(tampered["valid"] as? Bool == false)
    }

    @Test func serialIsDecimalAsPythonPrintsIt() async throws {
        let pki = try TestPKI.make()
        let leaf = try pki.leaf(for: .p256(.init()))
        let parsed = try await Python.crosscheck("certificate", ["certificate": leaf.pem])
        #expect(leaf.serialNumber.decimalString == parsed["serial"] as? String)
    }

    @Test func algorithmFollowsKeyType() throws {
        #expect(SigningKey.p256(.init()).algorithm.rawValue == "AWS4-X509-ECDSA-SHA256")
        #expect(SigningKey.p384(.init()).algorithm.rawValue == "AWS4-X509-ECDSA-SHA256")
        #expect(try SigningKey.testRSA().algorithm.rawValue == "AWS4-X509-RSA-SHA256")
    }

    @Test func keyDescriptionNeverShowsKeyMaterial() throws {
        let key = SigningKey.p256(.init())
        guard case .p256(let raw) = key else { return }
        let description = "\(key) \(String(reflecting: key))"
        #expect(!description.contains(raw.rawRepresentation.base64EncodedString()))
        #expect(description.contains("redacted"))
    }
}
