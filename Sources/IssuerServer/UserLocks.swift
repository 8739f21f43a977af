import IssuerStorage

/// One password or TOTP check per user at a time on this replica: the lockout is read, the check
/// made and the failure counted before the next attempt of that user starts, so a burst of
/// parallel guesses cannot all pass the lockout check together. Across replicas the database's
/// atomic counter still applies; a burst can then get at most one guess per replica past it.
actor UserLocks {
    private var locks: [String: AsyncLock] = [:]

    /// Only for users that exist, so the table is bounded by the user list.
    func lock(for user: String) -> AsyncLock {
        if let lock = locks[user] { return lock }
        let lock = AsyncLock()
        locks[user] = lock
        return lock
    }
}
