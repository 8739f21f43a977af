#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RolesAnywhere

/// How long repeated wrong TOTP codes lock a device or a user out, and how that is said: the same
/// rule for the local issuer's devices and the team issuer's users.
///
/// Five consecutive failures lock for 30 s, doubling with each further failure up to 15 minutes;
/// a success resets the count.
public enum TOTPLockout {
    public static let failuresBeforeLockout = 5
    public static let firstLockout: TimeInterval = 30
    public static let longestLockout: TimeInterval = 15 * 60

    /// 30 s at the fifth failure, doubling with each further one, at most 15 minutes.
    public static func duration(afterFailures failures: Int) -> TimeInterval {
        guard failures >= failuresBeforeLockout else { return 0 }
        let doublings = min(failures - failuresBeforeLockout, 10)
        return min(firstLockout * Double(1 << doublings), longestLockout)
    }

    /// What a person is told while `subject` ("the device", "alice") is locked until `until`, after
    /// too many `failures` ("wrong MFA codes", "failed attempts").
    public static func message(_ subject: String, after failures: String, until: Date, now: Date) -> String {
        let seconds = max(Int(until.timeIntervalSince(now).rounded(.up)), 1)
        return "too many \(failures): \(subject) is locked for \(seconds) s more (until \(RFC3339.string(from: until)))"
    }
}
