import CHardening
import Synchronization
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Secret bytes in their own pages: locked in memory (never swapped) and excluded from core dumps.
/// Zeroed, unlocked and unmapped by `wipe()` or when released.
///
/// Locking can fail (a low `RLIMIT_MEMLOCK`); the bytes are then still private, and `warnings` says why.
public final class LockedBuffer: @unchecked Sendable {
    private let base: UnsafeMutableRawPointer
    private let capacity: Int
    private var length: Int
    private let lockLock = Mutex(())
    public private(set) var warnings: [String] = []

    public init(_ bytes: some Collection<UInt8>) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        capacity = max((bytes.count + page - 1) / page, 1) * page
        guard let mapped = mmap(nil, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              mapped != MAP_FAILED
        else { fatalError("rolecall: cannot map \(capacity) bytes for secrets") }
        base = mapped
        length = bytes.count
        warnings = ProcessHardening.lock(UnsafeMutableRawBufferPointer(start: base, count: capacity))
        _ = UnsafeMutableRawBufferPointer(start: base, count: length).initializeMemory(as: UInt8.self, from: bytes)
    }

    public var count: Int { lockLock.withLock { _ in length } }

    /// Runs `body` with the bytes; they must not escape it.
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try lockLock.withLock { _ in try body(UnsafeRawBufferPointer(start: base, count: length)) }
    }

    public var bytes: [UInt8] { withBytes { Array($0) } }

    public func wipe() {
        lockLock.withLock { _ in
            rolecall_secure_zero(base, capacity)
            length = 0
        }
    }

    deinit {
        rolecall_secure_zero(base, capacity)
        _ = rolecall_unlock_memory(base, capacity)
        munmap(base, capacity)
    }
}
