import Foundation
import Synchronization

/// The `IssuerDatabase` rules, written once in SQL that both dialects accept; `SQLiteIssuerDatabase`
/// and `PostgresIssuerDatabase` only supply how statements run.
///
/// Every cross-replica rule is one statement (an upsert whose `RETURNING` says whether it took
/// effect) or one transaction, so it holds however many replicas and admin commands share the database.
/// `@unchecked` only because the class is not final (the two backends subclass it to name themselves):
/// its stored properties are immutable and `Sendable`.
public class SQLIssuerDatabase: IssuerDatabase, @unchecked Sendable {
    let executor: any SQLExecutor
    private let closed = Mutex(false)

    init(executor: any SQLExecutor) {
        self.executor = executor
    }

    /// One statement outside the store's own schema (`CREATE DATABASE` for a test's database):
    /// for the package's test helpers only.
    package func executeAdministrative(_ sql: String) async throws {
        try await executor.unboundedQuery(sql)
    }

    /// The body's own error comes out as it was thrown (the backend would report it as its own).
    public func inTransaction<T: Sendable>(_ body: @escaping @Sendable (any IssuerDatabase) async throws -> T) async throws -> T {
        let dialect = executor.dialect
        let bodyError = ErrorBox()
        do {
            return try await executor.transaction { runner in
                do {
                    return try await body(SQLIssuerDatabase(executor: TransactionExecutor(runner: runner, dialect: dialect)))
                } catch {
                    bodyError.keep(error)
                    throw error
                }
            }
        } catch {
            throw bodyError.taken() ?? error
        }
    }

    public func migrate() async throws {
        try await Migrations.apply(on: executor)
    }

    /// Closing twice does nothing the second time.
    public func close() async throws {
        guard closed.withLock({ closed in defer { closed = true }; return !closed }) else { return }
        try await executor.close()
    }

    // MARK: Settings

    public func setting(_ name: String) async throws -> [UInt8]? {
        try await executor.query("SELECT value FROM settings WHERE name = $1", [name]).first?.get("value")
    }

    public func insertSettingIfAbsent(_ name: String, value: [UInt8]) async throws -> [UInt8] {
        try await executor.query(
            "INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", [name, value])
        return try await storedSetting(name)
    }

    public func replaceSetting(_ name: String, expected: [UInt8], with value: [UInt8]) async throws -> [UInt8] {
        try await executor.query("UPDATE settings SET value = $3 WHERE name = $1 AND value = $2", [name, expected, value])
        return try await storedSetting(name)
    }

    /// Settings are never deleted, so whichever writer won, its value is there now.
    private func storedSetting(_ name: String) async throws -> [UInt8] {
        guard let stored = try await setting(name) else {
            throw StorageError.unavailable("setting \(name) is missing right after it was written")
        }
        return stored
    }

    // MARK: Certificate authorities

    public func authorities() async throws -> [StoredAuthority] {
        try await executor.query(
            """
            SELECT id, certificate_pem, sealed_private_key, token_key_uri, token_module_path, created_at, retired, staged
            FROM authorities ORDER BY id
            """
        ).map { row in
            let key: StoredAuthority.Key = if let uri: String = try row.get("token_key_uri") {
                .token(uri: uri, modulePath: try row.get("token_module_path") ?? "", seal: try row.get("sealed_private_key"))
            } else {
                .sealed(try row.get("sealed_private_key"))
            }
            return StoredAuthority(id: try row.get("id"), certificatePEM: try row.get("certificate_pem"), key: key,
                                   createdAt: try row.get("created_at"), retired: try row.get("retired"), staged: try row.get("staged"))
        }
    }

    public func stageAuthority(certificatePEM: String, key: StoredAuthority.Key, createdAt: Date) async throws {
        try await executor.query(
            """
            INSERT INTO authorities (certificate_pem, sealed_private_key, token_key_uri, token_module_path, created_at, retired, staged)
            VALUES ($1, $2, $3, $4, $5, TRUE, TRUE)
            """, [certificatePEM] + Self.columns(of: key) + [createdAt])
    }

    /// `sealed_private_key`, `token_key_uri` and `token_module_path` for `key`: a token CA's row
    /// holds the seal of its reference where a sealed key would be.
    private static func columns(of key: StoredAuthority.Key) -> [any SQLValueConvertible] {
        switch key {
        case .sealed(let sealed): [sealed, String?.none, String?.none]
        case .token(let uri, let modulePath, let seal): [seal, uri, modulePath]
        }
    }

