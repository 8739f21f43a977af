import Foundation
import IssuanceCore
import IssuerProtocol
import IssuerStorage
import RolesAnywhere
import TokenKeys
import X509

/// The administrator's commands (`rolecall issuer init|user|role|audit|ca`), run locally against
/// the database with the issuer key.
public struct IssuerAdmin: Sendable {
    public let database: any IssuerDatabase
    let vault: IssuerVault
    private let hasher: PasswordHasher
    private let now: @Sendable () -> Date
    /// Who the audit rows of administrative changes name.
    let actor: String

    public static let defaultLoginSessionSeconds = 12 * 3600

    /// `tokens`: the HSM, for a CA whose key is on one (`init --ca-key`, `ca rotate --ca-key`).
    public init(database: any IssuerDatabase, key: IssuerKey, tokens: IssuerTokens? = nil, bcryptCost: UInt8 = PasswordHasher.defaultCost,
                actor: String = IssuerAdmin.operatingSystemUser(), now: @escaping @Sendable () -> Date = Date.init) {
        self.init(vault: IssuerVault(database: database, key: key, tokens: tokens), hasher: PasswordHasher(cost: bcryptCost), actor: actor, now: now)
    }

    /// The console's: an administrator signed in acts through the service's vault.
    init(vault: IssuerVault, hasher: PasswordHasher, actor: String, now: @escaping @Sendable () -> Date) {
        self.database = vault.database
        self.vault = vault
        self.hasher = hasher
        self.actor = actor
        self.now = now
    }

    /// The user running this process, by name ("alice via sudo" under sudo), else by uid.
    public static func operatingSystemUser(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let uid = geteuid()
        let name = getpwuid(uid).flatMap { $0.pointee.pw_name.map { String(cString: $0) } } ?? "uid \(uid)"
        if uid == 0, let invoker = environment["SUDO_USER"], !invoker.isEmpty { return "\(printableExcerpt(invoker, limit: 64)) via sudo" }
        return name
    }

    /// An administrative change and its audit row, in one transaction.
    /// `body` makes the change through the database (and vault) it is given, in the same
    /// transaction as the row: no change is made without its row, and no row is written for a
    /// change that failed. What takes time (bcrypt, a key on an HSM) is done before, outside it.
    @discardableResult
    /// `count`: the row's count, from what `body` returned (how many rows it moved or removed).
    private func change<T: Sendable>(_ event: AuditEvent, user: String? = nil, roleArn: String? = nil,
                                     count: @escaping @Sendable (T) -> Int64 = { _ in 1 },
                                     _ body: @escaping @Sendable (_ database: any IssuerDatabase, _ vault: IssuerVault) async throws -> T) async throws -> T {
        let record = AuditRecord(time: now(), event: event, user: user, roleArn: roleArn, clientAddress: nil, result: "ok", actor: actor)
        let (key, tokens) = (vault.key, vault.tokens)
        return try await database.inTransaction { transaction in
            let result = try await body(transaction, IssuerVault(database: transaction, key: key, tokens: tokens))
            var counted = record
            counted.count = count(result)
            try await transaction.appendAudit(counted)
            return result
        }
    }

    // MARK: Setup and CA

    /// Whether `issuer init` completed on this database: it has a CA and a token key.
    public static func isInitialized(_ database: any IssuerDatabase) async throws -> Bool {
        let hasAuthority = try await !database.authorities().isEmpty
        let hasTokenKey = try await database.setting(IssuerVault.tokenKeySetting) != nil
        return hasAuthority && hasTokenKey
    }

        /// A new CA and token key, or whichever of the two an interrupted `init` did not write (each
    /// existing one must open with this key); refuses an issuer that has both. With `caKey`, the
    /// CA's key is on that HSM token (made there if the object does not exist), and the database
    /// holds only its URI.
    public func initialize(commonName: String, caKey: PKCS11URI? = nil) async throws -> CertificateAuthority {
        guard try await !Self.isInitialized(database) else { throw IssuerError.alreadyInitialized }
        try await vault.createTokenKey()
        _ = try await vault.tokenSigner()
        if try await !database.authorities().isEmpty { return try await vault.currentAuthority() }
        return try await addAuthority(commonName: commonName, caKey: caKey, staged: false, event: .issuerInit)
    }

