import Foundation
import Issuance
@testable import IssuerServer
import IssuanceCore
import IssuerStorage
import Testing
import TestSupport

/// `issuer init` and what a replica checks when it starts.
@Suite(.removesTemporaryFiles) struct IssuerAdminTests {
    static func admin(_ database: any IssuerDatabase, _ key: IssuerKey) -> IssuerAdmin {
        IssuerAdmin(database: database, key: key, bcryptCost: 4)
    }

    @Test func aSecondInitIsRefusedWithoutChangingAnything() async throws {
        try await Backend.sqlite.withFreshDatabase { fresh in
            let database = try await fresh.open()
            let key = try IssuerKey(text: IssuerKey.generateText())
            let first = try await Self.admin(database, key).initialize(commonName: "first")
            await #expect(throws: IssuerError.alreadyInitialized) { _ = try await Self.admin(database, key).initialize(commonName: "second") }
            #expect(try await database.authorities().count == 1)
            #expect(try await IssuerVault(database: database, key: key).currentAuthority().fingerprintSHA256 == first.fingerprintSHA256)
        }
    }

    /// Every administrative change is an audit row naming its administrator.
    @Test(arguments: Backend.available)
    func administrativeChangesAreAudited(_ backend: Backend) async throws {
        try await backend.withFreshDatabase { fresh in
            let database = try await fresh.open()
            let admin = IssuerAdmin(database: database, key: try IssuerKey(text: IssuerKey.generateText()), bcryptCost: 4, actor: "carol via sudo")
            _ = try await admin.initialize(commonName: "audited")
            _ = try await admin.addUser("alice")
            let role = "arn:aws:iam::111122223333:role/dev"
            try await admin.allowRole(user: "alice", roleArn: role, profileArn: "arn:aws:rolesanywhere:us-east-1:111122223333:profile/p",
                                      trustAnchorArn: "arn:aws:rolesanywhere:us-east-1:111122223333:trust-anchor/t", region: nil,
                                      maxDurationSeconds: 3600, mfa: .perSession)
            try await admin.setDisabled(true, user: "alice")
            try await admin.setDisabled(false, user: "alice")
            _ = try await admin.resetPassword(user: "alice")
            try await admin.revokeRole(user: "alice", roleArn: role)
            _ = try await admin.rotateAuthority(commonName: "next")
            try await admin.removeUser("alice")
            // A refused change changes nothing and writes no row.
            _ = try? await admin.removeUser("nobody")
            let rows = try await admin.audit(since: .distantPast)
            #expect(rows.map(\.event) == ["issuer-init", "user-add", "role-allow", "user-disable", "user-enable", "password-reset",
                                          "role-revoke", "ca-rotate", "user-remove"])
            #expect(rows.allSatisfy { $0.actor == "carol via sudo" && $0.result == "ok" })
            #expect(rows.filter { $0.roleArn == role }.map(\.event) == ["role-allow", "role-revoke"])
        }
    }

    /// An administrator (carol) at a fixed `now`, and five logins 72, 48, 25, 13 and 1 hours before.
    func withFiveAuditRows(_ body: (IssuerAdmin, SQLIssuerDatabase, Date) async throws -> Void) async throws {
        try await Backend.sqlite.withFreshDatabase { fresh in
            let database = try await fresh.open()
            let now = Date()
            let admin = IssuerAdmin(database: database, key: try IssuerKey(text: IssuerKey.generateText()), bcryptCost: 4, actor: "carol", now: { now })
            for hours in [72.0, 48, 25, 13, 1] {
                try await database.appendAudit(AuditRecord(time: now.addingTimeInterval(-hours * 3600), event: "login", user: "alice",
                                                           clientAddress: nil, result: "ok"))
            }
            try await body(admin, database, now)
        }
    }

    @Test func pruningKeepsTheLastTwelveHours() async throws {
        try await withFiveAuditRows { (admin, _, now) async throws in
            let refusal = await #expect(throws: IssuerError.self) {
                _ = try await admin.pruneAudit(before: now.addingTimeInterval(-11 * 3600), dryRun: true)
            }
            #expect(refusal?.code == .auditTooRecent)
        }
    }

    @Test func aDryRunCountsWhatPruningWouldRemove() async throws {
        try await withFiveAuditRows { (admin, database, now) async throws in
            #expect(try await admin.pruneAudit(before: now.addingTimeInterval(-24 * 3600), dryRun: true) == 3)
            #expect(try await database.audit(since: .distantPast, limit: 100).count == 5, "a dry run removes nothing")
        }
    }

    @Test func pruningInBatchesIsAuditedWithItsProgress() async throws {
        try await withFiveAuditRows { (admin, database, now) async throws in
            let totals = Collected<Int>()
            #expect(try await admin.pruneAudit(before: now.addingTimeInterval(-12 * 3600), dryRun: false, batch: 2) { totals.add($0) } == 4)
            #expect(totals.all == [2, 4], "progress after each full batch")
            let rows = try await database.audit(since: .distantPast, limit: 100)
            #expect(rows.map(\.event) == ["login", "audit-prune"])
            #expect(rows.last?.count == 4 && rows.last?.actor == "carol")
        }
    }

    /// What a callback was given, in order.
    final class Collected<Element: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var elements: [Element] = []
        func add(_ element: Element) { lock.withLock { elements.append(element) } }
        var all: [Element] { lock.withLock { elements } }
    }

    /// `followAudit` in a task, once it knows where it starts; its rows as they are emitted.
    /// Cancelled when the test ends.
    static func following(_ admin: IssuerAdmin, _ body: (inout AsyncStream<AuditRecord>.Iterator) async throws -> Void) async throws {
        let (rows, emitted) = AsyncStream.makeStream(of: AuditRecord.self)
        let (started, ready) = AsyncStream.makeStream(of: Void.self)
        let follower = Task {
            try await admin.followAudit(since: nil, afterID: nil, every: .milliseconds(20), settle: 45,
                                        ready: { ready.yield() }) { emitted.yield($0) }
        }
        defer { follower.cancel() }
        var iterator = started.makeAsyncIterator()
        try #require(await iterator.next() != nil, "the follower started")
        var emittedRows = rows.makeAsyncIterator()
        try await body(&emittedRows)
    }

    /// `audit --follow`: every row once, including one whose id is lower than rows already printed
    /// (on PostgreSQL a transaction that began first can commit last).
    @Test(.timeLimit(.minutes(1)))
    func followingPrintsEveryRowOnceEvenOutOfIDOrder() async throws {
        try await Backend.sqlite.withFreshDatabase { fresh in
            let database = try await fresh.open()
            let admin = IssuerAdmin(database: database, key: try IssuerKey(text: IssuerKey.generateText()), bcryptCost: 4)
            func row(_ user: String) -> AuditRecord { AuditRecord(time: Date(), event: "login", user: user, clientAddress: nil, result: "ok") }
            try await database.appendAudit(row("before"))
            try await Self.following(admin) { rows in
                func next(_ count: Int) async -> [String] {
                    var users: [String] = []
                    while users.count < count, let row = await rows.next() { users.append(row.user ?? "") }
                    return users
                }
                try await database.appendAudit(row("first"))
                // Id 50 taken by a transaction that commits after 51 and 52 are visible.
                try await database.executeAdministrative("INSERT INTO audit (id, occurred_at, event, user_name, result) VALUES (51, 0, 'login', 'second', 'ok')")
                try await database.executeAdministrative("INSERT INTO audit (id, occurred_at, event, user_name, result) VALUES (52, 0, 'login', 'third', 'ok')")
                #expect(await next(3) == ["first", "second", "third"], "rows before the start are not shown")
                // The late row commits only once the follower has printed past its id.
                try await database.executeAdministrative("INSERT INTO audit (id, occurred_at, event, user_name, result) VALUES (50, 0, 'login', 'late', 'ok')")
                #expect(await next(1) == ["late"])
                // Rows written after all of them come next, each once it was printed (a poll apart at
                // least): nothing was printed twice before them.
                for marker in ["after", "later"] {
                    try await database.appendAudit(row(marker))
                    #expect(await next(1) == [marker])
                }
            }
        }
    }

    /// A coalesced refusal row counted again after the follower printed it is printed again with
    /// its new count, so a SIEM does not keep a burst of 3 as 1.
    @Test(.timeLimit(.minutes(1)), arguments: Backend.available)
    func aRowCountedAgainIsPrintedAgainWithItsCount(backend: Backend) async throws {
        try await backend.withFreshDatabase { fresh in
            let database = try await fresh.open()
            let admin = IssuerAdmin(database: database, key: try IssuerKey(text: IssuerKey.generateText()), bcryptCost: 4)
            try await Self.following(admin) { rows in
                let id = try await database.appendAudit(AuditRecord(time: Date(), event: "certificate", user: "bob", clientAddress: nil, result: "refused: rateLimited"))
                var counts: [Int64] = []
                func waitFor(count: Int64) async {
                    while counts.last != count, let row = await rows.next() {
                        if row.id == id { counts.append(row.count) }
                    }
                }
                await waitFor(count: 1)
                try await database.countAgain(auditRow: id)
                try await database.countAgain(auditRow: id)
                await waitFor(count: 3)
                // Rows written after the bursts come next, each once it was printed (a poll apart at
                // least): no count was printed twice before them.
                for _ in 1...2 {
                    let marker = try await database.appendAudit(AuditRecord(time: Date(), event: "login", user: "carol", clientAddress: nil, result: "ok"))
                    let next = await rows.next()
                    #expect(next?.id == marker, "\(String(describing: next))")
                }
                #expect(counts.first == 1 && counts.last == 3 && counts == counts.sorted() && Set(counts).count == counts.count, "\(counts)")
            }
        }
    }

    /// An administrative change and its audit row are one transaction: with the audit table gone,
    /// every change fails and none is made.
    @Test(arguments: Backend.available)
    func aChangeWhoseAuditRowCannotBeWrittenIsNotMade(backend: Backend) async throws {
        try await backend.withFreshDatabase { fresh in
            let database = try await fresh.open()
            let admin = Self.admin(database, try IssuerKey(text: IssuerKey.generateText()))
            _ = try await admin.initialize(commonName: "atomic")
            _ = try await admin.addUser("bob")
            try await database.executeAdministrative("ALTER TABLE audit RENAME TO audit_away")
            let role = "arn:aws:iam::123456789012:role/dev"
            let changes: [(String, () async throws -> Void)] = [
                ("user add", { _ = try await admin.addUser("carol") }),
                ("user disable", { try await admin.setDisabled(true, user: "bob") }),
                ("user admin", { try await admin.setAdmin(true, user: "bob") }),
                ("role allow", { try await admin.allowRole(user: "bob", roleArn: role, profileArn: "arn:aws:rolesanywhere:us-east-1:123456789012:profile/p",
                                                           trustAnchorArn: "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/t", region: nil,
                                                           maxDurationSeconds: 3600, mfa: .perSession) }),
                ("password reset", { _ = try await admin.resetPassword(user: "bob", newDevice: true) }),
                ("ca stage", { _ = try await admin.stageAuthority(commonName: "next") }),
                ("user remove", { try await admin.removeUser("bob") }),
            ]
            for (name, change) in changes {
                await #expect(throws: (any Error).self, "\(name) without its audit row") { try await change() }
            }
            try await database.executeAdministrative("ALTER TABLE audit_away RENAME TO audit")
            let users = try await database.users()
            #expect(users.map(\.name) == ["bob"] && users.first?.disabled == false && users.first?.admin == false)
            #expect(try await database.grants(user: "bob").isEmpty)
            #expect(try await database.authorities().count == 1, "no CA staged")
            #expect(try await database.devices(user: "bob").count == 1)
            #expect(try await database.audit(since: .distantPast, limit: 100).map(\.event) == ["issuer-init", "user-add"])
        }
    }

    /// After promoting a staged CA with a trust anchor of its own: every grant on the old trust
    /// anchor moves at once, in one transaction with its row; a move that would break a grant moves none.
    @Test(arguments: Backend.available)
    func grantsMoveToTheNewTrustAnchorTogether(backend: Backend) async throws {
        try await backend.withFreshDatabase { fresh in
            let database = try await fresh.open()
            let admin = Self.admin(database, try IssuerKey(text: IssuerKey.generateText()))
            _ = try await admin.initialize(commonName: "anchors")
            let (old, new, other) = ("arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/old", "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/new",
                                     "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/other")
            for (user, anchor) in [("bob", old), ("carol", old), ("dave", other)] {
                _ = try await admin.addUser(user)
                try await admin.allowRole(user: user, roleArn: "arn:aws:iam::123456789012:role/dev", profileArn: "arn:aws:rolesanywhere:us-east-1:123456789012:profile/p",
                                          trustAnchorArn: anchor, region: nil, maxDurationSeconds: 3600, mfa: .perSession)
            }
            let misfit = await #expect(throws: IssuerError.self, "another region's trust anchor does not fit the grants' profile") {
                _ = try await admin.setTrustAnchor("arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/new", from: old)
            }
            #expect(misfit?.code == .grantDoesNotFit)
            #expect(try await admin.setTrustAnchor(new, from: old) == 2)
            let anchors = Dictionary(uniqueKeysWithValues: try await admin.grants(user: nil).map { ($0.user, $0.trustAnchorArn) })
            #expect(anchors == ["bob": new, "carol": new, "dave": other])
            let rows = try await admin.audit(since: .distantPast).filter { $0.event == "role-trust-anchor" }
            #expect(rows.map(\.count) == [2], "one row for the move, none for the refused one")
            let unused = await #expect(throws: IssuerError.self) { _ = try await admin.setTrustAnchor(new, from: old) }
            #expect(unused?.code == .noGrant)
        }
    }

    @Test func theAdministratorIsTheOperatingSystemUser() {
        #expect(IssuerAdmin.operatingSystemUser(environment: [:]) == String(cString: getpwuid(geteuid()).pointee.pw_name))
        if geteuid() == 0 {
            #expect(IssuerAdmin.operatingSystemUser(environment: ["SUDO_USER": "carol"]) == "carol via sudo")
        }
    }

    /// An init stopped between its two writes is finished by the next one, with the same key.
    @Test func anInterruptedInitIsFinishedByTheNext() async throws {
        try await Backend.sqlite.withFreshDatabase { fresh in
            let database = try await fresh.open()
            let key = try IssuerKey(text: IssuerKey.generateText())
            let vault = IssuerVault(database: database, key: key)
            let authority = try CertificateAuthority.generate(commonName: "half-way", now: Date())
            try await vault.addAuthority(authority, now: Date())
            #expect(try await !IssuerAdmin.isInitialized(database))
            let finished = try await Self.admin(database, key).initialize(commonName: "again")
            #expect(finished.fingerprintSHA256 == authority.fingerprintSHA256)
            #expect(try await IssuerAdmin.isInitialized(database))
            _ = try await vault.tokenSigner()
        }
    }

    @Test func anInitStoppedAfterTheTokenKeyIsFinishedByTheNext() async throws {
        try await Backend.sqlite.withFreshDatabase { fresh in
            let database = try await fresh.open()
            let key = try IssuerKey(text: IssuerKey.generateText())
            try await IssuerVault(database: database, key: key).createTokenKey()
            let tokenKey = try await database.setting(IssuerVault.tokenKeySetting)
            #expect(try await !IssuerAdmin.isInitialized(database))
            _ = try await Self.admin(database, key).initialize(commonName: "again")
            #expect(try await IssuerAdmin.isInitialized(database))
            #expect(try await database.setting(IssuerVault.tokenKeySetting) == tokenKey)
        }
    }

    @Test func aHalfInitialisedIssuerIsNotFinishedWithAnotherKey() async throws {
        try await Backend.sqlite.withFreshDatabase { fresh in
            let database = try await fresh.open()
            try await IssuerVault(database: database, key: try IssuerKey(text: IssuerKey.generateText())).createTokenKey()
            let other = try IssuerKey(text: IssuerKey.generateText())
            let error = await #expect(throws: IssuerError.self) { _ = try await Self.admin(database, other).initialize(commonName: "x") }
            #expect(error?.code == .sealDoesNotOpen)
            #expect(try await database.authorities().isEmpty)
        }
    }

    @Test func aReplicaWithAnotherKeyOrNoInitDoesNotStart() async throws {
        try await Backend.sqlite.withFreshDatabase { fresh in
            let database = try await fresh.open()
            let key = try IssuerKey(text: IssuerKey.generateText())
            let uninitialised = await #expect(throws: IssuerError.self) { _ = try await IssuerService.make(database: database, key: key) }
            #expect(uninitialised?.code == .notInitialized)
            _ = try await Self.admin(database, key).initialize(commonName: "issuer")
            let wrongKey = await #expect(throws: IssuerError.self) {
                _ = try await IssuerService.make(database: database, key: try IssuerKey(text: IssuerKey.generateText()))
            }
            #expect(wrongKey?.code == .sealDoesNotOpen)
            _ = try await IssuerService.make(database: database, key: key, options: .fast)
        }
    }
}
