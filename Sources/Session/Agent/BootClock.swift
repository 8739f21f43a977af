#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Now, in the unit and on the clock of `/proc/PID/stat`'s start time: clock ticks after boot.
///
/// CLOCK_BOOTTIME, not CLOCK_MONOTONIC: the kernel stamps a process's start on the boot-time clock,
/// which keeps counting while the machine sleeps. After a suspend the monotonic clock lags behind
/// it, and every process started since would look as if it started after its own connection.
public enum BootClock {
    static let ticksPerSecond = UInt64(sysconf(Int32(_SC_CLK_TCK)))

    public static func ticks() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_BOOTTIME, &now)
        // Rounded down, as the kernel rounds a start time down.
        return UInt64(now.tv_sec) * ticksPerSecond + UInt64(now.tv_nsec) * ticksPerSecond / 1_000_000_000
    }
}
