import Foundation
import IssuerProtocol
import IssuerStorage
import RolesAnywhere

/// Refusals that anyone can cause as fast as they can send requests (rate limits, certificate
/// requests without a valid login token) write at most one audit row per key and minute: the first
/// refusal writes it, the ones after it in that minute add to its count. A client hammering the
/// issuer cannot flood the audit log (and the disk under it), and no refusal goes uncounted. Per
/// replica.
actor RefusalRows {
    /// What a refusal row before authentication keeps of each field the client chose (user, role
    /// ARN, kind): a valid user name fits, a client cannot make rows large.
    static let unauthenticatedFieldLimit = 64

    private let window: TimeInterval
    private var rows: [String: (id: Int64, since: Date)] = [:]

    init(window: TimeInterval = 60) {
        self.window = window
    }

    /// The row to count `key`'s refusal on, if one was written within the window.
    func row(for key: String, now: Date) -> Int64? {
        guard let row = rows[key], now.timeIntervalSince(row.since) < window else { return nil }
        return row.id
    }

    func remember(_ id: Int64, for key: String, now: Date) {
        rows[key] = (id, now)
        // Forget old keys now and then, so the table stays small.
        if rows.count > 10_000 { rows = rows.filter { now.timeIntervalSince($0.value.since) < window } }
    }

    /// A certificate request whose login token was missing or not accepted: nobody is signed in.
    static func isUnauthenticated(_ audit: AuditRecord) -> Bool {
        audit.auditEvent == .certificate && audit.user == nil
    }

    /// The key `audit` (a refusal) is coalesced by, or nil when it gets a row of its own: a rate
    /// limit is keyed as its limiter is (sign-ins and unauthenticated requests by source address,
    /// certificates by user), a request without a valid token by source address.
    static func key(for audit: AuditRecord) -> String? {
        let source = SourceAddress(audit.clientAddress).key
        if audit.result == IssuanceRefusal.Reason.rateLimited.rawValue {
            let byAddress = audit.auditEvent?.isLogin == true || audit.user == nil
            return "\(audit.event) \(audit.result) \(byAddress ? source : audit.user ?? "")"
        }
        return isUnauthenticated(audit) ? "\(audit.event) \(audit.result) \(source)" : nil
    }

    /// `audit` with what a client chose freely cut short, when nobody has signed in yet (a sign-in
    /// attempt, a certificate request without a valid token).
    static func bounded(_ audit: AuditRecord) -> AuditRecord {
        guard audit.auditEvent?.isLogin == true || isUnauthenticated(audit) else { return audit }
        var bounded = audit
        let cut = { (text: String?) in text.map { printableExcerpt($0, limit: unauthenticatedFieldLimit) } }
        (bounded.user, bounded.roleArn, bounded.kind) = (cut(audit.user), cut(audit.roleArn), cut(audit.kind))
        return bounded
    }
}
