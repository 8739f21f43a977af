import Foundation

/// Everything the team issuer keeps, behind one protocol with an SQLite and a PostgreSQL
/// implementation (one shared test suite runs against both).
///
/// Replicas share nothing but the database, so every rule that must hold across replicas is a
/// single atomic statement here: the TOTP replay guard is a unique row per (user, device, step),
/// failure counts are incremented in the database, settings are written once.
/// Secrets arrive sealed (AES-GCM under the issuer key); this layer never sees them in clear.
public protocol IssuerDatabase: Sendable {
    /// Creates or upgrades the schema. Safe when several replicas start at once.
    func migrate() async throws
    /// Releases connections; the database is unusable afterwards.
    func close() async throws

    // MARK: Settings (named blobs, never deleted: sealed token key, TLS identity, …)
    func setting(_ name: String) async throws -> [UInt8]?
    /// Stores `value` unless `name` exists; returns what is stored afterwards (the first writer's
    /// value when replicas race).
    func insertSettingIfAbsent(_ name: String, value: [UInt8]) async throws -> [UInt8]
    /// Stores `value` if `name` still holds `expected`; returns what is stored afterwards (the first
    /// writer's value when replicas race to replace the same one).
    func replaceSetting(_ name: String, expected: [UInt8], with value: [UInt8]) async throws -> [UInt8]

    // MARK: Certificate authorities
    /// Oldest first; the last one neither retired nor staged signs.
    func authorities() async throws -> [StoredAuthority]
    /// Adds a CA and retires every other, in one transaction.
    func addAuthority(certificatePEM: String, key: StoredAuthority.Key, createdAt: Date) async throws
    /// Adds a staged CA, which signs nothing until `promoteStagedAuthority`.
    func stageAuthority(certificatePEM: String, key: StoredAuthority.Key, createdAt: Date) async throws
    /// In one transaction: the signing CA is retired and the staged one signs. False when none was staged.
    func promoteStagedAuthority() async throws -> Bool

    // MARK: Users
    /// Throws `StorageError.conflict` when the name exists.
    func addUser(_ user: UserRecord) async throws
    func user(named name: String) async throws -> UserRecord?
    /// Sorted by name.
    func users() async throws -> [UserRecord]
    /// False when there is no such user. Disabling also raises the user's token generation, so
    /// enabling again does not revive the login tokens from before.
    func setDisabled(_ disabled: Bool, user: String) async throws -> Bool
    /// Replaces the password hash if it is still `expected` (nil: whatever it is); `mustChange`
    /// makes it a one-time password. The token generation is raised too: a new password, reset or
    /// chosen, ends the user's login and console sessions. The new generation (for the session that
    /// chose the password); nil when there is no such user or the hash had changed.
    func setPassword(user: String, hash: String, mustChange: Bool, replacing expected: String?) async throws -> Int64?
    /// Removes the user with their grants, lockout state and accepted TOTP steps (audit rows stay).
    /// False when there is no such user.
    func removeUser(named name: String) async throws -> Bool

    // MARK: Role grants
    /// Inserts, or replaces the grant for the same (user, role ARN). Throws `StorageError.notFound`
    /// when the user does not exist.
    func putGrant(_ grant: RoleGrant) async throws
    /// One user's grants, or everyone's when `user` is nil; sorted by user then role ARN.
    func grants(user: String?) async throws -> [RoleGrant]
    /// False when there was no such grant.
    func revokeGrant(user: String, roleArn: String) async throws -> Bool

    // MARK: MFA replay guard and lockout
    /// Records that TOTP time step `step` of `user`'s `device` was accepted. Returns false (and
    /// records nothing) when that step or a later one was already accepted, by any replica.
    func acceptTOTPStep(user: String, device: String, step: Int64, at time: Date) async throws -> Bool
    func lockout(user: String) async throws -> LockoutState
    /// Adds one failure atomically and sets `lockedUntil` to `time + lockout(newCount)` when that
    /// is positive; returns the new state.
    func recordFailure(user: String, at time: Date, lockout: @escaping @Sendable (Int) -> TimeInterval) async throws -> LockoutState
    /// Back to zero failures, unlocked (after a success).
    func resetFailures(user: String) async throws

    /// Runs `body` on this database inside one transaction: everything it writes is committed
    /// together when it returns, and nothing when it throws (an administrative change and its
    /// audit row).
    func inTransaction<T: Sendable>(_ body: @escaping @Sendable (any IssuerDatabase) async throws -> T) async throws -> T

