import Foundation
@testable import IssuerStorage
import Testing
import TestSupport

/// What the web console keeps, against every available backend: devices, sessions, reports.
@Suite(.removesTemporaryFiles) struct WebConsoleStoreSuite {
    static func time(_ offset: Double) -> Date { IssuerDatabaseSuite.time(offset) }

    static func device(_ user: String, _ name: String, confirmed: Bool = false, at offset: Double = 1) -> TOTPDevice {
        TOTPDevice(user: user, name: name, sealedSeed: Array(name.utf8), confirmed: confirmed, createdAt: time(offset))
    }

    static func session(_ user: String, id: UInt8, expiresAt offset: Double = 43_200, lastSeen: Double = 0) -> WebConsoleSessionRecord {
        WebConsoleSessionRecord(idHash: [UInt8](repeating: id, count: 32), user: user, tokenGeneration: 0, csrfToken: "csrf-\(id)",
                             passwordChangeOnly: true, enrolWithoutCode: false, createdAt: time(0), expiresAt: time(offset), lastSeenAt: time(lastSeen))
    }

    /// A version-4 database's users keep their seed as their first device.
    @Test(arguments: Backend.available)
    func theUpgradeMakesEachUsersSeedTheirFirstDevice(_ backend: Backend) async throws {
        try await backend.withFreshDatabase { database in
            let db = try await database.open(migrated: false)
            try await IssuerDatabaseSuite.schema(through: 4, on: db)
            try await IssuerDatabaseSuite.insertUserRow("alice", seed: [7, 7, 7], createdAt: Self.time(5), on: db)
            try await db.migrate()
            #expect(try await db.devices(user: "alice") == [TOTPDevice(user: "alice", name: "default", sealedSeed: [7, 7, 7], confirmed: true, createdAt: Self.time(5))])
            let alice = try #require(try await db.user(named: "alice"))
            #expect(!alice.admin)
            #expect(alice.lastLoginAt == nil)
        }
    }

    /// alice (seed [9], her default device) with phone-2 added, unconfirmed; `body` gets the database
    /// and a way to open it again (another replica).
    func withAlicesPhone(_ backend: Backend, _ body: (SQLIssuerDatabase, FreshDatabase) async throws -> Void) async throws {
        try await backend.withFreshDatabase { database in
            let db = try await database.open()
            try await db.addUser(IssuerDatabaseSuite.user("alice", seed: [9]))
            #expect(try await db.devices(user: "alice").map(\.name) == ["default"])
            try await db.addDevice(Self.device("alice", "phone-2"))
            try await body(db, database)
        }
    }

    @Test(arguments: Backend.available)
    func aDeviceIsAddedOnceToAUserWhoExists(_ backend: Backend) async throws {
        try await withAlicesPhone(backend) { (db, _) async throws in
            await #expect(throws: StorageError.conflict("device phone-2 of alice")) { try await db.addDevice(Self.device("alice", "phone-2")) }
            await #expect(throws: StorageError.notFound("user bob")) { try await db.addDevice(Self.device("bob", "phone")) }
        }
    }

    /// Only with the seed whose code was checked, and once.
    @Test(arguments: Backend.available)
    func aDeviceIsConfirmedOnlyWithItsCheckedSeed(_ backend: Backend) async throws {
        try await withAlicesPhone(backend) { (db, _) async throws in
            #expect(try await !db.confirmDevice(user: "alice", name: "phone-2", sealedSeed: Array("another seed".utf8)))
            #expect(try await db.confirmDevice(user: "alice", name: "phone-2", sealedSeed: Array("phone-2".utf8)))
            #expect(try await !db.confirmDevice(user: "alice", name: "phone-2", sealedSeed: Array("phone-2".utf8)))
            #expect(try await db.user(named: "alice")?.sealedTOTPSeed == [9])
        }
    }

