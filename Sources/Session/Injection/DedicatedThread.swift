#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// Blocking work that lasts a child's whole life (`waitpid`) on a thread of its own. Not on
/// `DispatchQueue.global()`: on Linux its workers are the threads Swift's tasks run on, so each one
/// blocked there holds back every task (the supervisor's endpoint, a test suite's in-process
/// issuer) until libdispatch notices and starts another thread.
enum DedicatedThread {
    private final class Work {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    static func run(_ body: @escaping @Sendable () -> Void) {
        let work = Unmanaged.passRetained(Work(body))
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        var thread = pthread_t()
        let failure = pthread_create(&thread, &attributes, { context in
            Unmanaged<Work>.fromOpaque(context!).takeRetainedValue().body()
            return nil
        }, work.toOpaque())
        if failure != 0 {
            // No thread to be had (a process at its limit): the shared queue is still better than none.
            work.release()
            DispatchQueue.global().async(execute: body)
        }
    }

    /// `body`'s result, computed on a thread of its own: a blocking call (the agent's client, a
    /// socket read) from a task, without holding one of the cooperative pool's few threads.
    static func value<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            run { continuation.resume(with: Result(catching: body)) }
        }
    }

    static func valueWithoutThrowing<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            run { continuation.resume(returning: body()) }
        }
    }
}
