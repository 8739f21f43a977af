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
import IssuanceCore
import RolesAnywhere

/// Checks a TOTP code against a person's devices with a replay guard and lockout.
///
/// A code is accepted once: the accepted step is stored durably before `verify` returns, so a
/// certificate is only ever issued after the replay guard has moved on. Repeated failures lock a
/// device as `TOTPLockout` says.
public struct TOTPVerifier: Sendable {
    public struct Device: Sendable {
        public let name: String
        public let secret: SecretBytes
        public init(name: String, secret: SecretBytes) {
            self.name = name
            self.secret = secret
        }
    }

    private let store: any MFAStateStore
    private let now: @Sendable () -> Date

    public init(store: any MFAStateStore, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.now = now
    }

    /// The device name that accepted `code`, or a refusal.
    public func verify(code: String, devices: [Device]) throws -> String {
        guard TOTP.isWellFormed(code) else { throw MFAError.malformedCode() }
        guard !devices.isEmpty else { throw MFAError.noDevice() }
        let time = now()
        return try store.update { state in
            let open = devices.filter { device in
                guard let until = state.devices[device.name]?.lockedUntil else { return true }
                return until <= time
            }
            guard !open.isEmpty else {
                let until = devices.compactMap { state.devices[$0.name]?.lockedUntil }.min() ?? time
                throw MFAError.locked(until: until, now: time)
            }
            for device in open {
                guard let step = TOTP.matchingStep(code: code, secret: device.secret, at: time) else { continue }
                var record = state.devices[device.name] ?? .init()
                if let last = record.lastAcceptedStep, step <= last { throw MFAError.replayed() }
                record.lastAcceptedStep = step
                record.consecutiveFailures = 0
                record.lockedUntil = nil
                record.lastUsed = time
                state.devices[device.name] = record
                return device.name
            }
            var fewestFailures = Int.max
            for device in open {
                var record = state.devices[device.name] ?? .init()
                record.consecutiveFailures += 1
                if record.consecutiveFailures >= TOTPLockout.failuresBeforeLockout {
                    record.lockedUntil = time.addingTimeInterval(TOTPLockout.duration(afterFailures: record.consecutiveFailures))
                }
                fewestFailures = min(fewestFailures, record.consecutiveFailures)
                state.devices[device.name] = record
            }
            // The last device to lock decides when nothing is open any more.
            throw MFAError.wrongCode(attemptsLeft: TOTPLockout.failuresBeforeLockout - fewestFailures)
        }
    }
}

/// Why an MFA code was refused. Never contains the code or the seed.
public struct MFAError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable { case malformed, wrong, replayed, locked, noDevice, unavailable, cancelled }
    public let code: Code
    public let description: String

    static func malformedCode() -> MFAError { .init(code: .malformed, description: "an MFA code is exactly 6 digits") }
    static func wrongCode(attemptsLeft: Int? = nil) -> MFAError {
        .init(code: .wrong, description: TOTPRefusalText.wrongCode(attemptsLeft: attemptsLeft))
    }
    static func replayed() -> MFAError { .init(code: .replayed, description: TOTPRefusalText.replayed) }
    static func noDevice() -> MFAError { .init(code: .noDevice, description: "no MFA device is registered: run `rolecall init` or `rolecall mfa add`") }
    static func locked(until: Date, now: Date) -> MFAError {
        .init(code: .locked, description: TOTPLockout.message("the device", after: "wrong MFA codes", until: until, now: now))
    }
    public static func unavailable(_ reason: String) -> MFAError { .init(code: .unavailable, description: reason) }
    /// An empty answer (or Ctrl-D) at the prompt: nothing was asked of any issuer.
    public static func cancelled() -> MFAError { .init(code: .cancelled, description: "cancelled: no MFA code was typed") }
}
