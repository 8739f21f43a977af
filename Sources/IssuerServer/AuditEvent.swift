import Foundation
import IssuerStorage

/// What an audit row records: the `event` column, as `issuer audit` and the console show it and
/// `--event` filters it. Rows keep the text (a newer replica may write an event this one does
/// not know); this replica writes only these.
enum AuditEvent: String, Sendable, CaseIterable {
    // Sign-in and certificates (the API and the console).
    case login, certificate, lockout
    case passwordChange = "password-change"
    case consoleLogin = "console-login", consoleLogout = "console-logout", consoleCSRF = "console-csrf", consoleStepUp = "console-step-up"
    case deviceEnrol = "device-enrol", deviceConfirm = "device-confirm", deviceRemove = "device-remove"
    // Administration (`rolecall issuer …` and the console's administrator pages).
    case issuerInit = "issuer-init", caRotate = "ca-rotate", caStage = "ca-stage", caPromote = "ca-promote"
    case userAdd = "user-add", userAddAdmin = "user-add-admin", userRemove = "user-remove"
    case userDisable = "user-disable", userEnable = "user-enable", userAdminOn = "user-admin-on", userAdminOff = "user-admin-off"
    case passwordReset = "password-reset", passwordResetNewDevice = "password-reset-new-device", lockoutLift = "lockout-lift"
    case roleAllow = "role-allow", roleRevoke = "role-revoke", roleTrustAnchor = "role-trust-anchor"
    case auditPrune = "audit-prune"

    /// The two sign-ins, whose refusals are counted per address rather than per user.
    var isLogin: Bool { self == .login || self == .consoleLogin }
}

extension AuditRecord {
    init(time: Date, event: AuditEvent, user: String?, roleArn: String? = nil, kind: String? = nil,
         clientAddress: String?, result: String, actor: String? = nil) {
        self.init(time: time, event: event.rawValue, user: user, roleArn: roleArn, kind: kind, clientAddress: clientAddress, result: result, actor: actor)
    }

    /// The event, when this replica knows it.
    var auditEvent: AuditEvent? { AuditEvent(rawValue: event) }
}
