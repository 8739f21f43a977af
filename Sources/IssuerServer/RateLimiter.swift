import Foundation

/// At most `limit` attempts per client address in any `window`, per replica. It slows password
/// guessing from one address; the per-user lockout in the database is what holds across replicas.
actor RateLimiter {
    private let limit: Int
    private let window: TimeInterval
    private var attempts: [String: [Date]] = [:]

    init(limit: Int, window: TimeInterval = 60) {
        self.limit = limit
        self.window = window
    }

    /// Records an attempt; false when the address is over its limit.
    func allow(_ address: String, now: Date) -> Bool {
        let recent = (attempts[address] ?? []).filter { now.timeIntervalSince($0) < window }
        guard recent.count < limit else {
            attempts[address] = recent
            return false
        }
        attempts[address] = recent + [now]
        // Forget idle addresses now and then, so the table stays small.
        if attempts.count > 10_000 { attempts = attempts.filter { $0.value.contains { now.timeIntervalSince($0) < window } } }
        return true
    }
}