    /// Two promotions racing (PostgreSQL, READ COMMITTED): the second finds the staged row already
    /// promoted when it gets that row's lock, changes nothing and says so. Retiring the signing CA
    /// only when a staged one exists keeps the order harmless: the promoted row is not retired.
    public func promoteStagedAuthority() async throws -> Bool {
        try await executor.transaction { transaction in
            let promoted = try await transaction.query("UPDATE authorities SET staged = FALSE, retired = FALSE WHERE staged RETURNING id")
            guard let id: Int64 = try promoted.first?.get("id") else { return false }
            try await transaction.query("UPDATE authorities SET retired = TRUE WHERE NOT retired AND id <> $1", [id])
            return true
        }
    }

    public func addAuthority(certificatePEM: String, key: StoredAuthority.Key, createdAt: Date) async throws {
        try await executor.transaction { transaction in
            try await transaction.query("UPDATE authorities SET retired = TRUE WHERE NOT retired")
            try await transaction.query(
                """
                INSERT INTO authorities (certificate_pem, sealed_private_key, token_key_uri, token_module_path, created_at, retired)
                VALUES ($1, $2, $3, $4, $5, FALSE)
                """, [certificatePEM] + Self.columns(of: key) + [createdAt])
        }
    }

    // MARK: Users

    private static let userColumns =
        "name, password_hash, sealed_totp_seed, disabled, login_session_seconds, created_at, token_generation, password_must_change, admin, last_login_at"

    /// The user and their first TOTP device, in one transaction.
    public func addUser(_ user: UserRecord) async throws {
        try await executor.transaction { transaction in
            let inserted = try await transaction.query(
                """
                INSERT INTO users (\(Self.userColumns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                ON CONFLICT (name) DO NOTHING RETURNING name
                """,
                [user.name, user.passwordHash, user.sealedTOTPSeed, user.disabled, user.loginSessionSeconds, user.createdAt, user.tokenGeneration,
                 user.passwordMustChange, user.admin, user.lastLoginAt])
            if inserted.isEmpty {
                throw StorageError.conflict("user \(user.name)")
            }
            try await transaction.query(
                "INSERT INTO totp_devices (user_name, device, sealed_seed, confirmed, created_at) VALUES ($1, $2, $3, TRUE, $4)",
                [user.name, TOTPDevice.initialName, user.sealedTOTPSeed, user.createdAt])
        }
    }

    public func user(named name: String) async throws -> UserRecord? {
        try await executor.query("SELECT \(Self.userColumns) FROM users WHERE name = $1", [name])
            .first.map(Self.userRecord)
    }

    /// Sorted here rather than in SQL: the two databases' collations would order names differently.
    public func users() async throws -> [UserRecord] {
        try await executor.query("SELECT \(Self.userColumns) FROM users")
            .map(Self.userRecord)
            .sorted { $0.name < $1.name }
    }

    public func setDisabled(_ disabled: Bool, user: String) async throws -> Bool {
        let statement = disabled
            ? "UPDATE users SET disabled = TRUE, token_generation = token_generation + 1 WHERE name = $1 RETURNING name"
            : "UPDATE users SET disabled = FALSE WHERE name = $1 RETURNING name"
        return try await !executor.query(statement, [user]).isEmpty
    }

    public func setPassword(user: String, hash: String, mustChange: Bool, replacing expected: String?) async throws -> Int64? {
        try await executor.query(
            """
            UPDATE users SET password_hash = $2, password_must_change = $3, token_generation = token_generation + 1
            WHERE name = $1 AND password_hash = COALESCE($4, password_hash) RETURNING token_generation
            """, [user, hash, mustChange, expected]).first?.get("token_generation")
    }

    /// Grants, lockout state and accepted TOTP steps go with the user (ON DELETE CASCADE).
    public func removeUser(named name: String) async throws -> Bool {
        try await !executor.query("DELETE FROM users WHERE name = $1 RETURNING name", [name]).isEmpty
    }

