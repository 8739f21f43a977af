import Crypto
import Foundation
import IssuanceCore
import IssuerStorage
import RolesAnywhere
import TokenKeys
import X509

/// The issuer's secrets as the database keeps them: sealed with the issuer key, each bound to
/// its purpose. Nothing here is cached: a CA rotated by `issuer ca rotate` signs the next
/// certificate on every replica.
struct IssuerVault: Sendable {
    let database: any IssuerDatabase
    let key: IssuerKey
    /// The HSM holding the CA's key, when it is on one (`issuer init --ca-key`).
    let tokens: IssuerTokens?

    init(database: any IssuerDatabase, key: IssuerKey, tokens: IssuerTokens? = nil) {
        self.database = database
        self.key = key
        self.tokens = tokens
    }

    static let tokenKeySetting = "token-key"
    static let tlsIdentitySetting = "tls-identity"

    // MARK: CA

    /// A new CA: its key made in memory (then sealed into the database), or on the HSM `caKey`
    /// names (then the database holds only its URI).
    /// `currentModule`: the module of the CA this one follows, the default for its key too.
    func makeAuthority(commonName: String, caKey: PKCS11URI?, currentModule: String?, now: Date) throws -> (CertificateAuthority, TokenKeyReference?) {
        guard let caKey else { return (try CertificateAuthority.generate(commonName: commonName, now: now), nil) }
        guard let tokens else {
            throw IssuerError.pinNeededForNewKey()
        }
        return try tokens.makeAuthority(on: caKey, remembered: currentModule) { key in try CertificateAuthority.generate(commonName: commonName, now: now, key: key) }
    }

    /// Stores `authority`, signing from now on or `staged`: its key sealed, or the URI of the
    /// token key `tokenKey` when it is on one.
    func addAuthority(_ authority: CertificateAuthority, tokenKey: TokenKeyReference? = nil, staged: Bool = false, now: Date) async throws {
        let pem = try authority.certificatePEM()
        let stored: StoredAuthority.Key
        if let tokenKey {
            stored = .token(uri: tokenKey.uri, modulePath: tokenKey.modulePath,
                            seal: try key.seal(Self.referenceBytes(tokenKey), context: Self.tokenReferenceContext(pem)))
        } else {
            guard let keyPEM = authority.unsafePrivateKeyPEM() else { throw IssuerError.tokenReferenceMissing() }
            var keyBytes = Array(keyPEM.utf8)
            defer { wipeBytes(&keyBytes) }
            stored = .sealed(try key.seal(keyBytes, context: Self.caContext(pem)))
        }
        if staged {
            try await database.stageAuthority(certificatePEM: pem, key: stored, createdAt: now)
        } else {
            try await database.addAuthority(certificatePEM: pem, key: stored, createdAt: now)
        }
    }

    /// The CA that signs now, its certificate only: no key is opened.
    func currentCertificate() async throws -> Certificate {
        try Certificate(pemEncoded: try await currentRow().certificatePEM)
    }

    /// The CA that signs now, with its key: opened from its seal, or reached on the HSM.
    func currentAuthority() async throws -> CertificateAuthority {
        let stored = try await currentRow()
        let certificate = try Certificate(pemEncoded: stored.certificatePEM)
        switch stored.key {
        case .sealed(let sealed):
            var keyBytes = try key.open(sealed, context: Self.caContext(stored.certificatePEM))
            defer { wipeBytes(&keyBytes) }
            return CertificateAuthority(
                certificate: certificate,
                key: try P256.Signing.PrivateKey(pemRepresentation: String(decoding: keyBytes, as: UTF8.self))
            )
        case .token(let uri, let modulePath, let seal):
            let reference = TokenKeyReference(uri: uri, modulePath: modulePath)
            // Before any module is loaded: the module path is code this process will run.
            guard (try? key.open(seal, context: Self.tokenReferenceContext(stored.certificatePEM))) == Self.referenceBytes(reference) else {
                throw IssuerError.tokenReferenceTampered()
            }
            guard let tokens else {
                throw IssuerError.pinNeeded(caKeyOn: uri)
            }
            do {
                return try CertificateAuthority(certificate: certificate, key: try tokens.signingKey(reference))
            } catch is IssuerKeyMismatch {
                throw IssuerError.tokenKeyMismatch(uri)
            }
        }
    }

    private func currentRow() async throws -> StoredAuthority {
        guard let stored = try await database.authorities().last(where: { !$0.retired && !$0.staged }) else {
            throw IssuerError.notInitialized(missing: "CA")
        }
        return stored
    }

    private static func referenceBytes(_ reference: TokenKeyReference) -> [UInt8] {
        Array((reference.uri + "\n" + reference.modulePath).utf8)
    }

    private static func tokenReferenceContext(_ certificatePEM: String) -> String {
        "ca-token-key:" + SHA256.hash(data: Array(certificatePEM.utf8)).hexString
    }

    private static func caContext(_ certificatePEM: String) -> String {
        "ca-key:" + SHA256.hash(data: Array(certificatePEM.utf8)).hexString
    }

    // MARK: Login tokens

    /// Created by `issuer init`; the same for every replica.
    func tokenSigner() async throws -> LoginTokenSigner {
        guard let sealed = try await database.setting(Self.tokenKeySetting) else {
            throw IssuerError.notInitialized(missing: "token key")
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