    /// The last confirmed device stays; an unconfirmed one can always go.
    @Test(arguments: Backend.available)
    func theLastConfirmedDeviceIsNeverRemoved(_ backend: Backend) async throws {
        try await withAlicesPhone(backend) { (db, database) async throws in
            #expect(try await !db.removeDevice(user: "alice", name: "default"))
            #expect(try await db.confirmDevice(user: "alice", name: "phone-2", sealedSeed: Array("phone-2".utf8)))
            #expect(try await db.removeDevice(user: "alice", name: "default"))
            // Replicas of version 4 read this seed: it goes with the device.
            #expect(try await db.user(named: "alice")?.sealedTOTPSeed == [])
            #expect(try await !db.removeDevice(user: "alice", name: "phone-2"))
            try await db.addDevice(Self.device("alice", "tablet"))
            #expect(try await db.removeDevice(user: "alice", name: "tablet"))
            #expect(try await !db.removeDevice(user: "alice", name: "nothing"))
            // Two removals at once leave one device.
            try await db.addDevice(Self.device("alice", "laptop", confirmed: true))
            let other = try await database.open()
            async let a = db.removeDevice(user: "alice", name: "phone-2")
            async let b = other.removeDevice(user: "alice", name: "laptop")
            let removed = try await [a, b].filter { $0 }.count
            #expect(removed == 1)
            #expect(try await db.devices(user: "alice").filter(\.confirmed).count == 1)
        }
    }

    @Test(arguments: Backend.available)
    func aResetWithANewDeviceReplacesThemAll(_ backend: Backend) async throws {
        try await withAlicesPhone(backend) { (db, _) async throws in
            #expect(try await db.replaceDevices(user: "alice", sealedSeed: [4, 2], at: Self.time(9)))
            #expect(try await db.devices(user: "alice") == [TOTPDevice(user: "alice", name: "default", sealedSeed: [4, 2], confirmed: true, createdAt: Self.time(9))])
            #expect(try await db.user(named: "alice")?.sealedTOTPSeed == [4, 2])
            #expect(try await !db.replaceDevices(user: "bob", sealedSeed: [1], at: Self.time(9)))
        }
    }

    @Test(arguments: Backend.available)
    func devicesGoWithTheirUser(_ backend: Backend) async throws {
        try await withAlicesPhone(backend) { (db, _) async throws in
            #expect(try await db.removeUser(named: "alice"))
            #expect(try await db.devices(user: "alice").isEmpty)
        }
    }

    @Test(arguments: Backend.available)
    func sessionsEndWhenIdleOrAtTheLoginSessionsEnd(_ backend: Backend) async throws {
        try await backend.withFreshDatabase { database in
            let db = try await database.open()
            try await db.addUser(IssuerDatabaseSuite.user("alice"))
            try await db.addUser(IssuerDatabaseSuite.user("bob"))
            try await db.addWebConsoleSession(Self.session("alice", id: 1))
            try await db.addWebConsoleSession(Self.session("alice", id: 2, expiresAt: 100))
            try await db.addWebConsoleSession(Self.session("bob", id: 3))
            let idle = 1800
            // Within the idle time, a touch restarts the clock.
            let touched = try #require(try await db.touchWebConsoleSession(idHash: [UInt8](repeating: 1, count: 32), at: Self.time(1700), idleSeconds: idle))
            #expect(touched.lastSeenAt == Self.time(1700))
            #expect(touched.csrfToken == "csrf-1")
            #expect(try await db.touchWebConsoleSession(idHash: [UInt8](repeating: 1, count: 32), at: Self.time(3400), idleSeconds: idle) != nil)
            // Past it, the session is gone for good.
            #expect(try await db.touchWebConsoleSession(idHash: [UInt8](repeating: 1, count: 32), at: Self.time(5201), idleSeconds: idle) == nil)
            #expect(try await db.touchWebConsoleSession(idHash: [UInt8](repeating: 1, count: 32), at: Self.time(3500), idleSeconds: idle) == nil)
            // At the login session's end too, however fresh.
            #expect(try await db.touchWebConsoleSession(idHash: [UInt8](repeating: 2, count: 32), at: Self.time(100), idleSeconds: idle) == nil)
            #expect(try await db.touchWebConsoleSession(idHash: [UInt8](repeating: 9, count: 32), at: Self.time(1), idleSeconds: idle) == nil)
            let bobs = [UInt8](repeating: 3, count: 32)
            try await db.updateWebConsoleSession(idHash: bobs, passwordChangeOnly: false, enrolWithoutCode: true)
            let updated = try await db.touchWebConsoleSession(idHash: bobs, at: Self.time(10), idleSeconds: idle)
            #expect(updated?.passwordChangeOnly == false && updated?.enrolWithoutCode == true)
            try await db.addWebConsoleSession(Self.session("bob", id: 4))
            #expect(try await db.removeWebConsoleSessions(user: "bob") == 2)
            #expect(try await db.touchWebConsoleSession(idHash: bobs, at: Self.time(20), idleSeconds: idle) == nil)
            // Ended rows are cleared; sessions go with their user.
            try await db.addWebConsoleSession(Self.session("alice", id: 5, lastSeen: 0))
            try await db.addWebConsoleSession(Self.session("alice", id: 6, lastSeen: 4000))
            try await db.removeEndedWebConsoleSessions(at: Self.time(4500), idleSeconds: idle)
            let count = try await db.executor.query("SELECT COUNT(*) AS n FROM console_sessions").first?.get("n", as: Int.self)
            #expect(count == 1)
            #expect(try await db.removeUser(named: "alice"))
            #expect(try await db.touchWebConsoleSession(idHash: [UInt8](repeating: 6, count: 32), at: Self.time(4600), idleSeconds: idle) == nil)
        }
    }