    private static func userRecord(_ row: SQLRow) throws -> UserRecord {
        UserRecord(name: try row.get("name"), passwordHash: try row.get("password_hash"),
                   sealedTOTPSeed: try row.get("sealed_totp_seed"), disabled: try row.get("disabled"),
                   loginSessionSeconds: try row.get("login_session_seconds"), createdAt: try row.get("created_at"),
                   tokenGeneration: try row.get("token_generation"), passwordMustChange: try row.get("password_must_change"),
                   admin: try row.get("admin"), lastLoginAt: try row.get("last_login_at"))
    }

    // MARK: Role grants

    private static let grantColumns =
        "user_name, role_arn, profile_arn, trust_anchor_arn, region, max_duration_seconds, mfa, created_at"

    /// Selecting the user row makes "no such user" an empty result rather than a constraint error.
    public func putGrant(_ grant: RoleGrant) async throws {
        let written = try await executor.query(
            """
            INSERT INTO grants (\(Self.grantColumns))
            SELECT name, $2, $3, $4, $5, $6, $7, $8 FROM users WHERE name = $1
            ON CONFLICT (user_name, role_arn) DO UPDATE SET
                profile_arn = excluded.profile_arn, trust_anchor_arn = excluded.trust_anchor_arn,
                region = excluded.region, max_duration_seconds = excluded.max_duration_seconds,
                mfa = excluded.mfa, created_at = excluded.created_at
            RETURNING user_name
            """,
            [grant.user, grant.roleArn, grant.profileArn, grant.trustAnchorArn, grant.region,
             grant.maxDurationSeconds, grant.mfa, grant.createdAt])
        if written.isEmpty {
            throw StorageError.notFound("user \(grant.user)")
        }
    }

    public func grants(user: String?) async throws -> [RoleGrant] {
        let rows = if let user {
            try await executor.query("SELECT \(Self.grantColumns) FROM grants WHERE user_name = $1", [user])
        } else {
            try await executor.query("SELECT \(Self.grantColumns) FROM grants")
        }
        return try rows.map {
            RoleGrant(user: try $0.get("user_name"), roleArn: try $0.get("role_arn"),
                      profileArn: try $0.get("profile_arn"), trustAnchorArn: try $0.get("trust_anchor_arn"),
                      region: try $0.get("region"), maxDurationSeconds: try $0.get("max_duration_seconds"),
                      mfa: try $0.get("mfa"), createdAt: try $0.get("created_at"))
        }.sorted { ($0.user, $0.roleArn) < ($1.user, $1.roleArn) }
    }

    public func revokeGrant(user: String, roleArn: String) async throws -> Bool {
        try await !executor.query(
            "DELETE FROM grants WHERE user_name = $1 AND role_arn = $2 RETURNING user_name", [user, roleArn]).isEmpty
    }

    // MARK: MFA replay guard and lockout

    /// A unique row per (user, device, step): of two replicas inserting the same step, the primary
    /// key lets exactly one succeed. A step at or below one already accepted is refused too, and
    /// rows more than two steps older than the newest are dropped (the window is ±1 step). An
    /// unknown user has nothing accepted (false).
    public func acceptTOTPStep(user: String, device: String, step: Int64, at time: Date) async throws -> Bool {
        let accepted = try await !executor.query(
            """
            INSERT INTO totp_steps (user_name, device, step, accepted_at)
            SELECT name, $2, $3, $4 FROM users WHERE name = $1
                AND NOT EXISTS (SELECT 1 FROM totp_steps WHERE user_name = $1 AND device = $2 AND step >= $3)
            ON CONFLICT (user_name, device, step) DO NOTHING
            RETURNING step
            """, [user, device, step, time]).isEmpty
        if accepted {
            try await executor.query("DELETE FROM totp_steps WHERE user_name = $1 AND device = $2 AND step < $3",
                                     [user, device, step - 2])
        }
        return accepted
    }

    public func lockout(user: String) async throws -> LockoutState {
        try await executor.query("SELECT failures, locked_until FROM lockouts WHERE user_name = $1", [user])
            .first.map { LockoutState(failures: try $0.get("failures"), lockedUntil: try $0.get("locked_until")) }
            ?? LockoutState()
    }

