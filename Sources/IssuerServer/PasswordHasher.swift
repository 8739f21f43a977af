import HummingbirdBcrypt
import NIOPosix

/// bcrypt (HummingbirdBcrypt), run on NIO's blocking-work threads: a hash takes a quarter of a
/// second at the default cost and must never run on the threads that answer requests (event loops,
/// Swift's cooperative pool). With a `budget` (the service's), every hash and check waits for one
/// of its slots first, or is refused as busy.
public struct PasswordHasher: Sendable {
    public static let defaultCost: UInt8 = 12
    let cost: UInt8
    var budget: BcryptBudget?

    func hash(_ password: String) async throws -> String {
        let cost = cost
        return try await budgeted { Bcrypt.hash(password, cost: cost) }
    }

    func verify(_ password: String, hash: String) async throws -> Bool {
        try await budgeted { Bcrypt.verify(password, hash: hash) }
    }

    private func budgeted<T: Sendable>(_ work: @escaping @Sendable () -> T) async throws -> T {
        try await budget?.acquire()
        // The slot is given back on both paths. Written as a Result, not as a catch that awaits:
        // Swift 6.3.1's optimiser crashed splitting that coroutine (signal 11 in a release build).
        let result: Result<T, any Error>
        do {
            result = .success(try await NIOThreadPool.singleton.runIfActive(work))
        } catch {
            result = .failure(error)
        }
        await budget?.release()
        return try result.get()
    }
}
