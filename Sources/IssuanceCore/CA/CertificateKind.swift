#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import IssuerProtocol

/// The three kinds of leaf certificate, each with its own lifetime rule.
public enum CertificateKind: Sendable, Equatable, CustomStringConvertible {
    /// Per-session MFA: lives 60 s and signs exactly one CreateSession.
    case singleUse
    /// Held only in a supervisor's memory (`exec --server`): bounded by the MFA verification
    /// interval (at most 12 h) and by the holder's remaining lifetime when known.
    case inMemory(verificationInterval: TimeInterval, holderLifetime: TimeInterval?)
    /// Profiles without MFA: lives as long as the profile's session, at most 12 h.
    case standard(sessionDuration: TimeInterval)

    public static let singleUseLifetime: TimeInterval = 60
    /// Clock-skew allowance: notBefore is back-dated by this much at most.
    public static let backdating: TimeInterval = 10
    public static let longestLifetime: TimeInterval = 12 * 3600
    public static let defaultVerificationInterval: TimeInterval = 3600

    /// Whether issuing this kind needs a fresh MFA proof.
    public var requiresMFA: Bool { kindName.isPerSession }

    public var isSingleUse: Bool { self == .singleUse }

    /// How long a certificate of this kind lives from `notBefore + backdating`.
    public var lifetime: TimeInterval {
        switch self {
        case .singleUse:
            Self.singleUseLifetime
        case .inMemory(let interval, let holder):
            min(interval, holder ?? .infinity, Self.longestLifetime)
        case .standard(let duration):
            min(duration, Self.longestLifetime)
        }
    }

    /// `notBefore` and `notAfter` for a certificate issued at `now`, in whole seconds as X.509 times
    /// hold them: notAfter no later than `now + lifetime`, notBefore no earlier than `now - backdating`.
    public func validity(at now: Date) -> (notBefore: Date, notAfter: Date) {
        let issued = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        return (Self.backdatedNotBefore(at: now), issued.addingTimeInterval(lifetime))
    }

    /// `now - backdating` rounded up to the whole second: rounding down would back-date by up to
    /// a second more than the allowance.
    public static func backdatedNotBefore(at now: Date) -> Date {
        Date(timeIntervalSince1970: (now.timeIntervalSince1970 - backdating).rounded(.up))
    }

    public var kindName: CertificateKindName {
        switch self {
        case .singleUse: .singleUse
        case .inMemory: .inMemory
        case .standard: .standard
        }
    }

    /// The kind's name as the API, the audit log and messages write it.
    public var name: String { kindName.rawValue }

    public var description: String { "\(name) (\(Int(lifetime)) s)" }

    /// The kind for an API request; `lifetimeSeconds` is the in-memory verification interval.
    public init(_ name: CertificateKindName, lifetimeSeconds: Int?, sessionSeconds: Int?) {
        switch name {
        case .singleUse: self = .singleUse
        case .inMemory: self = .inMemory(verificationInterval: TimeInterval(lifetimeSeconds ?? Int(Self.defaultVerificationInterval)), holderLifetime: nil)
        case .standard: self = .standard(sessionDuration: TimeInterval(sessionSeconds ?? 3600))
        }
    }

    /// What `init(_:lifetimeSeconds:sessionSeconds:)` needs to rebuild this kind on the other side.
    public var apiFields: (name: CertificateKindName, lifetimeSeconds: Int?, sessionSeconds: Int?) {
        switch self {
        case .singleUse: (kindName, nil, nil)
        case .inMemory(let interval, _): (kindName, Int(interval), nil)
        case .standard(let duration): (kindName, nil, Int(duration))
        }
    }
}
