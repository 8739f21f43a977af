import Foundation

/// What the web console adds to the store: administrators, devices, sessions and reports.
extension SQLIssuerDatabase {
    // MARK: Administrators, last logins, lockouts

    public func setAdmin(_ admin: Bool, user: String) async throws -> Bool {
        try await !executor.query("UPDATE users SET admin = $2 WHERE name = $1 RETURNING name", [user, admin]).isEmpty
    }

    public func recordLogin(user: String, at time: Date) async throws {
        try await executor.query("UPDATE users SET last_login_at = $2 WHERE name = $1", [user, time])
    }

    public func lockouts() async throws -> [String: LockoutState] {
        let rows = try await executor.query("SELECT user_name, failures, locked_until FROM lockouts")
        return try Dictionary(uniqueKeysWithValues: rows.map {
            (try $0.get("user_name", as: String.self), LockoutState(failures: try $0.get("failures"), lockedUntil: try $0.get("locked_until")))
        })
    }

    // MARK: TOTP devices

    public func devices(user: String) async throws -> [TOTPDevice] {
        try await executor.query(
            "SELECT user_name, device, sealed_seed, confirmed, created_at FROM totp_devices WHERE user_name = $1", [user]
        ).map {
            TOTPDevice(user: try $0.get("user_name"), name: try $0.get("device"), sealedSeed: try $0.get("sealed_seed"),
                       confirmed: try $0.get("confirmed"), createdAt: try $0.get("created_at"))
        }.sorted { ($0.createdAt, $0.name) < ($1.createdAt, $1.name) }
    }

    public func addDevice(_ device: TOTPDevice) async throws {
        try await executor.transaction { transaction in
            guard try await !transaction.query("SELECT name FROM users WHERE name = $1", [device.user]).isEmpty else {
                throw StorageError.notFound("user \(device.user)")
            }
            let inserted = try await transaction.query(
                """
                INSERT INTO totp_devices (user_name, device, sealed_seed, confirmed, created_at) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (user_name, device) DO NOTHING RETURNING device
                """, [device.user, device.name, device.sealedSeed, device.confirmed, device.createdAt])
            if inserted.isEmpty {
                throw StorageError.conflict("device \(device.name) of \(device.user)")
            }
        }
    }

    public func confirmDevice(user: String, name: String, sealedSeed: [UInt8]) async throws -> Bool {
        try await !executor.query(
            """
            UPDATE totp_devices SET confirmed = TRUE WHERE user_name = $1 AND device = $2 AND sealed_seed = $3 AND NOT confirmed
            RETURNING device
            """, [user, name, sealedSeed]).isEmpty
    }

    /// The user's row is locked first (PostgreSQL; SQLite's transactions are serial anyway), so two
    /// removals at once cannot each see the other device and leave none.
    public func removeDevice(user: String, name: String) async throws -> Bool {
        try await executor.transaction { [dialect = executor.dialect] transaction in
            let lock = dialect == .postgres ? " FOR UPDATE" : ""
            guard try await !transaction.query("SELECT name FROM users WHERE name = $1" + lock, [user]).isEmpty else { return false }
            let removed = try await !transaction.query(
                """
                DELETE FROM totp_devices WHERE user_name = $1 AND device = $2
                    AND (NOT confirmed OR (SELECT COUNT(*) FROM totp_devices WHERE user_name = $1 AND confirmed) > 1)
                RETURNING device
                """, [user, name]).isEmpty
            // A replica of version 4 would go on taking the removed device's codes from `users`; an
            // empty seed does not open there (503), so it takes none.
            if removed && name == TOTPDevice.initialName {
                try await transaction.query("UPDATE users SET sealed_totp_seed = $2 WHERE name = $1", [user, [UInt8]()])
            }
            return removed
        }
    }

    public func replaceDevices(user: String, sealedSeed: [UInt8], at time: Date) async throws -> Bool {
        try await executor.transaction { transaction in
            guard try await !transaction.query(
                "UPDATE users SET sealed_totp_seed = $2 WHERE name = $1 RETURNING name", [user, sealedSeed]).isEmpty
            else { return false }
            try await transaction.query("DELETE FROM totp_devices WHERE user_name = $1", [user])
            try await transaction.query(
                "INSERT INTO totp_devices (user_name, device, sealed_seed, confirmed, created_at) VALUES ($1, $2, $3, TRUE, $4)",
                [user, TOTPDevice.initialName, sealedSeed, time])
            return true
        }
    }

    // MARK: Sessions

    private static let sessionColumns =
        "id_hash, user_name, token_generation, csrf_token, password_change_only, enrol_without_code, created_at, expires_at, last_seen_at"

