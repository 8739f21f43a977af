import Crypto
import Foundation
import IssuanceCore
import IssuerStorage
import RolesAnywhere
import X509

/// The issuer's secrets as the database keeps them: sealed with the issuer key, each bound to
/// its purpose. Nothing here is cached: a CA rotated by `issuer ca rotate` signs the next
/// certificate on every replica.
struct IssuerVault: Sendable {
    let database: any IssuerDatabase
    let key: IssuerKey

    static let tokenKeySetting = "token-key"
    static let tlsIdentitySetting = "tls-identity"

    // MARK: CA

    /// Stores `authority` (its key sealed): signing from now on, or `staged`.
    func addAuthority(_ authority: CertificateAuthority, staged: Bool = false, now: Date) async throws {
        let pem = try authority.certificatePEM()
        guard let keyPEM = authority.unsafePrivateKeyPEM() else { throw IssuerSetupError("a CA whose key is on a token cannot be sealed into the database") }
        var keyBytes = Array(keyPEM.utf8)
        defer { wipeBytes(&keyBytes) }
        let sealed = try key.seal(keyBytes, context: Self.caContext(pem))
        if staged {
            try await database.stageAuthority(certificatePEM: pem, sealedPrivateKey: sealed, createdAt: now)
        } else {
            try await database.addAuthority(certificatePEM: pem, sealedPrivateKey: sealed, createdAt: now)
        }
    }

    func currentAuthority() async throws -> CertificateAuthority {
        guard let stored = try await database.authorities().last(where: { !$0.retired && !$0.staged }) else {
            throw IssuerSetupError("the issuer has no CA: run `rolecall issuer init`")
        }
        var keyBytes = try key.open(stored.sealedPrivateKey, context: Self.caContext(stored.certificatePEM))
        defer { wipeBytes(&keyBytes) }
        return CertificateAuthority(
            certificate: try Certificate(pemEncoded: stored.certificatePEM),
            key: try P256.Signing.PrivateKey(pemRepresentation: String(decoding: keyBytes, as: UTF8.self))
        )
    }

    private static func caContext(_ certificatePEM: String) -> String {
        "ca-key:" + SHA256.hash(data: Array(certificatePEM.utf8)).hexString
    }

    // MARK: Login tokens

    /// Created by `issuer init`; the same for every replica.
    func tokenSigner() async throws -> LoginTokenSigner {
        guard let sealed = try await database.setting(Self.tokenKeySetting) else {
            throw IssuerSetupError("the issuer has no token key: run `rolecall issuer init`")
        }
        var bytes = try key.open(sealed, context: Self.tokenKeySetting)
        defer { wipeBytes(&bytes) }
        return LoginTokenSigner(key: SymmetricKey(data: bytes))
    }

    func createTokenKey() async throws {
        var bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        defer { wipeBytes(&bytes) }
        _ = try await database.insertSettingIfAbsent(Self.tokenKeySetting, value: try key.seal(bytes, context: Self.tokenKeySetting))
    }

    // MARK: TOTP seeds

    func sealSeed(_ seed: SecretBytes, user: String) throws -> [UInt8] {
        try seed.withUnsafeBytes { try key.seal(Array($0), context: "totp:" + user) }
    }

    func openSeed(_ sealed: [UInt8], user: String) throws -> SecretBytes {
        SecretBytes(try key.open(sealed, context: "totp:" + user))
    }

    // MARK: TLS identity

    struct TLSIdentity {
        let certificatePEM: String
        let keyPEM: SecretBytes
        /// Made by this call, replacing one that expired or was about to: clients pin anew.
        let renewed: Bool
    }

    /// The server's TLS certificate and key: created once and shared by every replica, so one
    /// pinned fingerprint fits them all. Renewed `SelfSignedServerCertificate.renewBefore` its
    /// end (or after it), by whichever replica starts first then.
    func tlsIdentity(hosts: [String], now: Date) async throws -> TLSIdentity {
        let fresh = { (kept: [GeneralName]) throws -> [UInt8] in
            var encoded = try SelfSignedServerCertificate.generate(hosts: hosts, keeping: kept, now: now).encoded()
            defer { wipeBytes(&encoded) }
            return try key.seal(encoded, context: Self.tlsIdentitySetting)
        }
        guard let existing = try await database.setting(Self.tlsIdentitySetting) else {
            // Replicas starting together: the first one's certificate wins, everyone uses it.
            return try open(try await database.insertSettingIfAbsent(Self.tlsIdentitySetting, value: try fresh([])), renewed: false)
        }
        let current = try open(existing, renewed: false)
        let certificate = try Certificate(pemEncoded: current.certificatePEM)
        guard certificate.notValidAfter.timeIntervalSince(now) < SelfSignedServerCertificate.renewBefore else {
            return current
        }
        current.keyPEM.wipe()
        // The renewal keeps every name the old one had: other replicas may be reached by them.
        let kept = try certificate.extensions.subjectAlternativeNames.map { Array($0) } ?? []
        let stored = try await database.replaceSetting(Self.tlsIdentitySetting, expected: existing, with: try fresh(kept))
        return try open(stored, renewed: stored != existing)
    }

    private func open(_ sealed: [UInt8], renewed: Bool) throws -> TLSIdentity {
        var opened = try key.open(sealed, context: Self.tlsIdentitySetting)
        defer { wipeBytes(&opened) }
        let (certificatePEM, keyPEM) = try SelfSignedServerCertificate.decode(opened)
        return TLSIdentity(certificatePEM: certificatePEM, keyPEM: keyPEM, renewed: renewed)
    }
}