    /// Every CA, oldest first, whether it is retired (a staged one is not) and whether it is staged.
    public func authorities() async throws -> [(certificate: Certificate, retired: Bool, staged: Bool, createdAt: Date)] {
        try await database.authorities().map { (try Certificate(pemEncoded: $0.certificatePEM), $0.retired && !$0.staged, $0.staged, $0.createdAt) }
    }

    /// A new CA signs from now on; the old ones stay listed (their certificates expire within 12 h).
    /// Refused while a CA is staged: promote that one. `caKey` as for `initialize`.
    public func rotateAuthority(commonName: String, caKey: PKCS11URI? = nil) async throws -> CertificateAuthority {
        try await refuseStaged()
        return try await addAuthority(commonName: commonName, caKey: caKey, staged: false, event: .caRotate)
    }

    /// The next CA, published for the trust anchor; the current one keeps signing on every replica.
    public func stageAuthority(commonName: String, caKey: PKCS11URI? = nil) async throws -> CertificateAuthority {
        try await refuseStaged()
        return try await addAuthority(commonName: commonName, caKey: caKey, staged: true, event: .caStage)
    }

    /// A rotation off the HSM would put the next CA's key in the database: refused unless a
    /// token key is named for it too. So is a key an earlier CA had: a rotation makes a new key.
    private func addAuthority(commonName: String, caKey: PKCS11URI?, staged: Bool, event: AuditEvent) async throws -> CertificateAuthority {
        let authorities = try await database.authorities()
        let namesTheSameKey = { (stored: StoredAuthority) -> Bool in
            guard let caKey, case .token(let uri, _, _) = stored.key, let parsed = try? PKCS11URI(parsing: uri) else { return false }
            return parsed.attributes == caKey.attributes && parsed.id == caKey.id
        }
        if let caKey, authorities.contains(where: namesTheSameKey) {
            throw IssuerError.caKeyReused(caKey)
        }
        var currentModule: String?
        if let current = authorities.last(where: { !$0.retired && !$0.staged }), case .token(let uri, let module, _) = current.key {
            guard caKey != nil else {
                throw IssuerError.caKeyNeeded(currentOn: uri)
            }
            currentModule = module
        }
        let (authority, tokenKey) = try vault.makeAuthority(commonName: commonName, caKey: caKey, currentModule: currentModule, now: now())
        let time = now()
        try await change(event) { _, vault in try await vault.addAuthority(authority, tokenKey: tokenKey, staged: staged, now: time) }
        return authority
    }

    /// The staged CA signs from now on, on every replica; the one before it is retired. Its key
    /// is not opened here: the replicas open it when they sign.
    public func promoteAuthority() async throws -> Certificate {
        try await change(.caPromote) { database, _ in
            guard try await database.promoteStagedAuthority() else {
                throw IssuerError.noStagedAuthority()
            }
        }
        return try await vault.currentCertificate()
    }

    private func refuseStaged() async throws {
        if try await database.authorities().contains(where: \.staged) {
            throw IssuerError.authorityStaged()
        }
    }

    // MARK: Users

    public struct Enrollment: Sendable, CustomStringConvertible {
        public let user: String
        /// Shown once; only its bcrypt hash is kept. A one-time password: the first login replaces it.
        public let password: SecretBytes
        /// Shown once; the seed is kept sealed.
        public let otpauthURI: SecretBytes

        public var description: String { "Enrollment(\(user), password: <redacted>, otpauthURI: <redacted>)" }
    }

    /// What a reset shows once: the one-time password, and the new device's URI when the devices
    /// were replaced.
    public struct PasswordReset: Sendable, CustomStringConvertible {
        public let user: String
        public let password: SecretBytes
        public let otpauthURI: SecretBytes?

