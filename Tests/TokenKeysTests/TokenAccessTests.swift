import Crypto
import _CryptoExtras
import Foundation
import IssuanceCore
import RolesAnywhere
import Synchronization
import Testing
import TestSupport
@testable import TokenKeys
import X509

/// Token keys on a real SoftHSM2 token, loaded in this process (ARCHITECTURE.md, "Keys on tokens").
@Suite(.serialized, .enabled(if: SoftHSM.isUsable))
struct TokenAccessTests {
    /// A fresh token per test, and access to it with the right PIN (counting how often it was asked).
    struct Fixture {
        let label: String
        let access: TokenAccess
        let pinRequests: Counter

        init(pin: String = SoftHSM.userPIN) async throws {
            label = "t\(UInt32.random(in: 0...UInt32.max))"
            try await SoftHSM.inProcess.addToken(label)
            let counter = Counter()
            pinRequests = counter
            access = TokenAccess(moduleOverride: SoftHSM.modulePath, environment: [:]) { _ in
                counter.add()
                return SecretBytes(pin)
            }
        }

        func uri(_ object: String) throws -> PKCS11URI { try PKCS11URI(parsing: "pkcs11:token=\(label);object=\(object)") }
    }

    final class Counter: Sendable {
        private let value = Mutex(0)
        func add() { value.withLock { $0 += 1 } }
        var count: Int { value.withLock { $0 } }
    }

    static let stringToSign = Array("AWS4-X509-ECDSA-SHA256 string to sign".utf8)

    /// Uses `rolecall-ca` on the fixture's token, creating it if absent: `body` gets the key, its
    /// reference and whether it was created now.
    func withCAKey<T>(_ fixture: Fixture, _ body: (SigningKey, TokenKeyReference, Bool) throws -> T) throws -> T {
        try fixture.access.withKey(creatingIfAbsent: try fixture.uri("rolecall-ca"), body)
    }

    @Test func aKeyGeneratedOnTheTokenSignsThere() async throws {
        let fixture = try await Fixture()
        try withCAKey(fixture) { key, reference, _ in
            #expect(reference.modulePath == SoftHSM.modulePath)
            #expect(key.algorithm == .ecdsaSHA256)
            let signature = try key.sign(Self.stringToSign)
            #expect(SignatureVerifier.isValid(signature: signature, message: Self.stringToSign, algorithm: .ecdsaSHA256, publicKey: key.certificatePublicKey))
        }
    }

    /// Generated once, found the second time; one login per use.
    @Test func aKeyIsGeneratedOnlyOnce() async throws {
        let fixture = try await Fixture()
        let (first, created) = try withCAKey(fixture) { key, _, created in (key.certificatePublicKey, created) }
        #expect(created)
        let again = try withCAKey(fixture) { key, _, created in
            #expect(!created)
            return key.certificatePublicKey
        }
        #expect(again == first)
        #expect(P256.Signing.PublicKey(first) != nil)
        #expect(fixture.pinRequests.count == 2)
    }

    /// pkcs11-tool (OpenSC), not this code, says what the token holds.
    @Test func aGeneratedKeyIsSensitiveNeverExtractable() async throws {
        let fixture = try await Fixture()
        _ = try withCAKey(fixture) { _, _, created in created }
        let listing = try await SoftHSM.inProcess.pkcs11Tool(["--token-label", fixture.label, "--list-objects", "--type", "privkey"])
        #expect(listing.status == 0, "\(listing.stderr)")
        #expect(listing.stdout.contains("label:      rolecall-ca"))
        #expect(listing.stdout.contains("never extractable"))
        #expect(listing.stdout.contains("sensitive"))
        #expect(!listing.stdout.contains("extractable,") || listing.stdout.contains("never extractable"))
    }