    /// alice and bob.
    func withTwoUsers(_ backend: Backend, _ body: (SQLIssuerDatabase) async throws -> Void) async throws {
        try await backend.withFreshDatabase { database in
            let db = try await database.open()
            try await db.addUser(IssuerDatabaseSuite.user("alice"))
            try await db.addUser(IssuerDatabaseSuite.user("bob"))
            try await body(db)
        }
    }

    @Test(arguments: Backend.available)
    func administratorsAreKept(_ backend: Backend) async throws {
        try await withTwoUsers(backend) { (db) async throws in
            #expect(try await db.setAdmin(true, user: "alice"))
            #expect(try await !db.setAdmin(true, user: "nobody"))
            #expect(try await db.users().map(\.admin) == [true, false])
        }
    }

    @Test(arguments: Backend.available)
    func lastLoginsAreKept(_ backend: Backend) async throws {
        try await withTwoUsers(backend) { (db) async throws in
            try await db.recordLogin(user: "bob", at: Self.time(42))
            #expect(try await db.users().map(\.lastLoginAt) == [nil, Self.time(42)])
        }
    }

    @Test(arguments: Backend.available)
    func lockoutsAreListedByUser(_ backend: Backend) async throws {
        try await withTwoUsers(backend) { (db) async throws in
            _ = try await db.recordFailure(user: "bob", at: Self.time(1), lockout: { $0 >= 2 ? 60 : 0 })
            _ = try await db.recordFailure(user: "bob", at: Self.time(2), lockout: { $0 >= 2 ? 60 : 0 })
            #expect(try await db.lockouts() == ["bob": LockoutState(failures: 2, lockedUntil: Self.time(62))])
        }
    }

    /// Hour 0: two issued, one login refused; hour 2: a rate-limit row standing for 3 refusals, and
    /// an administrator's change. `body` gets the rows' IDs and the start of hour 0.
    func withReportRows(_ backend: Backend, _ body: (SQLIssuerDatabase, [Int64], Date) async throws -> Void) async throws {
        try await backend.withFreshDatabase { database in
            let db = try await database.open()
            let hour = 3600.0
            let rows = [
                AuditRecord(time: Self.time(10), event: "certificate", user: "alice", roleArn: "r1", kind: "standard", serial: "01",
                            clientAddress: "10.0.0.1", result: "ok", notAfter: Self.time(10 + 900)),
                AuditRecord(time: Self.time(20), event: "certificate", user: "bob", roleArn: "r1", kind: "single-use", serial: "02",
                            clientAddress: nil, result: "ok", notAfter: Self.time(80)),
                AuditRecord(time: Self.time(30), event: "login", user: "alice", clientAddress: nil, result: "wrong-password"),
                AuditRecord(time: Self.time(2 * hour + 5), event: "certificate", user: "alice", clientAddress: nil, result: "rate-limited", count: 3),
                AuditRecord(time: Self.time(2 * hour + 6), event: "user-add", user: "carol", clientAddress: nil, result: "ok", actor: "root"),
            ]
            var ids: [Int64] = []
            for row in rows { ids.append(try await db.appendAudit(row)) }
            try await body(db, ids, Self.time(0))
        }
    }

