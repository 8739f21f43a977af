import Foundation
@testable import IssuerServer
import IssuerStorage
import Testing

/// `AuditFollower`'s decisions alone, on rows as a poll would read them.
@Suite struct AuditFollowerTests {
    static let start = Date(timeIntervalSince1970: 1_900_000_000)

    static func row(_ id: Int64, count: Int64 = 1, at seconds: TimeInterval = 0) -> AuditRecord {
        AuditRecord(time: start.addingTimeInterval(seconds), event: "login", user: "u\(id)", clientAddress: nil, result: "ok", count: count, id: id)
    }

    @Test func aLateRowBelowThePrintedOnesIsPrintedExactlyOnce() {
        var follower = AuditFollower(after: 10, settle: 30)
        #expect(follower.window == (10, 10))
        #expect(follower.unprinted([Self.row(12), Self.row(13)], at: Self.start).map(\.id) == [12, 13])
        #expect(follower.window == (10, 13), "the next poll reads 11…13 again")
        #expect(follower.unprinted([Self.row(11), Self.row(12), Self.row(13)], at: Self.start).map(\.id) == [11])
        #expect(follower.unprinted([Self.row(11), Self.row(13)], at: Self.start).isEmpty)
    }

    @Test func rowsSettleOnlyOnceTheyWerePrintedLongEnoughAgo() {
        var follower = AuditFollower(after: 10, settle: 30)
        _ = follower.unprinted([Self.row(11)], at: Self.start)
        _ = follower.unprinted([Self.row(12)], at: Self.start.addingTimeInterval(20))
        follower.settleRows(at: Self.start.addingTimeInterval(29))
        #expect(follower.settled == 10)
        follower.settleRows(at: Self.start.addingTimeInterval(31))
        #expect(follower.settled == 11 && follower.window == (11, 12))
        follower.settleRows(at: Self.start.addingTimeInterval(51))
        #expect(follower.settled == 12 && follower.window == (12, 12))
        #expect(follower.unprinted([Self.row(13)], at: Self.start).map(\.id) == [13])
    }

    @Test func aRowIsPrintedAgainOnlyWhenItsCountGrewWithinTheWindow() {
        var follower = AuditFollower(after: 0, settle: 30)
        _ = follower.unprinted([Self.row(1, at: 0), Self.row(2, at: 100)], at: Self.start)
        let window = Self.start.addingTimeInterval(50)
        #expect(follower.countedAgain([Self.row(1, count: 1, at: 0), Self.row(2, count: 3, at: 100)], since: Self.start).map(\.count) == [3])
        #expect(follower.countedAgain([Self.row(2, count: 3, at: 100)], since: window).isEmpty, "the same count is not printed twice")
        #expect(follower.countedAgain([Self.row(1, count: 5, at: 0)], since: window).isEmpty, "row 1 fell out of the window")
        #expect(follower.countedAgain([Self.row(2, count: 4, at: 100)], since: window).map(\.count) == [4])
        #expect(follower.countedAgain([Self.row(9, count: 2)], since: .distantPast).isEmpty, "a row never printed is not printed by its count")
    }

    @Test func anOutageIsToldOnceAsIsItsEnd() {
        var outage = OutageNotice()
        #expect(outage.answered() == nil)
        #expect(outage.failed(StorageError.unavailable("down"), retryingEvery: .seconds(1)) != nil)
        #expect(outage.failed(StorageError.unavailable("down"), retryingEvery: .seconds(1)) == nil)
        #expect(outage.answered() == "the issuer database answers again")
        #expect(outage.answered() == nil)
    }
}
