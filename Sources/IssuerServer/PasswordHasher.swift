import HummingbirdBcrypt
import NIOPosix

/// bcrypt (HummingbirdBcrypt), run on NIO's blocking-work threads: a hash takes a quarter of a
/// second at the default cost and must not stall the threads that answer requests.
public struct PasswordHasher: Sendable {
    public static let defaultCost: UInt8 = 12
    let cost: UInt8

    func hash(_ password: String) async throws -> String {
        let cost = cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }
}
