import Foundation

/// At most `limit` attempts per key in any `window`, per replica: logins per client address (it
/// slows password guessing from one address; the per-user lockout in the database is what holds
/// across replicas) and certificates per user.
actor RateLimiter {
    private let limit: Int
    private let window: TimeInterval
    private var attempts: [String: [Date]] = [:]

    init(limit: Int, window: TimeInterval = 60) {
        self.limit = limit
        self.window = window
    }

    /// Records an attempt; false when `key` (a client address, a user) is over its limit.
    func allow(_ key: String, now: Date) -> Bool {
        let recent = (attempts[key] ?? []).filter { now.timeIntervalSince($0) < window }
        guard recent.count < limit else {
            attempts[key] = recent
            return false
        }
        attempts[key] = recent + [now]
        // Forget idle keys now and then, so the table stays small.
        if attempts.count > 10_000 { attempts = attempts.filter { $0.value.contains { now.timeIntervalSince($0) < window } } }
        return true
    }
}