    @Test(arguments: Backend.available)
    func reportsCountEachHoursIssuedOrRefusedRequests(_ backend: Backend) async throws {
        try await withReportRows(backend) { (db, _, start) async throws in
            let hour = 3600.0
            #expect(try await db.hourlyCounts(since: start, expected: "password-change-required") == [
                HourlyCounts(hourStart: Self.hourStart(Self.time(10)), issued: 2, refused: 1),
                HourlyCounts(hourStart: Self.hourStart(Self.time(2 * hour + 5)), issued: 0, refused: 3),
            ])
            #expect(try await db.refusalCounts(since: start, expected: "password-change-required") == ["wrong-password": 1, "rate-limited": 3])
            #expect(try await db.refusalCounts(since: Self.time(hour), expected: "password-change-required") == ["rate-limited": 3])
            // A first sign-in that must change its password is expected, not refused: the counts stay.
            _ = try await db.appendAudit(AuditRecord(time: Self.time(40), event: "login", user: "dave", clientAddress: nil, result: "password-change-required"))
            #expect(try await db.hourlyCounts(since: start, expected: "password-change-required").first?.refused == 1)
            #expect(try await db.refusalCounts(since: start, expected: "password-change-required") == ["wrong-password": 1, "rate-limited": 3])
            #expect(try await db.refusalCounts(since: start, expected: "none")["password-change-required"] == 1, "counted when not named as expected")
        }
    }

    @Test(arguments: Backend.available)
    func theAuditIsFilteredNewestFirstByPage(_ backend: Backend) async throws {
        try await withReportRows(backend) { (db, ids, _) async throws in
            // Newest first, by each filter, and paged by id.
            #expect(try await db.audit(matching: AuditFilter(), beforeID: nil, limit: 10).map(\.id) == ids.reversed())
            #expect(try await db.audit(matching: AuditFilter(user: "alice"), beforeID: nil, limit: 10).compactMap(\.id) == [ids[3], ids[2], ids[0]])
            #expect(try await db.audit(matching: AuditFilter(user: "alice", event: "certificate"), beforeID: nil, limit: 10).compactMap(\.id) == [ids[3], ids[0]])
            #expect(try await db.audit(matching: AuditFilter(result: "ok"), beforeID: ids[4], limit: 10).compactMap(\.id) == [ids[1], ids[0]])
            #expect(try await db.audit(matching: AuditFilter(from: Self.time(20), until: Self.time(30)), beforeID: nil, limit: 10).compactMap(\.id) == [ids[1]])
            #expect(try await db.audit(matching: AuditFilter(), beforeID: nil, limit: 2).compactMap(\.id) == [ids[4], ids[3]])
            #expect(try await db.audit(matching: AuditFilter(), beforeID: nil, limit: 10).first?.actor == "root")
        }
    }

    @Test(arguments: Backend.available)
    func reportsFindTheCertificatesStillValid(_ backend: Backend) async throws {
        try await withReportRows(backend) { (db, _, start) async throws in
            // Still valid: alice's standard certificate at 100 s, nobody's at 1000 s.
            #expect(try await db.validCertificates(issuedSince: start, validAt: Self.time(100), user: nil).compactMap(\.serial) == ["01"])
            #expect(try await db.validCertificates(issuedSince: start, validAt: Self.time(50), user: nil).compactMap(\.serial) == ["02", "01"])
            #expect(try await db.validCertificates(issuedSince: start, validAt: Self.time(50), user: "bob").compactMap(\.serial) == ["02"])
            #expect(try await db.validCertificates(issuedSince: Self.time(15), validAt: Self.time(50), user: nil).compactMap(\.serial) == ["02"])
            #expect(try await db.validCertificates(issuedSince: start, validAt: Self.time(1000), user: nil).isEmpty)
            #expect(try await db.audit(since: .distantPast, limit: 1).first?.notAfter == Self.time(910))
        }
    }

    static func hourStart(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 3600).rounded(.down) * 3600)
    }
}
