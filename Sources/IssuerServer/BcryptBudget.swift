import IssuerProtocol

/// At most `running` bcrypt computations at once on this replica, and at most `waiting` requests
/// queued behind them; a request beyond that is refused at once (`rate-limited`), so a flood of
/// sign-ins from many addresses is turned away quickly while the sign-ins let in wait a bounded
/// time (about (waiting / running + 1) bcrypt durations). Unknown users' decoy checks queue here
/// too, so neither the answer nor its timing tells names apart.
actor BcryptBudget {
    static let busy = IssuanceRefusal(reason: .rateLimited, message: "the issuer is busy checking passwords: try again in a few seconds")

    private let running: Int
    private let waiting: Int
    private var inUse = 0
    private var queue: [CheckedContinuation<Void, Never>] = []

    init(running: Int, waiting: Int) {
        self.running = max(running, 1)
        self.waiting = max(waiting, 0)
    }

    /// A slot, at once or after the ones queued before; `busy` when the queue is full.
    func acquire() async throws(IssuanceRefusal) {
        if inUse < running {
            inUse += 1
            return
        }
        guard queue.count < waiting else { throw Self.busy }
        // The slot is handed over by `release`, so `inUse` stays as it is.
        await withCheckedContinuation { queue.append($0) }
    }

    func release() {
        if queue.isEmpty {
            inUse -= 1
        } else {
            queue.removeFirst().resume()
        }
    }
}