        public var description: String { "PasswordReset(\(user), password: <redacted>, otpauthURI: <redacted>)" }

        public func wipe() {
            password.wipe()
            otpauthURI?.wipe()
        }
    }

    public func addUser(_ name: String, loginSessionSeconds: Int = defaultLoginSessionSeconds, admin: Bool = false) async throws -> Enrollment {
        try Self.validate(userName: name)
        guard (SessionDurationPolicy.minimumSeconds...7 * 86_400).contains(loginSessionSeconds) else {
            throw IssuerError.loginSessionOutOfRange()
        }
        var generator = SystemRandomNumberGenerator()
        let seed = TOTPSecret.generate(using: &generator)
        defer { seed.wipe() }
        let password = Self.generatePassword(using: &generator)
        let record = UserRecord(
            name: name, passwordHash: try await hasher.hash(password.unsafeStringValue()), sealedTOTPSeed: try vault.sealSeed(seed, user: name),
            loginSessionSeconds: loginSessionSeconds, createdAt: now(), passwordMustChange: true, admin: admin
        )
        try await change(admin ? .userAddAdmin : .userAdd, user: name) { database, _ in try await database.addUser(record) }
        return Enrollment(user: name, password: password, otpauthURI: Self.otpauthURI(user: name, seed: seed))
    }

    static func otpauthURI(user: String, seed: SecretBytes) -> SecretBytes {
        SecretBytes(TOTPSecret.otpauthURI(user: user, secret: seed, issuer: "rolecall issuer"))
    }

    public func users() async throws -> [UserRecord] { try await database.users() }

    /// A new one-time password for `user` (forgotten, or shown to someone it should not have
    /// been); the next login must replace it. Their login and console sessions end and a lockout
    /// is lifted. Their TOTP devices stay, unless `newDevice`: then one new seed replaces them all
    /// (a lost phone), and the enrolment carries its URI.
    public func resetPassword(user: String, newDevice: Bool = false) async throws -> PasswordReset {
        var generator = SystemRandomNumberGenerator()
        let password = Self.generatePassword(using: &generator)
        let seed = newDevice ? TOTPSecret.generate(using: &generator) : nil
        defer { seed?.wipe() }
        do {
            let hash = try await hasher.hash(password.unsafeStringValue())
            let sealedSeed = try seed.map { try vault.sealSeed($0, user: user) }
            let time = now()
            try await change(newDevice ? .passwordResetNewDevice : .passwordReset, user: user) { database, _ in
                guard try await database.setPassword(user: user, hash: hash, mustChange: true, replacing: nil) != nil else { throw IssuerError.noUser(user) }
                if let sealedSeed {
                    guard try await database.replaceDevices(user: user, sealedSeed: sealedSeed, at: time) else { throw IssuerError.noUser(user) }
                }
                try await database.resetFailures(user: user)
                try await database.removeWebConsoleSessions(user: user)
            }
        } catch {
            password.wipe()
            throw error
        }
        return PasswordReset(user: user, password: password, otpauthURI: seed.map { Self.otpauthURI(user: user, seed: $0) })
    }

    /// Disabling ends the user's login and console sessions for good.
    public func setDisabled(_ disabled: Bool, user: String) async throws {
        try await change(disabled ? .userDisable : .userEnable, user: user) { database, _ in
            guard try await database.setDisabled(disabled, user: user) else { throw IssuerError.noUser(user) }
            if disabled { try await database.removeWebConsoleSessions(user: user) }
        }
    }

    /// Whether `user` may use the console's administrator pages.
    public func setAdmin(_ admin: Bool, user: String) async throws {
        try await change(admin ? .userAdminOn : .userAdminOff, user: user) { database, _ in
            guard try await database.setAdmin(admin, user: user) else { throw IssuerError.noUser(user) }
        }
    }

    /// Failed attempts back to zero, and no lockout.
    public func liftLockout(user: String) async throws {
        try await change(.lockoutLift, user: user) { database, _ in
            guard try await database.user(named: user) != nil else { throw IssuerError.noUser(user) }
            try await database.resetFailures(user: user)
        }
    }