    /// In one transaction, so that racing failures set `lockedUntil` in the order they were counted.
    /// Throws `StorageError.notFound` for an unknown user (failures are only counted for real accounts).
    public func recordFailure(user: String, at time: Date,
                              lockout: @escaping @Sendable (Int) -> TimeInterval) async throws -> LockoutState {
        try await executor.transaction { transaction in
            let counted = try await transaction.query(
                """
                INSERT INTO lockouts (user_name, failures) SELECT name, 1 FROM users WHERE name = $1
                ON CONFLICT (user_name) DO UPDATE SET failures = lockouts.failures + 1
                RETURNING failures, locked_until
                """, [user])
            guard let row = counted.first else {
                throw StorageError.notFound("user \(user)")
            }
            var state = LockoutState(failures: try row.get("failures"), lockedUntil: try row.get("locked_until"))
            let duration = lockout(state.failures)
            if duration > 0 {
                let until = time.addingTimeInterval(duration)
                try await transaction.query("UPDATE lockouts SET locked_until = $1 WHERE user_name = $2", [until, user])
                state.lockedUntil = until
            }
            return state
        }
    }

    public func resetFailures(user: String) async throws {
        try await executor.query("DELETE FROM lockouts WHERE user_name = $1", [user])
    }

    // MARK: Audit

    @discardableResult
    public func appendAudit(_ record: AuditRecord) async throws -> Int64 {
        let stored = try await executor.query(
            """
            INSERT INTO audit (occurred_at, event, user_name, role_arn, kind, serial, client_address, result, count, actor, not_after)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            RETURNING id
            """,
            [record.time, record.event, record.user, record.roleArn, record.kind, record.serial,
             record.clientAddress, record.result, record.count, record.actor, record.notAfter])
        guard let id: Int64 = try stored.first?.get("id") else {
            throw StorageError.unavailable("the audit row was stored without an id")
        }
        return id
    }

    public func countAgain(auditRow id: Int64) async throws {
        try await executor.query("UPDATE audit SET count = count + 1 WHERE id = $1", [id])
    }

    public func audit(since: Date, limit: Int) async throws -> [AuditRecord] {
        try await executor.query(
            """
            SELECT \(Self.auditColumns) FROM audit
            WHERE occurred_at >= $1 ORDER BY occurred_at, id LIMIT $2
            """, [since, max(0, limit)]
        ).map(Self.auditRecord)
    }

    public func audit(afterID id: Int64, through: Int64?, limit: Int) async throws -> [AuditRecord] {
        try await executor.query(
            """
            SELECT \(Self.auditColumns) FROM audit
            WHERE id > $1 AND id <= $2 ORDER BY id LIMIT $3
            """, [id, through ?? Int64.max, max(0, limit)]
        ).map(Self.auditRecord)
    }

    public func auditCountedAgain(since: Date) async throws -> [AuditRecord] {
        try await executor.query(
            """
            SELECT \(Self.auditColumns) FROM audit
            WHERE occurred_at >= $1 AND count > 1 ORDER BY id LIMIT 10000
            """, [since]
        ).map(Self.auditRecord)
    }

    public func latestAuditID() async throws -> Int64 {
        try await executor.query("SELECT COALESCE(MAX(id), 0) AS latest FROM audit").first?.get("latest") ?? 0
    }

    public func auditCount(before: Date) async throws -> Int {
        try await executor.query("SELECT COUNT(*) AS rows FROM audit WHERE occurred_at < $1", [before]).first?.get("rows") ?? 0
    }

    /// One short statement per batch, so that issuance waits for a batch at most, not the whole prune.
    public func pruneAudit(before: Date, limit: Int) async throws -> Int {
        try await executor.query(
            """
            DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE occurred_at < $1 ORDER BY occurred_at, id LIMIT $2)
            RETURNING id
            """, [before, max(0, limit)]
        ).count
    }

    static let auditColumns = "id, occurred_at, event, user_name, role_arn, kind, serial, client_address, result, count, actor, not_after"

    static func auditRecord(_ row: SQLRow) throws -> AuditRecord {
        AuditRecord(time: try row.get("occurred_at"), event: try row.get("event"), user: try row.get("user_name"),
                    roleArn: try row.get("role_arn"), kind: try row.get("kind"), serial: try row.get("serial"),
                    clientAddress: try row.get("client_address"), result: try row.get("result"),
                    count: try row.get("count"), actor: try row.get("actor"), notAfter: try row.get("not_after"), id: try row.get("id"))
    }
}

/// The error a transaction's body threw, kept across the backend's own error handling.
private final class ErrorBox: Sendable {
    private let error = Mutex<(any Error)?>(nil)

    func keep(_ error: any Error) { self.error.withLock { $0 = error } }

    func taken() -> (any Error)? { error.withLock { $0.take() } }
}
