/// How much MFA a role asks for (`rolecall-issuer role allow --mfa`, and the API's `Role.mfa`).
public enum MFARequirement: String, Sendable, CaseIterable {
    /// A fresh TOTP code with every certificate: single-use (`exec`, `env`) or in-memory
    /// (`exec --server`) certificates only.
    case perSession = "per-session"
    /// The TOTP check at login covers every certificate until the login session ends.
    case login
    /// No MFA: a login with the password alone may use the role.
    case off

    /// Which kinds of certificate the role may be issued: a per-session role never gets a
    /// standard certificate, which could be used without a fresh code for its whole life.
    public func allows(_ kind: CertificateKindName) -> Bool {
        !(self == .perSession && !kind.isPerSession)
    }
}
