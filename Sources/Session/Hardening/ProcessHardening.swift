import CHardening
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

/// The core-dump limit, read before the supervisor sets its own to zero so its child gets it back.
public enum CoreLimit {
    public static func current() -> (soft: UInt64, hard: UInt64) {
        var soft: UInt64 = 0, hard: UInt64 = 0
        rolecall_core_limit(&soft, &hard)
        return (soft, hard)
    }
}

/// Protections for a process that keeps a key in memory: not dumpable, no core files, pages locked
/// and excluded from dumps. Each failure is a warning: rolecall still works without them.
public enum ProcessHardening {
    /// Applies the process-wide protections; returns warnings for the ones that failed.
    public static func hardenProcess() -> [String] {
        var warnings: [String] = []
        if case let failure = rolecall_set_not_dumpable(), failure != 0 {
            warnings.append("could not mark the process not dumpable: \(String(cString: strerror(failure)))")
        }
        if case let failure = rolecall_disable_core_dumps(), failure != 0 {
            warnings.append("could not disable core dumps: \(String(cString: strerror(failure)))")
        }
        return warnings
    }

    /// Locks `buffer`'s pages in memory and excludes them from core dumps.
    public static func lock(_ buffer: UnsafeMutableRawBufferPointer) -> [String] {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return [] }
        var warnings: [String] = []
        if case let failure = rolecall_lock_memory(base, buffer.count), failure != 0 {
            var limit = rlimit()
            getrlimit(__rlimit_resource_t(__RLIMIT_MEMLOCK.rawValue), &limit)
            let kibibytes = limit.rlim_cur == rlim_t.max ? "unlimited" : "\(limit.rlim_cur / 1024) KiB"
            warnings.append("could not lock memory (\(String(cString: strerror(failure))); RLIMIT_MEMLOCK is \(kibibytes): raise `ulimit -l` to keep secrets out of swap)")
        }
        if case let failure = rolecall_exclude_from_dumps(base, buffer.count), failure != 0 {
            warnings.append("could not exclude memory from dumps: \(String(cString: strerror(failure)))")
        }
        return warnings
    }
}
