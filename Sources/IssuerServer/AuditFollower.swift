import Foundation
import IssuerStorage

/// What `issuer audit --follow` remembers between polls, and the decisions it makes on the rows
/// each poll reads; `IssuerAdmin.followAudit` does the reading and the waiting.
///
/// On PostgreSQL, ids are handed out when a row is inserted but seen when its transaction commits,
/// so a lower id can appear after a higher one: each poll reads again from the highest id printed
/// at least `settle` ago (`settled`), and rows already printed are skipped. A row counted again
/// after it was printed (coalesced refusals, for up to a minute) is printed again with its new
/// count: a reader keeps the last line of each id.
struct AuditFollower {
    /// Every row up to this id has been printed, or will never appear.
    private(set) var settled: Int64
    let settle: TimeInterval
    /// When each row above `settled` was printed.
    private var printed: [Int64: Date] = [:]
    /// The count each recent row was printed with, while it may still be counted again.
    private var counts: [Int64: (count: Int64, time: Date)] = [:]

    init(after settled: Int64, settle: TimeInterval) {
        self.settled = settled
        self.settle = settle
    }

    /// The ids the next poll reads: late rows in `settled…highest` (none when the two are equal),
    /// then the new ones after `highest`. A backlog moves on by a whole page per poll.
    var window: (settled: Int64, highest: Int64) { (settled, max(settled, printed.keys.max() ?? settled)) }

    /// The rows of `rows` not printed yet, in their order, now taken as printed at `now`.
    mutating func unprinted(_ rows: [AuditRecord], at now: Date) -> [AuditRecord] {
        rows.filter { row in
            guard let id = row.id, printed[id] == nil else { return false }
            printed[id] = now
            counts[id] = (row.count, row.time)
            return true
        }
    }

    /// The rows of `recounted` whose count grew since they were printed; rows older than `window`
    /// can no longer be counted again and are forgotten.
    mutating func countedAgain(_ recounted: [AuditRecord], since window: Date) -> [AuditRecord] {
        let grown = recounted.filter { row in
            guard let id = row.id, let shown = counts[id], row.count > shown.count else { return false }
            counts[id] = (row.count, row.time)
            return true
        }
        counts = counts.filter { $0.value.time >= window }
        return grown
    }

    /// Moves `settled` up to the newest row printed at least `settle` before `now`: a row that has
    /// not appeared below it by then is taken as never committed.
    mutating func settleRows(at now: Date) {
        let old = now.addingTimeInterval(-settle)
        guard let newest = printed.filter({ $0.value < old }).keys.max() else { return }
        settled = max(settled, newest)
        printed = printed.filter { $0.key > settled }
    }
}

/// Says once that the database stopped answering, and once that it answers again.
struct OutageNotice {
    private var failing = false

    mutating func failed(_ error: any Error, retryingEvery interval: Duration) -> String? {
        defer { failing = true }
        return failing ? nil : "\(error); retrying every \(interval)"
    }

    mutating func answered() -> String? {
        defer { failing = false }
        return failing ? "the issuer database answers again" : nil
    }
}
