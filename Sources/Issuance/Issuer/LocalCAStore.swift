import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import IssuanceCore
import IssuerProtocol
import RolesAnywhere
import TokenKeys
import X509

/// The local issuer's private file (`issuer.json`, 0600): CA keys and TOTP seeds.
///
/// Whoever can read this file can mint certificates, unless the CA's key is on a token: then the
/// file names the key (a `pkcs11:` URI and its module) and signing needs the token and its PIN
/// (README, "Security model").
public struct LocalCAStore: Sendable {
    struct Document: Codable {
        struct Authority: Codable {
            var certificatePEM: String
            /// The key, when it is not on a token.
            var privateKeyPEM: String?
            /// The key on a token (`init --ca-key`); no private key is in the file then.
            var tokenKey: TokenKeyReference?
            var createdAt: Date
            /// Replaced by a newer CA; kept for `ca show --all` until `ca remove-old`.
            var retired: Bool
            /// Made by `ca rotate --stage`: listed for the trust anchor, signing nothing until promoted.
            var staged: Bool?
            /// When it stopped signing (older files do not say).
            var retiredAt: Date?

            var isStaged: Bool { staged == true }

            init(_ authority: CertificateAuthority, tokenKey: TokenKeyReference?, createdAt: Date, staged: Bool = false) throws {
                certificatePEM = try authority.certificatePEM()
                privateKeyPEM = tokenKey == nil ? authority.unsafePrivateKeyPEM() : nil
                self.tokenKey = tokenKey
                self.createdAt = createdAt
                retired = false
                self.staged = staged ? true : nil
            }
        }

        struct Device: Codable {
            var name: String
            var secretBase32: String
            var createdAt: Date
        }

        var user: String
        var authorities: [Authority]
        var devices: [Device]
    }

    public struct DeviceInfo: Sendable {
        public let name: String
        public let createdAt: Date
    }

    let file: JSONFile<Document>

    public init(directory: SecureDirectory) {
        self.file = JSONFile(directory: directory, name: "issuer.json")
    }

    public var path: String { file.path }
    public var directory: SecureDirectory { file.directory }

    func load() throws -> Document {
        guard let document = try file.load() else {
            throw StoreError.noLocalCA(file.path)
        }
        return document
    }



    /// Creates the file; refuses when it already exists. `tokenKey`: where the CA's key is, when on a token.
    public func create(user: String, authority: CertificateAuthority, tokenKey: TokenKeyReference? = nil, firstDevice: String, secret: SecretBytes, now: Date) throws {
        try file.directory.withLock {
            guard try file.directory.read(file.name) == nil else { throw StoreError.damaged(file.path, detail: "it already exists") }
            try file.save(Document(
                user: user,
                authorities: [try .init(authority, tokenKey: tokenKey, createdAt: now)],
                devices: [.init(name: firstDevice, secretBase32: TOTPSecret.base32(secret), createdAt: now)]
            ))
        }
    }

    public func user() throws -> String { try load().user }

    /// A CA as `ca show` lists it.
    public struct AuthorityEntry: Sendable {
        public let certificate: Certificate
        public let retired: Bool
        public let staged: Bool
        public let retiredAt: Date?
        /// Signing new certificates now.
        public var current: Bool { !retired && !staged }
    }

    /// The CA that signs new certificates.
    public func currentAuthority() throws -> StoredAuthority {
        try currentAuthority(in: load())
    }

    /// The current CA of a document already read (the issuer reads the file once per issuance).
    func currentAuthority(in document: Document) throws -> StoredAuthority {
        guard let current = document.authorities.last(where: { !$0.retired && !$0.isStaged }) else {
            throw StoreError.damaged(file.path, detail: "it holds no current CA")
        }
        return try Self.authority(current, path: file.path)
    }

    /// Every CA, oldest first (a staged one last).
    public func allAuthorityCertificates() throws -> [AuthorityEntry] {
        try load().authorities.map {
            AuthorityEntry(certificate: try Self.certificate($0, path: file.path), retired: $0.retired, staged: $0.isStaged, retiredAt: $0.retiredAt)
        }
    }

    /// Throws what `rotateAuthority`/`stageAuthority` (`promoting` false) or `promoteStagedAuthority`
    /// would refuse with, so that a caller can refuse before it spends an MFA code.
    public func checkRotation(promoting: Bool) throws {
        try Self.checkRotation(try load(), promoting: promoting)
    }

    /// Switches signing to `authority` at once. Refused while a CA is staged: promote that one instead.
    public func rotateAuthority(to authority: CertificateAuthority, tokenKey: TokenKeyReference? = nil, now: Date) throws {
        try mutate { document in
            try Self.checkRotation(document, promoting: false)
            Self.retireCurrent(&document, now: now)
            document.authorities.append(try .init(authority, tokenKey: tokenKey, createdAt: now))
        }
    }

    /// Adds `authority` as the next CA; the current one keeps signing until `promoteStagedAuthority`.
    public func stageAuthority(_ authority: CertificateAuthority, tokenKey: TokenKeyReference? = nil, now: Date) throws {
        try mutate { document in
            try Self.checkRotation(document, promoting: false)
            document.authorities.append(try .init(authority, tokenKey: tokenKey, createdAt: now, staged: true))
        }
    }

