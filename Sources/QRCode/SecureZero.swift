#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Overwrites memory with zeroes in a way the optimiser may not remove (`explicit_bzero`,
/// `memset_s`). This module cannot reach CHardening's `rolecall_secure_zero`, so it asks libc itself.
func secureZero(_ base: UnsafeMutableRawPointer?, _ count: Int) {
    guard let base, count > 0 else { return }
    #if canImport(Darwin)
    _ = memset_s(base, count, 0, count)
    #else
    explicit_bzero(base, count)
    #endif
}

/// Zeroes an array the caller owns, in place, and leaves it empty.
func secureZero<Element: BitwiseCopyable>(_ array: inout [Element]) {
    array.withUnsafeMutableBytes { secureZero($0.baseAddress, $0.count) }
    array.removeAll()
}
