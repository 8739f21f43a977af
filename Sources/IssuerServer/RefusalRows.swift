import Foundation

/// Rate-limit refusals write at most one audit row per key and minute: the first refusal writes
/// it, the ones after it in that minute add to its count. A client hammering the issuer cannot
/// flood the audit log (and the disk under it), and no refusal goes uncounted. Per replica.
actor RefusalRows {
    private let window: TimeInterval
    private var rows: [String: (id: Int64, since: Date)] = [:]

    init(window: TimeInterval = 60) {
        self.window = window
    }

    /// The row to count `key`'s refusal on, if one was written within the window.
    func row(for key: String, now: Date) -> Int64? {
        guard let row = rows[key], now.timeIntervalSince(row.since) < window else { return nil }
        return row.id
    }

    func remember(_ id: Int64, for key: String, now: Date) {
        rows[key] = (id, now)
        // Forget old keys now and then, so the table stays small.
        if rows.count > 10_000 { rows = rows.filter { now.timeIntervalSince($0.value.since) < window } }
    }
}