    /// The staged CA signs from now on; the one before it is retired. Returns the promoted CA.
    public func promoteStagedAuthority(now: Date) throws -> StoredAuthority {
        try mutate { document in
            try Self.checkRotation(document, promoting: true)
            guard let staged = document.authorities.lastIndex(where: { $0.isStaged }) else { preconditionFailure("checked above") }
            Self.retireCurrent(&document, now: now)
            document.authorities[staged].staged = nil
            return try Self.authority(document.authorities[staged], path: file.path)
        }
    }

    /// A promotion needs a staged CA; a new CA (at once or staged) needs none staged.
    private static func checkRotation(_ document: Document, promoting: Bool) throws {
        let staged = document.authorities.contains { $0.isStaged }
        if promoting && !staged {
            throw StoreError.noStagedCA()
        }
        if !promoting && staged {
            throw StoreError.caStaged()
        }
    }

    private static func retireCurrent(_ document: inout Document, now: Date) {
        for index in document.authorities.indices where !document.authorities[index].retired && !document.authorities[index].isStaged {
            document.authorities[index].retired = true
            document.authorities[index].retiredAt = now
        }
    }

    /// Drops retired CAs; returns how many.
    public func removeRetiredAuthorities() throws -> Int {
        try mutate { document in
            let before = document.authorities.count
            document.authorities.removeAll { $0.retired }
            return before - document.authorities.count
        }
    }

    public func devices() throws -> [TOTPVerifier.Device] {
        try Self.devices(in: load())
    }

    static func devices(in document: Document) throws -> [TOTPVerifier.Device] {
        try document.devices.map { TOTPVerifier.Device(name: $0.name, secret: try TOTPSecret.fromBase32($0.secretBase32)) }
    }

    public func deviceInfo() throws -> [DeviceInfo] {
        try load().devices.map { DeviceInfo(name: $0.name, createdAt: $0.createdAt) }
    }

    public func addDevice(name: String, secret: SecretBytes, now: Date) throws {
        try mutate { document in
            guard !document.devices.contains(where: { $0.name == name }) else {
                throw MFAError.unavailable("an MFA device named \(name) already exists: pick another name")
            }
            document.devices.append(.init(name: name, secretBase32: TOTPSecret.base32(secret), createdAt: now))
        }
    }

    public func removeDevice(name: String) throws {
        try mutate { document in
            guard document.devices.contains(where: { $0.name == name }) else {
                throw MFAError.unavailable("no MFA device named \(name): see `rolecall mfa list`")
            }
            guard document.devices.count > 1 else {
                throw MFAError.unavailable("\(name) is the last MFA device: add another with `rolecall mfa add` before removing it")
            }
            document.devices.removeAll { $0.name == name }
        }
    }

    private func mutate<T>(_ body: (inout Document) throws -> T) throws -> T {
        try file.directory.withLock {
            var document = try load()
            let result = try body(&document)
            try file.save(document)
            return result
        }
    }

    static func certificate(_ stored: Document.Authority, path: String) throws -> Certificate {
        do {
            return try Certificate(pemEncoded: stored.certificatePEM)
        } catch {
            throw StoreError.damaged(path, detail: "a CA certificate does not parse")
        }
    }

    static func authority(_ stored: Document.Authority, path: String) throws -> StoredAuthority {
        guard (stored.privateKeyPEM == nil) != (stored.tokenKey == nil) else {
            throw StoreError.damaged(path, detail: "a CA needs either privateKeyPEM or tokenKey")
        }
        return StoredAuthority(certificate: try certificate(stored, path: path), tokenKey: stored.tokenKey, keyPEM: stored.privateKeyPEM, path: path)
    }
}

/// A CA as `issuer.json` keeps it: the certificate, and its key or where on a token the key is.
public struct StoredAuthority: Sendable, CustomStringConvertible {
    public let certificate: Certificate
    /// Where the key is, when it is on a token.
    public let tokenKey: TokenKeyReference?
    fileprivate let keyPEM: String?
    fileprivate let path: String

    public var fingerprintSHA256: String { (try? CertificateFingerprint.sha256(der: certificate.derBytes())) ?? "" }

    /// Runs `body` with the CA ready to sign: its key from the file, or opened on its token through
    /// `tokens` (which asks for the PIN) and closed again when `body` returns.
    public func withAuthority<T>(tokens: TokenAccess?, _ body: (CertificateAuthority) throws -> T) throws -> T {
        guard let tokenKey else {
            let key: P256.Signing.PrivateKey
            do { key = try P256.Signing.PrivateKey(pemRepresentation: keyPEM ?? "") } catch {
                throw StoreError.damaged(path, detail: "a CA key does not parse")
            }
            return try body(CertificateAuthority(certificate: certificate, key: key))
        }
        guard let tokens else { throw TokenError.pinUnavailable(uri: tokenKey.uri, reason: "this command cannot open the token") }
        return try tokens.withKey(tokenKey) { key in
            let authority: CertificateAuthority
            do { authority = try CertificateAuthority(certificate: certificate, key: key) } catch {
                throw TokenError.keyMismatch(uri: tokenKey.uri)
            }
            return try body(authority)
        }
    }

    public var description: String {
        "StoredAuthority(fingerprint: \(fingerprintSHA256), key: \(tokenKey.map { "on token \($0.uri)" } ?? "<redacted>"))"
    }
}