    public func addWebConsoleSession(_ session: WebConsoleSessionRecord) async throws {
        try await executor.query(
            "INSERT INTO console_sessions (\(Self.sessionColumns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            [session.idHash, session.user, session.tokenGeneration, session.csrfToken, session.passwordChangeOnly,
             session.enrolWithoutCode, session.createdAt, session.expiresAt, session.lastSeenAt])
    }

    /// One statement: a session idle too long is not revived by a request that races its removal.
    public func touchWebConsoleSession(idHash: [UInt8], at time: Date, idleSeconds: Int) async throws -> WebConsoleSessionRecord? {
        let idleSince = time.addingTimeInterval(-TimeInterval(idleSeconds))
        let live = try await executor.query(
            """
            UPDATE console_sessions SET last_seen_at = $2 WHERE id_hash = $1 AND expires_at > $2 AND last_seen_at > $3
            RETURNING \(Self.sessionColumns)
            """, [idHash, time, idleSince])
        guard let row = live.first else {
            try await removeWebConsoleSession(idHash: idHash)
            return nil
        }
        return WebConsoleSessionRecord(
            idHash: try row.get("id_hash"), user: try row.get("user_name"), tokenGeneration: try row.get("token_generation"),
            csrfToken: try row.get("csrf_token"), passwordChangeOnly: try row.get("password_change_only"),
            enrolWithoutCode: try row.get("enrol_without_code"), createdAt: try row.get("created_at"),
            expiresAt: try row.get("expires_at"), lastSeenAt: try row.get("last_seen_at"))
    }

    public func updateWebConsoleSession(idHash: [UInt8], passwordChangeOnly: Bool, enrolWithoutCode: Bool) async throws {
        try await executor.query("UPDATE console_sessions SET password_change_only = $2, enrol_without_code = $3 WHERE id_hash = $1",
                                 [idHash, passwordChangeOnly, enrolWithoutCode])
    }

    public func removeWebConsoleSession(idHash: [UInt8]) async throws {
        try await executor.query("DELETE FROM console_sessions WHERE id_hash = $1", [idHash])
    }

    @discardableResult
    public func removeWebConsoleSessions(user: String) async throws -> Int {
        try await executor.query("DELETE FROM console_sessions WHERE user_name = $1 RETURNING user_name", [user]).count
    }

    public func removeEndedWebConsoleSessions(at time: Date, idleSeconds: Int) async throws {
        try await executor.query("DELETE FROM console_sessions WHERE expires_at <= $1 OR last_seen_at <= $2",
                                 [time, time.addingTimeInterval(-TimeInterval(idleSeconds))])
    }

    // MARK: Reports

    public func audit(matching filter: AuditFilter, beforeID: Int64?, limit: Int) async throws -> [AuditRecord] {
        var conditions: [String] = []
        var binds: [any SQLValueConvertible] = []
        func condition(_ sql: String, _ value: any SQLValueConvertible) {
            binds.append(value)
            conditions.append(sql.replacingOccurrences(of: "?", with: "$\(binds.count)"))
        }
        if let user = filter.user { condition("user_name = ?", user) }
        if let event = filter.event { condition("event = ?", event) }
        if let result = filter.result { condition("result = ?", result) }
        if let from = filter.from { condition("occurred_at >= ?", from) }
        if let until = filter.until { condition("occurred_at < ?", until) }
        if let beforeID { condition("id < ?", beforeID) }
        binds.append(max(0, limit))
        let predicate = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try await executor.query(
            "SELECT \(Self.auditColumns) FROM audit \(predicate) ORDER BY id DESC LIMIT $\(binds.count)", binds
        ).map(Self.auditRecord)
    }

    public func validCertificates(issuedSince: Date, validAt: Date, user: String?) async throws -> [AuditRecord] {
        try await executor.query(
            """
            SELECT \(Self.auditColumns) FROM audit
            WHERE not_after > $2 AND occurred_at >= $1 AND event = 'certificate' AND result = 'ok'
                AND user_name = COALESCE($3, user_name)
            ORDER BY id DESC LIMIT 10000
            """, [issuedSince, validAt, user]
        ).map(Self.auditRecord)
    }

    /// Times are microseconds since 1970, so an hour is a whole division away. (SUM is cast back: on
    /// PostgreSQL the sum of BIGINTs is NUMERIC.)
    public func hourlyCounts(since: Date, expected: String) async throws -> [HourlyCounts] {
        let hour: Int64 = 3_600_000_000
        return try await executor.query(
            """
            SELECT occurred_at / \(hour) AS hour,
                CAST(SUM(CASE WHEN event = 'certificate' AND result = 'ok' THEN count ELSE 0 END) AS BIGINT) AS issued,
                CAST(SUM(CASE WHEN result <> 'ok' AND result <> $2 THEN count ELSE 0 END) AS BIGINT) AS refused
            FROM audit WHERE occurred_at >= $1 AND event IN ('certificate', 'login', 'console-login')
            GROUP BY occurred_at / \(hour) ORDER BY hour
            """, [since, expected]
        ).map {
            HourlyCounts(hourStart: Date(timeIntervalSince1970: TimeInterval(try $0.get("hour", as: Int64.self) * 3600)),
                         issued: try $0.get("issued"), refused: try $0.get("refused"))
        }
    }

    public func refusalCounts(since: Date, expected: String) async throws -> [String: Int64] {
        let rows = try await executor.query(
            """
            SELECT result, CAST(SUM(count) AS BIGINT) AS total FROM audit
            WHERE occurred_at >= $1 AND result <> 'ok' AND result <> $2 AND event IN ('certificate', 'login', 'console-login', 'console-csrf')
            GROUP BY result
            """, [since, expected])
        return try Dictionary(uniqueKeysWithValues: rows.map { (try $0.get("result", as: String.self), try $0.get("total", as: Int64.self)) })
    }
}
