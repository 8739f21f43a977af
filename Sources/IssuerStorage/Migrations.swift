import Foundation

/// The schema's versions, applied in order and recorded in `schema_migrations`.
///
/// Replicas that start together serialise on the migration transaction: SQLite's `BEGIN IMMEDIATE`
/// takes the database's write lock, PostgreSQL takes a transaction-scoped advisory lock first (two
/// `CREATE TABLE IF NOT EXISTS` racing would otherwise collide). Whoever comes second finds the
/// versions recorded and applies nothing.
enum Migrations {
    struct Migration: Sendable {
        var version: Int
        /// One statement per element (neither driver runs several in one call).
        var statements: @Sendable (SQLDialect) -> [String]
    }

    /// Never edit a shipped migration: append a new version.
    static let all: [Migration] = [
        Migration(version: 1) { dialect in
            // Integers are BIGINT, times microseconds since 1970 (see `Date.sqlValue`), names TEXT.
            let bytes = dialect == .sqlite ? "BLOB" : "BYTEA"
            let identity = dialect == .sqlite
                ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
            return [
                "CREATE TABLE settings (name TEXT PRIMARY KEY, value \(bytes) NOT NULL)",
                """
                CREATE TABLE authorities (id \(identity), certificate_pem TEXT NOT NULL,
                    sealed_private_key \(bytes) NOT NULL, created_at BIGINT NOT NULL, retired BOOLEAN NOT NULL)
                """,
                """
                CREATE TABLE users (name TEXT PRIMARY KEY, password_hash TEXT NOT NULL,
                    sealed_totp_seed \(bytes) NOT NULL, disabled BOOLEAN NOT NULL,
                    login_session_seconds BIGINT NOT NULL, created_at BIGINT NOT NULL)
                """,
                """
                CREATE TABLE grants (user_name TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
                    role_arn TEXT NOT NULL, profile_arn TEXT NOT NULL, trust_anchor_arn TEXT NOT NULL, region TEXT,
                    max_duration_seconds BIGINT NOT NULL, mfa TEXT NOT NULL, created_at BIGINT NOT NULL,
                    PRIMARY KEY (user_name, role_arn))
                """,
                // The replay guard: a unique row per (user, device, accepted time step).
                """
                CREATE TABLE totp_steps (user_name TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
                    device TEXT NOT NULL, step BIGINT NOT NULL, accepted_at BIGINT NOT NULL,
                    PRIMARY KEY (user_name, device, step))
                """,
                """
                CREATE TABLE lockouts (user_name TEXT PRIMARY KEY REFERENCES users (name) ON DELETE CASCADE,
                    failures BIGINT NOT NULL, locked_until BIGINT)
                """,
                // No foreign key: audit rows outlive their users.
                """
                CREATE TABLE audit (id \(identity), occurred_at BIGINT NOT NULL, event TEXT NOT NULL,
                    user_name TEXT, role_arn TEXT, kind TEXT, serial TEXT, client_address TEXT, result TEXT NOT NULL)
                """,
                "CREATE INDEX audit_occurred_at ON audit (occurred_at, id)",
            ]
        },
        // Login tokens carry the user's token generation, which disabling (or a password reset)
        // raises: that ends their sessions for good, not only while the account stays disabled.
        // A password that must be changed at the next login is a one-time password (from
        // `issuer user add` or `reset`).
        Migration(version: 2) { _ in
            [
                "ALTER TABLE users ADD COLUMN token_generation BIGINT NOT NULL DEFAULT 0",
                "ALTER TABLE users ADD COLUMN password_must_change BOOLEAN NOT NULL DEFAULT FALSE",
            ]
        },
        // Rate-limit refusals are counted on one row per key and minute instead of a row each; an
        // administrative change names who made it.
        Migration(version: 3) { _ in
            [
                "ALTER TABLE audit ADD COLUMN count BIGINT NOT NULL DEFAULT 1",
                "ALTER TABLE audit ADD COLUMN actor TEXT",
            ]
        },
        // A CA can be staged (`ca rotate --stage`): listed for the trust anchor before it signs. A
        // staged row is also marked retired, so that a replica of an older version, which knows only
        // `retired`, never signs with it; one staged CA at most.
        Migration(version: 4) { _ in
            [
                "ALTER TABLE authorities ADD COLUMN staged BOOLEAN NOT NULL DEFAULT FALSE",
                "CREATE UNIQUE INDEX authorities_one_staged ON authorities (staged) WHERE staged",
            ]
        },
        // The web console: administrators, last logins, several TOTP devices per user, console
        // sessions every replica sees, and each certificate's end for "still valid".
        // The first device of every user is the seed `users` held; `users.sealed_totp_seed` stays
        // written with the `default` device, for replicas of version 4 during an upgrade (and is
        // emptied when that device is removed). No index on `not_after`: "still valid" lists read
        // the last 12 hours through `audit_occurred_at`, and building one would hold the audit
        // table's lock for as long as the build takes.
        Migration(version: 5) { dialect in
            let bytes = dialect == .sqlite ? "BLOB" : "BYTEA"
            return [
                "ALTER TABLE users ADD COLUMN admin BOOLEAN NOT NULL DEFAULT FALSE",
                "ALTER TABLE users ADD COLUMN last_login_at BIGINT",
                "ALTER TABLE audit ADD COLUMN not_after BIGINT",
                """
                CREATE TABLE totp_devices (user_name TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
                    device TEXT NOT NULL, sealed_seed \(bytes) NOT NULL, confirmed BOOLEAN NOT NULL, created_at BIGINT NOT NULL,
                    PRIMARY KEY (user_name, device))
                """,
                """
                INSERT INTO totp_devices (user_name, device, sealed_seed, confirmed, created_at)
                SELECT name, 'default', sealed_totp_seed, TRUE, created_at FROM users
                """,
                // The cookie's SHA-256, not the cookie: reading the table gives no session.
                """
                CREATE TABLE console_sessions (id_hash \(bytes) PRIMARY KEY,
                    user_name TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
                    token_generation BIGINT NOT NULL, csrf_token TEXT NOT NULL, password_change_only BOOLEAN NOT NULL,
                    enrol_without_code BOOLEAN NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL,
                    last_seen_at BIGINT NOT NULL)
                """,
                "CREATE INDEX console_sessions_user ON console_sessions (user_name)",
            ]
        },
        // The CA's key on an HSM (`issuer init --ca-key`): its row names the key with a PKCS#11 URI
        // and the module it was made with, and `sealed_private_key` holds the seal of those two
        // instead of a key. Replicas older than this version cannot sign with such a CA: upgrade
        // them all before putting it on a token.
        Migration(version: 6) { _ in
            [
                "ALTER TABLE authorities ADD COLUMN token_key_uri TEXT",
                "ALTER TABLE authorities ADD COLUMN token_module_path TEXT",
            ]
        },
    ]

    /// Key of the PostgreSQL advisory lock that migrations hold ("rcmigrat" in ASCII).
    static let postgresLockKey: Int64 = 0x7263_6D69_6772_6174

    static func apply(on executor: any SQLExecutor) async throws {
        let dialect = executor.dialect
        try await executor.unboundedTransaction { transaction in
            if dialect == .postgres {
                try await transaction.query("SELECT FROM pg_advisory_xact_lock($1)", [postgresLockKey])
            }
            try await transaction.query(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)")
            let applied = Set(try await transaction.query("SELECT version FROM schema_migrations")
                .map { try $0.get("version", as: Int.self) })
            for migration in all where !applied.contains(migration.version) {
                for statement in migration.statements(dialect) {
                    try await transaction.query(statement)
                }
                try await transaction.query(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)", [migration.version, Date()])
            }
        }
    }
}