    // MARK: Audit
    /// Stores the row and returns its id.
    @discardableResult
    func appendAudit(_ record: AuditRecord) async throws -> Int64
    /// One more refusal counted on the row `id` (rate-limit refusals write one row per key and minute).
    func countAgain(auditRow id: Int64) async throws
    /// Rows at or after `since`, oldest first, at most `limit`.
    func audit(since: Date, limit: Int) async throws -> [AuditRecord]
    /// Rows with an id above `id` (and at most `through`, when given), in id order, at most `limit`.
    func audit(afterID id: Int64, through: Int64?, limit: Int) async throws -> [AuditRecord]
    /// Rows written at or after `since` that were counted again (`count` above 1), in id order:
    /// `audit --follow` prints them again with their new count.
    func auditCountedAgain(since: Date) async throws -> [AuditRecord]
    /// The highest id so far (0 for none).
    func latestAuditID() async throws -> Int64
    /// How many rows are older than `before`.
    func auditCount(before: Date) async throws -> Int
    /// Deletes at most `limit` of the oldest rows older than `before`; returns how many went.
    func pruneAudit(before: Date, limit: Int) async throws -> Int

    // MARK: Console: administrators, last logins, lockouts
    /// False when there is no such user.
    func setAdmin(_ admin: Bool, user: String) async throws -> Bool
    func recordLogin(user: String, at time: Date) async throws
    /// Every user with failures counted or a lockout, by name.
    func lockouts() async throws -> [String: LockoutState]

    // MARK: Console: TOTP devices
    /// Oldest first.
    func devices(user: String) async throws -> [TOTPDevice]
    /// Throws `StorageError.conflict` when the user has a device of that name, `.notFound` when
    /// there is no such user.
    func addDevice(_ device: TOTPDevice) async throws
    /// False when there is no such unconfirmed device with this sealed seed (the one whose code was
    /// checked: an enrolment started again has another).
    func confirmDevice(user: String, name: String, sealedSeed: [UInt8]) async throws -> Bool
    /// False when there is no such device, or when it is the user's last confirmed one. Removing the
    /// `default` device also empties the seed in `users`, which replicas of schema version 4 check.
    func removeDevice(user: String, name: String) async throws -> Bool
    /// In one transaction: the user's devices are replaced by one new confirmed `default` device.
    /// False when there is no such user.
    func replaceDevices(user: String, sealedSeed: [UInt8], at time: Date) async throws -> Bool

    // MARK: Console: sessions
    func addWebConsoleSession(_ session: WebConsoleSessionRecord) async throws
    /// The live session with this id hash, its idle clock restarted at `time`; nil (and the row
    /// removed) when it ended at its login session's end or after `idleSeconds` without use.
    func touchWebConsoleSession(idHash: [UInt8], at time: Date, idleSeconds: Int) async throws -> WebConsoleSessionRecord?
    /// Narrows what the session may do without asking again: a one-time password was replaced, or
    /// the device enrolled after a reset was confirmed.
    func updateWebConsoleSession(idHash: [UInt8], passwordChangeOnly: Bool, enrolWithoutCode: Bool) async throws
    func removeWebConsoleSession(idHash: [UInt8]) async throws
    /// Every console session of `user` (a disable or reset); returns how many ended.
    @discardableResult
    func removeWebConsoleSessions(user: String) async throws -> Int
    /// Rows whose session has ended, so the table does not grow without end.
    func removeEndedWebConsoleSessions(at time: Date, idleSeconds: Int) async throws

    // MARK: Console: reports
    /// Newest first, rows with an id below `beforeID` (when given), at most `limit`.
    func audit(matching filter: AuditFilter, beforeID: Int64?, limit: Int) async throws -> [AuditRecord]
    /// Certificates issued at or after `issuedSince` that are still valid at `validAt` (newest
    /// first), of one user or of everyone.
    func validCertificates(issuedSince: Date, validAt: Date, user: String?) async throws -> [AuditRecord]
    /// One entry per hour since `since` that had any issuance or refusal, oldest first. `expected`
    /// is an audit `result` other than "ok" that is no refusal (a first sign-in's password change).
    func hourlyCounts(since: Date, expected: String) async throws -> [HourlyCounts]
    /// Refusals since `since` by reason (audit `result`, neither "ok" nor `expected`), counted as the
    /// decisions rows stand for.
    func refusalCounts(since: Date, expected: String) async throws -> [String: Int64]
}

public struct UserRecord: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    /// A bcrypt hash (`$2b$…`), never the password.
    public var passwordHash: String
    /// The TOTP seed, sealed with the issuer key.
    public var sealedTOTPSeed: [UInt8]
    public var disabled: Bool
    /// How long a login session of this user lasts.
    public var loginSessionSeconds: Int
    public var createdAt: Date
    /// Carried by login tokens; raised by a disable or a password reset, which refuses every token
    /// issued before.
    public var tokenGeneration: Int64
    /// The password is a one-time password: the next login must replace it.
    public var passwordMustChange: Bool
    /// May use the console's administrator pages.
    public var admin: Bool
    public var lastLoginAt: Date?

    public init(name: String, passwordHash: String, sealedTOTPSeed: [UInt8], disabled: Bool = false,
                loginSessionSeconds: Int, createdAt: Date, tokenGeneration: Int64 = 0, passwordMustChange: Bool = false,
                admin: Bool = false, lastLoginAt: Date? = nil) {
        self.admin = admin
        self.lastLoginAt = lastLoginAt
        self.name = name
        self.passwordHash = passwordHash
        self.sealedTOTPSeed = sealedTOTPSeed
        self.disabled = disabled
        self.loginSessionSeconds = loginSessionSeconds
        self.createdAt = createdAt
        self.tokenGeneration = tokenGeneration
        self.passwordMustChange = passwordMustChange
    }

    public var description: String { "UserRecord(\(name), disabled: \(disabled), password hash and TOTP seed: <redacted>)" }
}

