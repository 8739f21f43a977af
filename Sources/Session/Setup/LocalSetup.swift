import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Issuance
import IssuanceCore
import IssuerProtocol
import RolesAnywhere
import TokenKeys
import X509

/// `init`, `ca` and `mfa`: creating and changing the local issuer's state.
public struct LocalSetup: Sendable {
    public struct Initialized: Sendable {
        public let user: String
        public let otpauthURI: String
        public let caCertificatePEM: String
        public let caFingerprintSHA256: String
        public let home: String
        /// With `--ca-key`: whether the key was made on the token now (else one already there is used).
        public let caKeyCreated: Bool?
    }

    public struct Device: Sendable {
        public let name: String
        public let createdAt: Date
        public let lastUsed: Date?
        public let lockedUntil: Date?
    }

    private let context: SessionContext

    public init(context: SessionContext) {
        self.context = context
    }

    /// Creates the home, the CA and a first TOTP device. Refuses an existing home, changing nothing.
    /// With `caKey`, the CA's key is on that token (made there if the object does not exist) and
    /// no private key is written to any file.
    public func initialize(user: String, caKey: PKCS11URI? = nil) throws -> Initialized {
        guard UserName.isValid(user) else {
            throw SetupError.invalidUserName(user)
        }
        let home = context.home
        if FileManager.default.fileExists(atPath: context.localCAStore.path) {
            throw SetupError.alreadySetUp(home.path)
        }
        // The token first: a wrong PIN or a missing token leaves no half-made home behind.
        let (authority, tokenKey, created) = try makeAuthority(commonName: "rolecall CA for \(user)", caKey: caKey)
        try home.create()
        var generator = context.random.generator
        let secret = TOTPSecret.generate(using: &generator)
        try context.localCAStore.create(user: user, authority: authority, tokenKey: tokenKey, firstDevice: "default", secret: secret, now: context.now())
        // From now on a missing state file means it was removed (SessionContext.missingMFAState).
        try context.mfaState.createIfAbsent()
        return Initialized(
            user: user,
            otpauthURI: TOTPSecret.otpauthURI(user: user, secret: secret),
            caCertificatePEM: try authority.certificatePEM(),
            caFingerprintSHA256: authority.fingerprintSHA256,
            home: home.path,
            caKeyCreated: created
        )
    }

    /// A new CA: its key in memory (then in `issuer.json`), or on the token `caKey` names (through
    /// `currentModule`, the current CA's module, unless told otherwise).
    private func makeAuthority(commonName: String, caKey: PKCS11URI?, currentModule: String? = nil) throws -> (CertificateAuthority, TokenKeyReference?, Bool?) {
        guard let caKey else { return (try CertificateAuthority.generate(commonName: commonName, now: context.now()), nil, nil) }
        return try context.tokens().withKey(creatingIfAbsent: caKey, remembered: currentModule) { key, reference, created in
            (try CertificateAuthority.generate(commonName: commonName, now: context.now(), key: key), reference, created)
        }
    }

    /// How a rotation goes: at once, or in two steps so that the trust anchor can hold both CAs first.
    public enum Rotation: Sendable {
        case immediate, stage, promote
    }

    /// Rotates the CA after an MFA check; the old one stays listed until `removeOldAuthorities`.
    /// Returns the certificate of the CA that is new in the step: the new current one, or the staged one.
    /// `caKey`: the new CA's key on a token (needed when the current CA's key is on one).
    public func rotateAuthority(_ rotation: Rotation = .immediate, mfaCode: String, caKey: PKCS11URI? = nil) throws -> Certificate {
        let store = context.localCAStore
        // Refused before the code is spent; the store checks again under its lock.
        try store.checkRotation(promoting: rotation == .promote)
        if rotation == .promote, caKey != nil {
            throw SetupError.caKeyWithPromote()
        }
        let currentTokenKey = try store.currentAuthority().tokenKey
        if rotation != .promote, caKey == nil, let current = currentTokenKey {
            throw SetupError.caKeyMustBeOnToken(current: current.uri)
        }
        try context.localIssuer.verifyMFA(code: mfaCode)
        if rotation == .promote { return try store.promoteStagedAuthority(now: context.now()).certificate }
        let (authority, tokenKey, _) = try makeAuthority(commonName: "rolecall CA for \(try store.user())", caKey: caKey,
                                                         currentModule: currentTokenKey?.modulePath)
        if rotation == .stage {
            try store.stageAuthority(authority, tokenKey: tokenKey, now: context.now())
        } else {
            try store.rotateAuthority(to: authority, tokenKey: tokenKey, now: context.now())
        }
        return authority.certificate
    }

    /// The longest any certificate of the local CA lives: an in-memory one for `exec --server`'s
    /// longest MFA window.
    public static let longestCertificateLifetime: TimeInterval = 12 * 3600

    /// Forgets the retired CAs; returns how many, and until when certificates they signed may still be
    /// valid, when that is later than now.
    public func removeOldAuthorities() throws -> (removed: Int, stillValidUntil: Date?) {
        let retiredAt = try context.localCAStore.allAuthorityCertificates().filter(\.retired).map { $0.retiredAt ?? context.now() }.max()
        let validUntil = retiredAt.map { $0.addingTimeInterval(Self.longestCertificateLifetime) }
        let removed = try context.localCAStore.removeRetiredAuthorities()
        return (removed, validUntil.flatMap { $0 > context.now() ? $0 : nil })
    }

    /// Checks one code from an authenticator (spending it, as any accepted code is): `init`'s last
    /// step, and `mfa verify`. At a terminal a wrong, used or mistyped code is asked for again,
    /// three times in all; a refusal after that says how to check again.
    public func verifyDevice(codes: MFACodeSource) async throws {
        do {
            try await codes.withAttempts(warn: context.warn) { try context.localIssuer.verifyMFA(code: try codes.obtain(on: context.terminal, environment: context.environment)) }
        } catch let error as MFAError {
            throw SetupError.authenticatorNotAccepted(error, checked: MFACodeSource.mayAskAgain(after: error))
        }
    }

    /// Adds a device after a valid code from an existing one; returns its otpauth URI.
    public func addDevice(name: String, mfaCode: String) throws -> String {
        guard Profile.isValidName(name) else {
            throw SetupError.invalidDeviceName(name)
        }
        guard !(try context.localCAStore.deviceInfo().contains { $0.name == name }) else {
            throw SetupError.deviceExists(name)
        }
        try context.localIssuer.verifyMFA(code: mfaCode)
        var generator = context.random.generator
        let secret = TOTPSecret.generate(using: &generator)
        try context.localCAStore.addDevice(name: name, secret: secret, now: context.now())
        return TOTPSecret.otpauthURI(user: "\(try context.localCAStore.user())-\(name)", secret: secret)
    }

    public func removeDevice(name: String, mfaCode: String) throws {
        guard try context.localCAStore.deviceInfo().contains(where: { $0.name == name }) else {
            throw SetupError.unknownDevice(name)
        }
        try context.localIssuer.verifyMFA(code: mfaCode)
        try context.localCAStore.removeDevice(name: name)
    }

    /// Devices with their use and lockout state; never a secret.
    public func devices() throws -> [Device] {
        let state = try context.mfaState.load()
        return try context.localCAStore.deviceInfo().map { info in
            let record = state.devices[info.name]
            let locked = record?.lockedUntil.flatMap { $0 > context.now() ? $0 : nil }
            return Device(name: info.name, createdAt: info.createdAt, lastUsed: record?.lastUsed, lockedUntil: locked)
        }
    }
}
