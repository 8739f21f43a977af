import Synchronization

/// Runs `body`, but throws `expired()` once `limit` has passed without an answer; `body` is then
/// cancelled, and may still finish in the background.
///
/// For PostgreSQL: PostgresNIO's pool waits for a connection without a limit of its own, and a query
/// in flight when the server restarts waits for a connection error that can take minutes. Without a
/// deadline, a request caught then waits for its client to give up (RELIABILITY.md).
func answering<T: Sendable>(within limit: Duration, expired: @escaping @Sendable () -> any Error,
                            _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    let race = DeadlineRace<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            race.start(continuation)
            race.add(Task {
                do { race.finish(.success(try await body())) } catch { race.finish(.failure(error)) }
            }, timer: Task {
                try? await Task.sleep(for: limit)
                guard !Task.isCancelled else { return }
                race.finish(.failure(expired()))
            })
        }
    } onCancel: {
        race.cancel()
    }
}

/// Whichever of the work and the timer ends first answers; the other is cancelled.
private final class DeadlineRace<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var work: Task<Void, Never>?
        var timer: Task<Void, Never>?
        var finished = false
    }

    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<T, any Error>) {
        state.withLock { $0.continuation = continuation }
    }

    /// When the race already finished (a very fast body), both are cancelled at once.
    func add(_ work: Task<Void, Never>, timer: Task<Void, Never>) {
        let finished = state.withLock { state in
            state.work = work
            state.timer = timer
            return state.finished
        }
        if finished {
            timer.cancel()
        }
    }

    func finish(_ result: Result<T, any Error>) {
        let (continuation, work, timer) = state.withLock { state in
            state.finished = true
            defer { state.continuation = nil }
            return (state.continuation, state.work, state.timer)
        }
        guard let continuation else { return }
        continuation.resume(with: result)
        work?.cancel()
        timer?.cancel()
    }

    func cancel() {
        let (work, timer) = state.withLock { ($0.work, $0.timer) }
        work?.cancel()
        timer?.cancel()
        finish(.failure(CancellationError()))
    }
}