    public func removeUser(_ name: String) async throws {
        try await change(.userRemove, user: name) { database, _ in
            guard try await database.removeUser(named: name) else { throw IssuerError.noUser(name) }
        }
    }

    // MARK: Roles

    /// What `role allow` tells the administrator besides "done".
    public struct RoleAllowance: Sendable {
        /// The `Condition` block the role's trust policy needs (`LeafSubject.trustPolicyCondition`).
        public var trustPolicyCondition: String
        /// Other accounts in which a role of the same name is granted under this issuer's CA.
        public var sameNameAccounts: [String]
    }

    @discardableResult
    public func allowRole(user: String, roleArn: String, profileArn: String, trustAnchorArn: String, region: String?,
                          maxDurationSeconds: Int, mfa: MFARequirement) async throws -> RoleAllowance {
        let role: ARN
        do {
            try ARN.checkSessionTarget(roleArn: roleArn, profileArn: profileArn, trustAnchorArn: trustAnchorArn)
            role = try ARN(roleArn, kind: .role)
        } catch {
            throw IssuerError.invalidRole(error.description)
        }
        if let problem = LeafSubject.roleNameProblem(role.shortName) { throw IssuerError.invalidRole(problem) }
        if let region, !RegionResolver.isValidRegion(region) {
            throw IssuerError.invalidRegion(region)
        }
        guard SessionDurationPolicy.range.contains(maxDurationSeconds) else {
            throw IssuerError.maxDurationOutOfRange()
        }
        let grant = RoleGrant(user: user, roleArn: roleArn, profileArn: profileArn, trustAnchorArn: trustAnchorArn,
                              region: region, maxDurationSeconds: maxDurationSeconds, mfa: mfa.rawValue, createdAt: now())
        do {
            try await change(.roleAllow, user: user, roleArn: roleArn) { database, _ in try await database.putGrant(grant) }
        } catch StorageError.notFound {
            throw IssuerError.noUser(user)
        }
        let sameName = try await database.grants(user: nil).compactMap { try? ARN($0.roleArn, kind: .role) }
            .filter { $0.shortName == role.shortName && $0.account != role.account }.map(\.account)
        return RoleAllowance(
            trustPolicyCondition: LeafSubject.trustPolicyCondition(roleName: role.shortName, account: role.account, user: user, perSession: mfa == .perSession),
            sameNameAccounts: Array(Set(sameName)).sorted()
        )
    }

    public func grants(user: String?) async throws -> [RoleGrant] { try await database.grants(user: user) }

    /// Moves every grant on trust anchor `from` to `to` (a staged CA promoted with a trust anchor
    /// of its own), in one transaction with its audit row; users get it at their next `rolecall login`.
    /// Returns how many grants moved.
    public func setTrustAnchor(_ to: String, from: String) async throws -> Int {
        try await change(.roleTrustAnchor, count: { Int64($0) }) { database, _ in
            // Read in the transaction: a grant revoked meanwhile must not come back.
            let moved = try await database.grants(user: nil).filter { $0.trustAnchorArn == from }.map { grant in
                var moved = grant
                moved.trustAnchorArn = to
                do {
                    try ARN.checkSessionTarget(roleArn: moved.roleArn, profileArn: moved.profileArn, trustAnchorArn: to)
                } catch {
                    throw IssuerError.grantDoesNotFit(user: grant.user, roleArn: grant.roleArn, error)
                }
                return moved
            }
            guard !moved.isEmpty else {
                throw IssuerError.noGrant(onTrustAnchor: from)
            }
            for grant in moved { try await database.putGrant(grant) }
            return moved.count
        }
    }

    public func revokeRole(user: String, roleArn: String) async throws {
        try await change(.roleRevoke, user: user, roleArn: roleArn) { database, _ in
            guard try await database.revokeGrant(user: user, roleArn: roleArn) else {
                throw IssuerError.noGrant(user: user, roleArn: roleArn)
            }
        }
    }

