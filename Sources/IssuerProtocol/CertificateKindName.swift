/// The names of the three kinds of leaf certificate, as the API, the audit log and messages write them.
public enum CertificateKindName: String, Sendable, CaseIterable {
    /// Per-session MFA: lives 60 s and signs exactly one CreateSession.
    case singleUse = "single-use"
    /// Held only in a supervisor's memory (`exec --server`).
    case inMemory = "in-memory"
    /// Profiles without MFA: lives as long as the profile's session.
    case standard

    /// Whether a certificate of this kind says "a person passed a per-session check": it is
    /// issued only after one, and trust policies admit per-session roles by it.
    public var isPerSession: Bool { self != .standard }
}
