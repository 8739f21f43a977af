import IssuerProtocol
import IssuerStorage

extension RoleGrant {
    /// The grant's MFA requirement as read from the database, which replicas of several versions
    /// share: one a newer replica wrote is `unknown`, and refused where it is used.
    var requirement: WireValue<MFARequirement> { WireValue(rawValue: mfa) }
}