    // MARK: Audit

    public func audit(since: Date, limit: Int = 10_000) async throws -> [AuditRecord] {
        try await database.audit(since: since, limit: limit)
    }

    /// Audit rows younger than this are kept: certificates issued then may still be valid (a
    /// standard certificate lives 12 h at most).
    public static let minimumAuditRetention: TimeInterval = 12 * 3600

    /// Removes the rows older than `before` in batches, each its own short statement, so that
    /// issuance on the same database waits for one batch at most; `progress` hears the running total.
    /// The prune is an audit row of its own, whose count is the rows removed. `dryRun` only counts.
    public func pruneAudit(before: Date, dryRun: Bool, batch: Int = 500, progress: (Int) -> Void = { _ in }) async throws -> Int {
        guard before <= now().addingTimeInterval(-Self.minimumAuditRetention) else {
            throw IssuerError.auditTooRecent()
        }
        if dryRun { return try await database.auditCount(before: before) }
        var removed = 0
        while true {
            let count = try await database.pruneAudit(before: before, limit: batch)
            removed += count
            guard count == batch else { break }
            progress(removed)
            // Room for the issuer's own writes between batches.
            try await Task.sleep(for: .milliseconds(5))
        }
        try await change(.auditPrune, count: { $0 }) { [removed] _, _ in Int64(removed) }
        return removed
    }

    /// The rows written after `id` (and those after `since` first, when given), one call to
    /// `emit` per row, until cancelled; `AuditFollower` says which rows and in what order. A
    /// database that stops answering is retried at every poll; `warn` hears of it once per outage.
    /// `ready` is called once the rows before the start are behind (a test waits for it).
    public func followAudit(since: Date?, afterID: Int64?, every interval: Duration = .seconds(1), settle: TimeInterval = 30,
                            warn: (String) -> Void = { _ in }, ready: () -> Void = {}, emit: (AuditRecord) -> Void) async throws {
        var start = afterID ?? 0
        if afterID == nil { start = try await database.latestAuditID() }
        var follower = AuditFollower(after: start, settle: settle)
        if afterID == nil, let since {
            follower.unprinted(try await database.audit(since: since, limit: 100_000), at: now()).forEach(emit)
        }
        ready()
        var outage = OutageNotice()
        while !Task.isCancelled {
            do {
                try await pollAudit(&follower, emit: emit)
                if let notice = outage.answered() { warn(notice) }
            } catch let error as StorageError {
                if let notice = outage.failed(error, retryingEvery: interval) { warn(notice) }
            }
            follower.settleRows(at: now())
            try await Task.sleep(for: interval)
        }
    }

    /// One poll: the late and new rows, then the rows counted again since they were printed.
    private func pollAudit(_ follower: inout AuditFollower, emit: (AuditRecord) -> Void) async throws {
        let (settled, highest) = follower.window
        let late = highest > settled ? try await database.audit(afterID: settled, through: highest, limit: 1_000_000) : []
        let new = try await database.audit(afterID: highest, through: nil, limit: 10_000)
        follower.unprinted(late + new, at: now()).forEach(emit)
        let countWindow = now().addingTimeInterval(-Self.countedAgainWindow)
        follower.countedAgain(try await database.auditCountedAgain(since: countWindow), since: countWindow).forEach(emit)
    }

    /// How long after its time a coalesced row may still be counted again (a minute), with room
    /// for replicas' clocks.
    static let countedAgainWindow: TimeInterval = 180

    // MARK: Helpers

    static func validate(userName name: String) throws {
        guard UserName.isValid(name) else {
            throw IssuerError.invalidUserName(name)
        }
    }

    /// 24 characters from an alphabet without look-alikes: about 137 bits.
    static func generatePassword(using generator: inout some RandomNumberGenerator) -> SecretBytes {
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".utf8)
        return SecretBytes((0..<24).map { _ in alphabet.randomElement(using: &generator)! })
    }
}
