import Foundation
@testable import IssuerStorage
import Synchronization
import Testing
import TestSupport

/// Every `IssuerDatabase` method, against every available backend (see `Backend.available`).
@Suite(.removesTemporaryFiles) struct IssuerDatabaseSuite {
    /// Where the PostgreSQL cases are required (`scripts/test`, CI), their absence is a failure.
    @Test func postgresIsThereWhereRequired() {
        #expect(!Backend.postgresRequired || Backend.postgresURL != nil,
                "ROLECALL_TEST_REQUIRE_POSTGRES=1 but ROLECALL_TEST_POSTGRES_URL is unset: scripts/postgres-test-server did not start")
    }

    /// Times with binary fractions survive the microsecond storage exactly, so records compare with `==`.
    static func time(_ offset: Double) -> Date {
        Date(timeIntervalSince1970: 1_700_000_000 + offset)
    }

    static func user(_ name: String, seed: [UInt8] = [1, 2, 3], at offset: Double = 0) -> UserRecord {
        UserRecord(name: name, passwordHash: "$2b$12$hash-of-\(name)", sealedTOTPSeed: seed,
                   loginSessionSeconds: 43_200, createdAt: time(offset))
    }

    static func grant(_ user: String, _ role: String, profile: String = "profile/p", region: String? = "eu-west-1",
                      mfa: String = "per-session", at offset: Double = 0) -> RoleGrant {
        RoleGrant(user: user, roleArn: "arn:aws:iam::123456789012:role/\(role)",
                  profileArn: "arn:aws:rolesanywhere:eu-west-1:123456789012:\(profile)",
                  trustAnchorArn: "arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/t",
                  region: region, maxDurationSeconds: 3600, mfa: mfa, createdAt: time(offset))
    }

    // MARK: Migrations

    @Test(arguments: Backend.available)
    func migrationsApplyOnceHoweverOftenTheyRun(_ backend: Backend) async throws {
        try await backend.withFreshDatabase { database in
            let first = try await database.open(migrated: false)
            let second = try await database.open(migrated: false)
            async let a: Void = first.migrate()
            async let b: Void = second.migrate()
            _ = try await (a, b)
            try await first.migrate()
            let versions = try await first.executor.query("SELECT version FROM schema_migrations ORDER BY version")
                .map { try $0.get("version", as: Int.self) }
            #expect(versions == Migrations.all.map(\.version))
            // The schema is usable from both.
            try await first.addUser(Self.user("alice"))
            #expect(try await second.user(named: "alice") == Self.user("alice"))
        }
    }

    /// A database of an earlier version keeps its rows through later migrations.
    @Test(arguments: Backend.available)
    func anEarlierSchemaIsUpgradedWithItsRows(_ backend: Backend) async throws {
        try await backend.withFreshDatabase { database in
            let db = try await database.open(migrated: false)
            try await Self.schema(through: 1, on: db)
            try await Self.insertUserRow("alice", seed: [1, 2, 3], createdAt: Self.time(0), on: db)
            try await db.migrate()
            #expect(try await db.user(named: "alice") == Self.user("alice"))
        }
    }

    /// A user row as the first schema versions held it (the seed in the row, no devices).
    static func insertUserRow(_ name: String, seed: [UInt8], createdAt: Date, on db: SQLIssuerDatabase) async throws {
        try await db.executor.query(
            "INSERT INTO users (name, password_hash, sealed_totp_seed, disabled, login_session_seconds, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            [name, "$2b$12$hash-of-\(name)", seed, false, 43_200, createdAt])
    }

    /// The schema as a release that knew versions up to `version` left it.
    static func schema(through version: Int, on db: SQLIssuerDatabase) async throws {
        try await db.executor.query("CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)")
        for migration in Migrations.all where migration.version <= version {
            for statement in migration.statements(db.executor.dialect) { try await db.executor.query(statement) }
            try await db.executor.query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)", [migration.version, time(0)])
        }
    }

    // MARK: Settings

    @Test(arguments: Backend.available)
    func settingsAreWrittenOnceByTheFirstWriter(_ backend: Backend) async throws {
        try await backend.withFreshDatabase { database in
            let first = try await database.open()
            let second = try await database.open()
            #expect(try await first.setting("token-key") == nil)
            async let a = first.insertSettingIfAbsent("token-key", value: [1, 1, 1])
            async let b = second.insertSettingIfAbsent("token-key", value: [2, 2, 2])
            let (fromFirst, fromSecond) = try await (a, b)
            #expect(fromFirst == fromSecond)
            #expect([[1, 1, 1], [2, 2, 2]].contains(fromFirst))
            #expect(try await first.setting("token-key") == fromFirst)
            #expect(try await second.insertSettingIfAbsent("token-key", value: [3]) == fromFirst)

            let blob = (0...255).map { UInt8($0) }
            #expect(try await first.insertSettingIfAbsent("tls-identity", value: blob) == blob)
            #expect(try await second.setting("tls-identity") == blob)
            #expect(try await first.setting("unknown") == nil)

            // Two replicas replacing the same value: one wins, both see it; a stale replace changes nothing.
            async let c = first.replaceSetting("tls-identity", expected: blob, with: [4, 4])
            async let d = second.replaceSetting("tls-identity", expected: blob, with: [5, 5])
            let (replacedByFirst, replacedBySecond) = try await (c, d)
            #expect(replacedByFirst == replacedBySecond)
            #expect([[4, 4], [5, 5]].contains(replacedByFirst))
            #expect(try await first.replaceSetting("tls-identity", expected: blob, with: [6]) == replacedByFirst)
        }
    }

    // MARK: Certificate authorities

    @Test(arguments: Backend.available)
    func addingAnAuthorityRetiresTheOthers(_ backend: Backend) async throws {
        try await backend.withFreshDatabase { database in
            let db = try await database.open()
            #expect(try await db.authorities().isEmpty)
            try await db.addAuthority(certificatePEM: "-----BEGIN CERTIFICATE-----\nA\n", key: .sealed([0xA]),
                                      createdAt: Self.time(1))
            try await db.addAuthority(certificatePEM: "-----BEGIN CERTIFICATE-----\nB\n", key: .sealed([0xB, 0]),
                                      createdAt: Self.time(2))
            let two = try await db.authorities()
            try #require(two.count == 2)
            #expect(two[0].id < two[1].id)
            #expect(two[0] == StoredAuthority(id: two[0].id, certificatePEM: "-----BEGIN CERTIFICATE-----\nA\n",
                                              key: .sealed([0xA]), createdAt: Self.time(1), retired: true))
            #expect(two[1] == StoredAuthority(id: two[1].id, certificatePEM: "-----BEGIN CERTIFICATE-----\nB\n",
                                              key: .sealed([0xB, 0]), createdAt: Self.time(2), retired: false))

            try await db.addAuthority(certificatePEM: "C", key: .sealed([0xC]), createdAt: Self.time(3))
            let three = try await db.authorities()
            #expect(three.map(\.certificatePEM) == ["-----BEGIN CERTIFICATE-----\nA\n", "-----BEGIN CERTIFICATE-----\nB\n", "C"])
            #expect(three.map(\.retired) == [true, true, false])
            #expect(three[1].id < three[2].id)
        }
    }

    @Test(arguments: Backend.available)
    func aCAOnATokenIsStoredAsItsURIWithItsSeal(_ backend: Backend) async throws {
        try await backend.withFreshDatabase { database in
            let db = try await database.open()
            let onToken = StoredAuthority.Key.token(uri: "pkcs11:token=hsm;object=team-ca", modulePath: "/usr/lib/softhsm/libsofthsm2.so", seal: [1, 2, 3])
            let next = StoredAuthority.Key.token(uri: "pkcs11:token=hsm;object=next", modulePath: "/m.so", seal: [4])
            try await db.addAuthority(certificatePEM: "A", key: .sealed([0xA]), createdAt: Self.time(1))
            try await db.addAuthority(certificatePEM: "B", key: onToken, createdAt: Self.time(2))
            try await db.stageAuthority(certificatePEM: "C", key: next, createdAt: Self.time(3))
            #expect(try await db.authorities().map(\.key) == [.sealed([0xA]), onToken, next])
            #expect(try await db.promoteStagedAuthority())
            let promoted = try #require(try await db.authorities().last)
            #expect(!promoted.retired && !promoted.staged && promoted.key == next)
        }
    }

    @Test(arguments: Backend.available)
    func aStagedAuthoritySignsNothingUntilPromoted(_ backend: Backend) async throws {
        try await backend.withFreshDatabase { database in
            let db = try await database.open()
            #expect(try await db.promoteStagedAuthority() == false)
            try await db.addAuthority(certificatePEM: "A", key: .sealed([0xA]), createdAt: Self.time(1))
            try await db.stageAuthority(certificatePEM: "B", key: .sealed([0xB]), createdAt: Self.time(2))
            // Retired too, for replicas that predate staging.
            #expect(try await db.authorities().map { "\($0.certificatePEM) \($0.retired) \($0.staged)" } == ["A false false", "B true true"])
            await #expect(throws: (any Error).self, "one staged CA at most") {
                try await db.stageAuthority(certificatePEM: "C", key: .sealed([0xC]), createdAt: Self.time(3))
            }
            #expect(try await db.promoteStagedAuthority())
            #expect(try await db.authorities().map { "\($0.certificatePEM) \($0.retired) \($0.staged)" } == ["A true false", "B false false"])
            #expect(try await db.promoteStagedAuthority() == false)
        }
    }

    // MARK: Users

    /// carol (another seed, added half a second later), alice and bob (no seed), in that order.
    static let carol = user("carol", seed: [9], at: 0.5)

    func withThreeUsers(_ backend: Backend, _ body: (SQLIssuerDatabase) async throws -> Void) async throws {
        try await backend.withFreshDatabase { database in
            let db = try await database.open()
            try await db.addUser(Self.carol)
            try await db.addUser(Self.user("alice"))
            try await db.addUser(Self.user("bob", seed: []))
            try await body(db)
        }
    }

    @Test(arguments: Backend.available)
    func usersAreListedByNameEachAddedOnce(_ backend: Backend) async throws {
        try await withThreeUsers(backend) { (db: SQLIssuerDatabase) async throws in
            await #expect(throws: StorageError.conflict("user alice")) {
                try await db.addUser(Self.user("alice", seed: [7]))
            }
            #expect(try await db.user(named: "alice") == Self.user("alice"))
            #expect(try await db.user(named: "carol") == Self.carol)
            #expect(try await db.user(named: "bob")?.sealedTOTPSeed == [])
            #expect(try await db.user(named: "nobody") == nil)
            #expect(try await db.users().map(\.name) == ["alice", "bob", "carol"])
        }
    }

    @Test(arguments: Backend.available)
    func disablingAUserEndsItsTokensForGood(_ backend: Backend) async throws {
        try await withThreeUsers(backend) { (db) async throws in
            #expect(try await db.user(named: "bob")?.tokenGeneration == 0)
            #expect(try await db.setDisabled(true, user: "bob"))
            #expect(try await db.user(named: "bob")?.disabled == true)
            #expect(try await db.user(named: "bob")?.tokenGeneration == 1)
            #expect(try await db.users().map(\.disabled) == [false, true, false])
            // Enabling keeps the tokens from before the disable refused.
            #expect(try await db.setDisabled(false, user: "bob"))
            #expect(try await db.user(named: "bob")?.disabled == false)
            #expect(try await db.user(named: "bob")?.tokenGeneration == 1)
            #expect(try await !db.setDisabled(true, user: "nobody"))
        }
    }

    /// Every new password raises the generation and says the new one: a one-time password (a
    /// reset) and a chosen one alike. A chosen one replaces only the hash it was checked against.
    @Test(arguments: Backend.available)
    func everyNewPasswordRaisesTheTokenGeneration(_ backend: Backend) async throws {
        try await withThreeUsers(backend) { (db) async throws in
            #expect(try await db.user(named: "carol")?.passwordMustChange == false)
            #expect(try await db.setPassword(user: "carol", hash: "$2b$12$reset", mustChange: true, replacing: nil) == 1)
            #expect(try await db.user(named: "carol")?.passwordMustChange == true)
            #expect(try await db.user(named: "carol")?.tokenGeneration == 1)
            #expect(try await db.setPassword(user: "carol", hash: "$2b$12$chosen", mustChange: false, replacing: "$2b$12$hash-of-carol") == nil)
            #expect(try await db.user(named: "carol")?.passwordHash == "$2b$12$reset")
            #expect(try await db.user(named: "carol")?.tokenGeneration == 1)
            #expect(try await db.setPassword(user: "carol", hash: "$2b$12$chosen", mustChange: false, replacing: "$2b$12$reset") == 2)
            #expect(try await db.user(named: "carol")?.passwordHash == "$2b$12$chosen")
            #expect(try await db.user(named: "carol")?.passwordMustChange == false)
            #expect(try await db.user(named: "carol")?.tokenGeneration == 2)
            #expect(try await db.user(named: "alice")?.passwordHash == "$2b$12$hash-of-alice")
            #expect(try await db.setPassword(user: "nobody", hash: "x", mustChange: false, replacing: nil) == nil)
        }
    }

    @Test(arguments: Backend.available)
    func removingAUserTakesTheirStateButLeavesTheAudit(_ backend: Backend) async throws {
        try await backend.withFreshDatabase { database in
            let db = try await database.open()
            try await db.addUser(Self.user("alice"))
            try await db.addUser(Self.user("bob"))
            try await db.putGrant(Self.grant("alice", "admin"))
            try await db.putGrant(Self.grant("bob", "admin"))
            _ = try await db.recordFailure(user: "alice", at: Self.time(1)) { _ in 60 }
            #expect(try await db.acceptTOTPStep(user: "alice", device: "phone", step: 100, at: Self.time(1)))
            var audit = AuditRecord(time: Self.time(1), event: "login", user: "alice", clientAddress: "10.0.0.1", result: "ok")
            audit.id = try await db.appendAudit(audit)

            #expect(try await db.removeUser(named: "alice"))
            #expect(try await db.user(named: "alice") == nil)
            #expect(try await db.grants(user: "alice").isEmpty)
            #expect(try await db.lockout(user: "alice") == LockoutState())
            #expect(try await db.audit(since: Self.time(0), limit: 10) == [audit])
            #expect(try await db.grants(user: nil) == [Self.grant("bob", "admin")])

            // Re-added, alice starts over: her old accepted step is gone.
            try await db.addUser(Self.user("alice"))
            #expect(try await db.acceptTOTPStep(user: "alice", device: "phone", step: 100, at: Self.time(2)))
            #expect(try await !db.removeUser(named: "nobody"))
        }
    }

    // MARK: Grants

    /// bob's reader grant, alice's writer grant, and alice's admin grant replaced by `replacedGrant`.
    static let replacedGrant = grant("alice", "admin", profile: "profile/other", region: nil, mfa: "login", at: 5)

    func withGrants(_ backend: Backend, _ body: (SQLIssuerDatabase) async throws -> Void) async throws {
        try await backend.withFreshDatabase { database in
            let db = try await database.open()
            for name in ["bob", "alice"] { try await db.addUser(Self.user(name)) }
            try await db.putGrant(Self.grant("bob", "reader"))
            try await db.putGrant(Self.grant("alice", "writer"))
            try await db.putGrant(Self.grant("alice", "admin"))
            try await db.putGrant(Self.replacedGrant)
            try await body(db)
        }
    }

    @Test(arguments: Backend.available)
    func aGrantForTheSameRoleReplacesTheEarlierOne(_ backend: Backend) async throws {
        try await withGrants(backend) { (db) async throws in
            #expect(try await db.grants(user: "alice") == [Self.replacedGrant, Self.grant("alice", "writer")])
            #expect(try await db.grants(user: nil) == [Self.replacedGrant, Self.grant("alice", "writer"), Self.grant("bob", "reader")])
            #expect(try await db.grants(user: "nobody").isEmpty)
        }
    }

    @Test(arguments: Backend.available)
    func aGrantIsRevokedOnceForItsUserOnly(_ backend: Backend) async throws {
        try await withGrants(backend) { (db) async throws in
            #expect(try await db.revokeGrant(user: "alice", roleArn: Self.replacedGrant.roleArn))
            #expect(try await !db.revokeGrant(user: "alice", roleArn: Self.replacedGrant.roleArn))
            #expect(try await !db.revokeGrant(user: "bob", roleArn: Self.replacedGrant.roleArn))
            #expect(try await db.grants(user: "alice") == [Self.grant("alice", "writer")])
        }
    }

    @Test(arguments: Backend.available)
    func aGrantForAnUnknownUserIsRefused(_ backend: Backend) async throws {
        try await withGrants(backend) { (db: SQLIssuerDatabase) async throws in
            await #expect(throws: StorageError.notFound("user nobody")) {
                try await db.putGrant(Self.grant("nobody", "admin"))
            }
            #expect(try await db.grants(user: "nobody").isEmpty)
        }
    }

    // MARK: Replay guard

    @Test(arguments: Backend.available)
    func aTOTPStepIsAcceptedOnlyIfLaterThanTheLast(_ backend: Backend) async throws {
        try await backend.withFreshDatabase { database in
            let db = try await database.open()
            let other = try await database.open()
            try await db.addUser(Self.user("alice"))
            try await db.addUser(Self.user("bob"))
            #expect(try await db.acceptTOTPStep(user: "alice", device: "phone", step: 100, at: Self.time(0)))
            #expect(try await !db.acceptTOTPStep(user: "alice", device: "phone", step: 100, at: Self.time(1)))
            #expect(try await !other.acceptTOTPStep(user: "alice", device: "phone", step: 100, at: Self.time(1)))
            #expect(try await !db.acceptTOTPStep(user: "alice", device: "phone", step: 99, at: Self.time(1)))
            #expect(try await other.acceptTOTPStep(user: "alice", device: "phone", step: 101, at: Self.time(2)))
            #expect(try await !db.acceptTOTPStep(user: "alice", device: "phone", step: 101, at: Self.time(2)))
            // Other devices and users have guards of their own.
            #expect(try await db.acceptTOTPStep(user: "alice", device: "laptop", step: 100, at: Self.time(2)))
            #expect(try await db.acceptTOTPStep(user: "bob", device: "phone", step: 100, at: Self.time(2)))
            #expect(try await db.acceptTOTPStep(user: "bob", device: "phone", step: 50_000_000_000, at: Self.time(3)))
            // Nothing is accepted for a user who does not exist.
            #expect(try await !db.acceptTOTPStep(user: "nobody", device: "phone", step: 100, at: Self.time(2)))
        }
    }

    @Test(arguments: Backend.available)
    func racingReplicasAcceptAStepExactlyOnce(_ backend: Backend) async throws {
        try await backend.withFreshDatabase { database in
            let replicas = [try await database.open(), try await database.open()]
            try await replicas[0].addUser(Self.user("alice"))
            for step in Int64(100)...102 {
                let accepted = try await withThrowingTaskGroup(of: Bool.self) { group in
                    for attempt in 0..<50 {
                        let replica = replicas[attempt % 2]
                        group.addTask {
                            try await replica.acceptTOTPStep(user: "alice", device: "phone", step: step, at: Self.time(0))
                        }
                    }
                    return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
                }
                #expect(accepted == 1, "step \(step)")
            }
        }
    }

    // MARK: Lockout

    /// Two replicas of one database with alice, and the counts of 20 failures recorded at once through both.
    func withTwentyFailures(_ backend: Backend, _ body: ([SQLIssuerDatabase], [Int]) async throws -> Void) async throws {
        try await backend.withFreshDatabase { database in
            let replicas = [try await database.open(), try await database.open()]
            try await replicas[0].addUser(Self.user("alice"))
            #expect(try await replicas[0].lockout(user: "alice") == LockoutState())
            #expect(try await replicas[0].lockout(user: "nobody") == LockoutState(failures: 0, lockedUntil: nil))
            let counts = try await withThrowingTaskGroup(of: Int.self) { group in
                for attempt in 0..<20 {
                    let replica = replicas[attempt % 2]
                    group.addTask {
                        try await replica.recordFailure(user: "alice", at: Self.time(0)) { _ in 0 }.failures
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            try await body(replicas, counts)
        }
    }

    @Test(arguments: Backend.available)
    func failuresAreCountedAtomically(_ backend: Backend) async throws {
        try await withTwentyFailures(backend) { (replicas, counts) async throws in
            #expect(counts.sorted() == Array(1...20))
            #expect(try await replicas[0].lockout(user: "alice") == LockoutState(failures: 20, lockedUntil: nil))
        }
    }

    @Test(arguments: Backend.available)
    func failuresLockUntilReset(_ backend: Backend) async throws {
        try await withTwentyFailures(backend) { (replicas, _) async throws in
            let db = replicas[0]
            let seen = Mutex<Int?>(nil)
            let locked = try await replicas[1].recordFailure(user: "alice", at: Self.time(10)) { count in
                seen.withLock { $0 = count }
                return count > 20 ? 300.5 : 0
            }
            #expect(seen.withLock { $0 } == 21)
            #expect(locked == LockoutState(failures: 21, lockedUntil: Self.time(310.5)))
            #expect(try await db.lockout(user: "alice") == locked)
            // A failure whose lockout is zero keeps the running lock.
            let kept = try await db.recordFailure(user: "alice", at: Self.time(20)) { _ in 0 }
            #expect(kept == LockoutState(failures: 22, lockedUntil: Self.time(310.5)))

            try await db.resetFailures(user: "alice")
            #expect(try await db.lockout(user: "alice") == LockoutState())
            try await db.resetFailures(user: "nobody")
            await #expect(throws: StorageError.notFound("user nobody")) {
                try await db.recordFailure(user: "nobody", at: Self.time(0)) { _ in 60 }
            }
            #expect(try await db.lockout(user: "nobody") == LockoutState())
        }
    }

    // MARK: Audit

    /// Seven audit rows, one a second from `time(0)`, by users u0 to u6; their IDs.
    func withSevenAuditRows(_ backend: Backend, _ body: (SQLIssuerDatabase, [Int64]) async throws -> Void) async throws {
        try await backend.withFreshDatabase { database in
            let db = try await database.open()
            #expect(try await db.latestAuditID() == 0)
            var ids: [Int64] = []
            for offset in 0..<7 {
                ids.append(try await db.appendAudit(AuditRecord(time: Self.time(Double(offset)), event: "login", user: "u\(offset)",
                                                                clientAddress: nil, result: "ok")))
            }
            try await body(db, ids)
        }
    }

    @Test(arguments: Backend.available)
    func auditRowsAreReadByID(_ backend: Backend) async throws {
        try await withSevenAuditRows(backend) { (db, ids) async throws in
            #expect(try await db.latestAuditID() == ids.last)
            #expect(try await db.audit(afterID: ids[2], through: nil, limit: 3).compactMap(\.id) == Array(ids[3...5]))
            #expect(try await db.audit(afterID: ids[2], through: ids[4], limit: 100).compactMap(\.id) == Array(ids[3...4]))
        }
    }

    @Test(arguments: Backend.available)
    func auditRowsArePrunedOldestFirstInBatches(_ backend: Backend) async throws {
        try await withSevenAuditRows(backend) { (db, _) async throws in
            #expect(try await db.auditCount(before: Self.time(5)) == 5)
            #expect(try await db.pruneAudit(before: Self.time(5), limit: 2) == 2)
            #expect(try await db.pruneAudit(before: Self.time(5), limit: 2) == 2)
            #expect(try await db.pruneAudit(before: Self.time(5), limit: 2) == 1)
            #expect(try await db.pruneAudit(before: Self.time(5), limit: 2) == 0)
            #expect(try await db.audit(since: .distantPast, limit: 100).map(\.user) == ["u5", "u6"])
        }
    }

    @Test(arguments: Backend.available)
    func auditIsReadOldestFirstFromATimeWithALimit(_ backend: Backend) async throws {
        try await backend.withFreshDatabase { database in
            let db = try await database.open()
            var records = [
                AuditRecord(time: Self.time(2), event: "certificate", user: "alice",
                            roleArn: "arn:aws:iam::123456789012:role/admin", kind: "single-use",
                            serial: "0a1b2c", clientAddress: "192.0.2.7", result: "ok"),
                AuditRecord(time: Self.time(1), event: "login", user: nil, clientAddress: nil, result: "unknown-user"),
                AuditRecord(time: Self.time(3), event: "lockout", user: "bob", clientAddress: "::1", result: "locked"),
                AuditRecord(time: Self.time(3), event: "login", user: "bob", clientAddress: "::1", result: "wrong-password"),
                AuditRecord(time: Self.time(-100), event: "user-add", user: "carol", clientAddress: nil, result: "ok", actor: "root"),
            ]
            for index in records.indices {
                records[index].id = try await db.appendAudit(records[index])
            }
            #expect(records.map { $0.id ?? 0 } == records.map { $0.id ?? 0 }.sorted() && Set(records.compactMap(\.id)).count == 5,
                    "ids are assigned in the order rows are written")
            let (full, bare, lockout, sameTime, early) = (records[0], records[1], records[2], records[3], records[4])
            #expect(try await db.audit(since: Self.time(0), limit: 100) == [bare, full, lockout, sameTime])
            #expect(try await db.audit(since: Self.time(2), limit: 100) == [full, lockout, sameTime])
            #expect(try await db.audit(since: Self.time(0), limit: 2) == [bare, full])
            #expect(try await db.audit(since: .distantPast, limit: 1) == [early])
            #expect(try await db.audit(since: Self.time(3.25), limit: 100).isEmpty)
            #expect(try await db.audit(since: Self.time(0), limit: 0).isEmpty)
            // A rate-limit row counts the refusals after it.
            try await db.countAgain(auditRow: try #require(sameTime.id))
            try await db.countAgain(auditRow: try #require(sameTime.id))
            #expect(try await db.audit(since: Self.time(3), limit: 100).map(\.count) == [1, 3])
        }
    }

    // MARK: Dates

    @Test(arguments: Backend.available)
    func datesRoundTripToTheMicrosecond(_ backend: Backend) async throws {
        try await backend.withFreshDatabase { database in
            let db = try await database.open()
            let now = Date()
            let dates = [now, Date(timeIntervalSince1970: 1_700_000_000.123_456), Date(timeIntervalSince1970: -86_400.5)]
            for (index, date) in dates.enumerated() {
                try await db.appendAudit(AuditRecord(time: date, event: "login", user: "u\(index)", clientAddress: nil, result: "ok"))
            }
            let stored = try await db.audit(since: .distantPast, limit: 10)
            try #require(stored.count == dates.count)
            for (read, written) in zip(stored, dates.sorted()) {
                #expect(abs(read.time.timeIntervalSince(written)) < 0.000_001)
            }
        }
    }
}