/// One user's permission to use one role, and how.
public struct RoleGrant: Sendable, Equatable, Codable {
    public var user: String
    public var roleArn: String
    public var profileArn: String
    public var trustAnchorArn: String
    public var region: String?
    public var maxDurationSeconds: Int
    /// "per-session", "login" or "off" (the server's `MFARequirement` raw values).
    public var mfa: String
    public var createdAt: Date

    public init(user: String, roleArn: String, profileArn: String, trustAnchorArn: String, region: String?,
                maxDurationSeconds: Int, mfa: String, createdAt: Date) {
        self.user = user
        self.roleArn = roleArn
        self.profileArn = profileArn
        self.trustAnchorArn = trustAnchorArn
        self.region = region
        self.maxDurationSeconds = maxDurationSeconds
        self.mfa = mfa
        self.createdAt = createdAt
    }
}

public struct StoredAuthority: Sendable, Equatable {
    /// Where the CA's private key is: sealed with the issuer key in this row, or on an HSM that
    /// every replica reaches. Then the database holds no key at all; `seal` is the URI and module
    /// sealed with the issuer key, so that whoever can write to the database cannot make replicas
    /// load another module or use another key.
    public enum Key: Sendable, Equatable {
        case sealed([UInt8])
        case token(uri: String, modulePath: String, seal: [UInt8])
    }

    public var id: Int64
    public var certificatePEM: String
    public var key: Key
    public var createdAt: Date
    public var retired: Bool
    /// Made by `ca rotate --stage`: published for the trust anchor, signing nothing yet (its row is
    /// `retired` too, for replicas that predate staging).
    public var staged: Bool

    public init(id: Int64, certificatePEM: String, key: Key, createdAt: Date, retired: Bool, staged: Bool = false) {
        self.staged = staged
        self.id = id
        self.certificatePEM = certificatePEM
        self.key = key
        self.createdAt = createdAt
        self.retired = retired
    }
}

public struct LockoutState: Sendable, Equatable {
    public var failures: Int
    public var lockedUntil: Date?

    public init(failures: Int = 0, lockedUntil: Date? = nil) {
        self.failures = failures
        self.lockedUntil = lockedUntil
    }
}

/// One decision of the issuer: a login, an issuance, a refusal (with its reason) or a lockout.
public struct AuditRecord: Sendable, Equatable, Codable {
    public var time: Date
    /// "login", "certificate" or "lockout".
    public var event: String
    public var user: String?
    public var roleArn: String?
    /// The certificate kind asked for ("single-use", "in-memory", "standard").
    public var kind: String?
    /// The issued certificate's serial, hex.
    public var serial: String?
    public var clientAddress: String?
    /// "ok", or the refusal reason ("wrong-password", "role-not-allowed", …).
    public var result: String
    /// The row's number once stored: rows are numbered in the order they were written.
    public var id: Int64?
    /// How many decisions the row stands for: more than 1 only for rate-limit refusals, which write
    /// one row per key and minute (for `audit-prune`, the rows it removed).
    public var count: Int64
    /// Who acted: the operating-system user who ran an administrative command, or the
    /// administrator signed in to the console.
    public var actor: String?
    /// An issued certificate's end.
    public var notAfter: Date?

    public init(time: Date, event: String, user: String?, roleArn: String? = nil, kind: String? = nil,
                serial: String? = nil, clientAddress: String?, result: String, count: Int64 = 1, actor: String? = nil,
                notAfter: Date? = nil, id: Int64? = nil) {
        self.notAfter = notAfter
        self.id = id
        self.count = count
        self.actor = actor
        self.time = time
        self.event = event
        self.user = user
        self.roleArn = roleArn
        self.kind = kind
        self.serial = serial
        self.clientAddress = clientAddress
        self.result = result
    }
}

/// Storage failures. Messages name the database but never its password.
public enum StorageError: Error, Sendable, Equatable, CustomStringConvertible {
    case conflict(String)
    case notFound(String)
    case unsupportedURL(String)
    case unavailable(String)

    public var description: String {
        switch self {
        case .conflict(let what): "\(what) already exists"
        case .notFound(let what): "\(what) does not exist"
        case .unsupportedURL(let detail): "unsupported --database: \(detail); use sqlite:PATH or postgres://USER@HOST:PORT/DB"
        case .unavailable(let detail): "the issuer database is unavailable: \(detail)"
        }
    }
}