    @Test func aCAOnTheTokenSignsVerifiableCertificates() async throws {
        let fixture = try await Fixture()
        let now = Date()
        let leafKey = P256.Signing.PrivateKey()
        let (authority, leaf) = try fixture.access.withKey(creatingIfAbsent: try fixture.uri("ca")) { key, _, _ in
            let authority = try CertificateAuthority.generate(commonName: "rolecall CA for alice", now: now, key: key)
            let leaf = try authority.issueLeaf(for: Certificate.PublicKey(leafKey.publicKey), user: "alice", kind: .singleUse, now: now)
            return (authority, leaf)
        }
        #expect(authority.keyIsExternal)
        #expect(authority.unsafePrivateKeyPEM() == nil)
        #expect(authority.certificate.publicKey.isValidSignature(authority.certificate.signature, for: authority.certificate))
        #expect(authority.certificate.publicKey.isValidSignature(leaf.signature, for: leaf))
        // The CA outside its scope cannot sign: the session is closed.
        #expect(throws: (any Error).self) {
            try authority.issueLeaf(for: Certificate.PublicKey(leafKey.publicKey), user: "alice", kind: .singleUse, now: now)
        }
    }

    @Test func anRSAKeyMadeByPKCS11ToolSignsWithSHA256RSAPKCS() async throws {
        let fixture = try await Fixture()
        let made = try await SoftHSM.inProcess.pkcs11Tool(["--token-label", fixture.label, "--keypairgen", "--key-type", "rsa:2048", "--label", "corp", "--id", "0a"])
        #expect(made.status == 0, "\(made.stderr)")
        let message = Array("CreateSession".utf8)
        try fixture.access.withKey(TokenKeyReference(uri: "pkcs11:token=\(fixture.label);id=%0a", modulePath: SoftHSM.modulePath)) { key in
            #expect(key.algorithm == .rsaSHA256)
            let signature = try key.sign(message)
            #expect(SignatureVerifier.isValid(signature: signature, message: message, algorithm: .rsaSHA256, publicKey: key.certificatePublicKey))
        }
    }

    @Test func aKeyThatAsksForItsPINBeforeEachSignatureGetsIt() async throws {
        let fixture = try await Fixture()
        let made = try await SoftHSM.inProcess.pkcs11Tool(["--token-label", fixture.label, "--keypairgen", "--key-type", "EC:prime256v1",
                                                           "--label", "touchy", "--always-auth"])
        #expect(made.status == 0, "\(made.stderr)")
        let listing = try await SoftHSM.inProcess.pkcs11Tool(["--token-label", fixture.label, "--list-objects", "--type", "privkey"])
        #expect(listing.stdout.contains("always authenticate"))
        let message = Array("twice".utf8)
        try fixture.access.withKey(TokenKeyReference(uri: try fixture.uri("touchy").text, modulePath: SoftHSM.modulePath)) { key in
            for _ in 0..<2 {
                let signature = try key.sign(message)
                #expect(SignatureVerifier.isValid(signature: signature, message: message, algorithm: .ecdsaSHA256, publicKey: key.certificatePublicKey))
            }
        }
        // The PIN is asked once, and kept for the context-specific logins of that one use only.
        #expect(fixture.pinRequests.count == 1)
    }

    @Test func aWrongPINIsRefusedWithoutShowingIt() async throws {
        let right = try await Fixture()
        _ = try right.access.withKey(creatingIfAbsent: try right.uri("k")) { _, _, _ in () }
        let wrong = TokenAccess(moduleOverride: SoftHSM.modulePath, environment: [:]) { _ in SecretBytes("999999") }
        let error = try #require(throws: TokenError.self) {
            try wrong.withKey(TokenKeyReference(uri: try right.uri("k").text, modulePath: SoftHSM.modulePath)) { _ in () }
        }
        guard case .pinIncorrect = error else { Issue.record("expected pinIncorrect, got \(error)"); return }
        #expect(error.description.contains("pkcs11:token=\(right.label);object=k"))
        #expect(!error.description.contains("999999"))
    }

    @Test func aMissingObjectIsNamed() async throws {
        let fixture = try await Fixture()
        let absentObject = try #require(throws: TokenError.self) {
            try fixture.access.withKey(TokenKeyReference(uri: try fixture.uri("nothing").text, modulePath: SoftHSM.modulePath)) { _ in () }
        }
        #expect(absentObject == .objectNotFound(uri: "pkcs11:token=\(fixture.label);object=nothing"))
        #expect(fixture.pinRequests.count == 1)
    }

    @Test func aMissingTokenSaysToInsertIt() async throws {
        let fixture = try await Fixture()
        let absentToken = try #require(throws: TokenError.self) {
            try fixture.access.withKey(TokenKeyReference(uri: "pkcs11:token=not-here;object=k", modulePath: SoftHSM.modulePath)) { _ in () }
        }
        #expect(absentToken == .tokenNotPresent(uri: "pkcs11:token=not-here;object=k"))
        #expect(absentToken.description.contains("insert it"))
        #expect(fixture.pinRequests.count == 0)
    }

    @Test func aMissingModuleIsNamed() throws {
        let noModule = TokenAccess(moduleOverride: "/nonexistent/libpkcs11.so", environment: [:]) { _ in SecretBytes("") }
        let absentModule = try #require(throws: TokenError.self) {
            try noModule.withKey(TokenKeyReference(uri: "pkcs11:token=x;object=k", modulePath: SoftHSM.modulePath)) { _ in () }
        }
        #expect(absentModule == .moduleNotFound(path: "/nonexistent/libpkcs11.so"))
    }

    @Test func theModuleIsUnloadedWhenTheUseEnds() async throws {
        // dlopen's RTLD_NOLOAD answers whether the module is loaded without loading it.
        func isLoaded() -> Bool {
            guard let handle = dlopen(SoftHSM.modulePath, RTLD_NOW | RTLD_NOLOAD) else { return false }
            dlclose(handle)
            return true
        }
        #expect(!isLoaded())
        let fixture = try await Fixture()
        let loadedDuring = try fixture.access.withKey(creatingIfAbsent: try fixture.uri("k")) { _, _, _ in isLoaded() }
        #expect(loadedDuring)
        #expect(!isLoaded())
    }

    @Test func theModuleComesFromTheFlagThenTheURIThenTheConfigThenTheEnvironment() throws {
        let uri = try PKCS11URI(parsing: "pkcs11:token=a?module-path=/from/uri.so")
        let bare = try PKCS11URI(parsing: "pkcs11:token=a")
        func access(_ flag: String?, _ environment: [String: String] = [:]) -> TokenAccess {
            var access = TokenAccess(moduleOverride: flag, environment: environment) { _ in SecretBytes("") }
            access.proxyModuleCandidates = ["/nonexistent/p11-kit-proxy.so"]
            return access
        }
        #expect(try access("/flag.so").modulePath(for: uri, remembered: "/remembered.so") == "/flag.so")
        #expect(try access(nil).modulePath(for: uri, remembered: "/remembered.so") == "/from/uri.so")
        #expect(try access(nil, [TokenAccess.moduleVariable: "/env.so"]).modulePath(for: bare, remembered: "/remembered.so") == "/remembered.so")
        #expect(try access(nil, [TokenAccess.moduleVariable: "/env.so"]).modulePath(for: bare, remembered: "") == "/env.so")
        #expect(try access(nil, [TokenAccess.moduleVariable: "/env.so"]).modulePath(for: uri) == "/from/uri.so")
        #expect(try access(nil, [TokenAccess.moduleVariable: "/env.so"]).modulePath(for: bare) == "/env.so")
        #expect(throws: TokenError.noModule) { try access(nil).modulePath(for: bare) }
    }
}
