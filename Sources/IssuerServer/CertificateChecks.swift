import Foundation
import IssuanceCore
import IssuerProtocol
import IssuerStorage
import RolesAnywhere
import X509

/// Who a login token speaks for, once every check of the token passed.
struct TokenHolder: Sendable {
    let user: UserRecord
    let claims: LoginTokenSigner.Claims
}

/// A certificate request that passed every check before the code: what to sign, and why.
struct CheckedCertificate: Sendable {
    let grant: RoleGrant
    let requirement: MFARequirement
    let kind: CertificateKind
    let publicKey: Certificate.PublicKey
    /// Seconds left of the login session, at least one AWS session.
    let loginSecondsLeft: Int

    /// A per-session grant, or a per-session kind whatever the grant: the one home of that rule
    /// (`checkPerSessionCode`).
    var needsCode: Bool { requirement == .perSession || kind.requiresMFA }
}

/// The checks of `/v1/certificates` and `/v1/certificates/batch`, in the order docs/issuer-api.md
/// lists them, each step named.
extension IssuerService {
    /// The token verifies; its user still exists (the same account), is not disabled, and the
    /// session was not ended since (disable, reset, password change).
    func holder(of token: String?, at time: Date, audit: inout AuditRecord) async throws -> TokenHolder {
        guard let token else {
            throw IssuanceRefusal(reason: .unauthenticated, message: "no login token: run `rolecall login`")
        }
        let claims = try await vault.tokenSigner().verify(token, now: time)
        audit.user = claims.user
        // A user removed and added again under the same name is another account.
        guard let user = try await database.user(named: claims.user),
              LoginTokenSigner.Claims.accountStamp(user.createdAt) == claims.userCreated
        else {
            throw IssuanceRefusal(reason: .unknownUser, message: "user \(claims.user) no longer exists: run `rolecall login` again")
        }
        guard !user.disabled else {
            throw IssuanceRefusal.disabled(user.name)
        }
        // Disabling, a reset or a password change ends every session for good: enabling again revives no old token.
        guard claims.generation == user.tokenGeneration else {
            throw IssuanceRefusal(reason: .tokenInvalid, message: "this login session has ended (a password change, or the issuer's administrator ended it): run `rolecall login` again")
        }
        return TokenHolder(user: user, claims: claims)
    }

    /// Per authenticated user: a token for a role without per-session MFA must not mint
    /// certificates without end.
    func allowCertificate(for holder: TokenHolder, at time: Date) async throws {
        if let certificateLimiter, !(await certificateLimiter.allow(holder.user.name, now: time)) {
            throw IssuanceRefusal(reason: .rateLimited, message: "too many certificates for \(holder.user.name) in the last minute: wait a minute")
        }
    }

    /// The grant, the kind, the login and the CSR of one request; the code is checked apart.
    func check(_ request: IssuerAPI.CertificateRequest, for holder: TokenHolder, grants: [RoleGrant], at time: Date) throws -> CheckedCertificate {
        let user = holder.user.name
        guard let grant = grants.first(where: { $0.roleArn == request.roleArn }) else {
            throw IssuanceRefusal(reason: .roleNotAllowed, message: "\(user) may not use \(Self.printable(request.roleArn)): ask the issuer's administrator (`rolecall issuer role allow`)")
        }
        guard let requirement = grant.requirement.known else {
            throw IssuanceRefusal(reason: .roleNotAllowed, message: "\(grant.roleArn) asks for MFA \"\(Self.printable(grant.mfa))\", which this issuer replica does not know: upgrade it")
        }
        guard let kindName = request.kind.known else {
            throw IssuanceRefusal(reason: .badRequest, message: "unknown certificate kind \(Self.printable(request.kind.rawValue)): use single-use, in-memory or standard")
        }
        let kind = CertificateKind(kindName, lifetimeSeconds: request.lifetimeSeconds, sessionSeconds: request.sessionSeconds)
        guard request.lifetimeSeconds.map({ $0 > 0 }) ?? true, request.sessionSeconds.map({ $0 > 0 }) ?? true else {
            throw IssuanceRefusal(reason: .badRequest, message: "lifetimeSeconds and sessionSeconds must be positive")
        }
        guard requirement.allows(kind.kindName) else {
            throw IssuanceRefusal(reason: .kindNotAllowed, message: "\(grant.roleArn) needs per-session MFA: a \(kind.name) certificate is not allowed for it (use `rolecall exec` or `rolecall env`)")
        }
        if requirement == .login && !holder.claims.mfa {
            throw IssuanceRefusal(reason: .mfaRequired, message: "\(grant.roleArn) needs a login with an MFA code: run `rolecall login` again")
        }
        let loginLeft = Int(holder.claims.expiresAt.timeIntervalSince(time).rounded(.down))
        guard loginLeft >= Self.shortestUsefulLogin else {
            throw IssuanceRefusal(reason: .loginTooShort, message: "the login session has \(loginLeft) s left, less than one AWS session (15m): run `rolecall login` again")
        }
        let publicKey = try Self.verifiedKey(csrPEM: request.csr, kind: kind, roleArn: grant.roleArn)
        return CheckedCertificate(grant: grant, requirement: requirement, kind: kind, publicKey: publicKey, loginSecondsLeft: loginLeft)
    }

    /// Signs with the current CA and writes the certificate's audit row; no row, no certificate.
    func sign(_ checked: CheckedCertificate, for holder: TokenHolder, at time: Date, audit: inout AuditRecord) async throws -> IssuerAPI.CertificateResponse {
        let bounded = Self.bound(checked.kind, loginSecondsLeft: checked.loginSecondsLeft, roleMaxSeconds: checked.grant.maxDurationSeconds)
        // L and OU name the role's account and name, so each role's trust policy can admit only
        // its own certificates (docs/issuer-api.md, "Binding certificates to roles").
        let role = try? ARN(checked.grant.roleArn, kind: .role)
        let leaf = try await vault.currentAuthority().issueLeaf(for: checked.publicKey, user: holder.user.name, account: role?.account,
                                                                role: role?.shortName, kind: bounded, now: time)
        audit.serial = Array(leaf.serialNumber.bytes).hexString
        audit.notAfter = leaf.notValidAfter
        try await database.appendAudit(audit)
        metrics.issued(kind: checked.kind.name)
        return IssuerAPI.CertificateResponse(
            certificateChain: [try leaf.serializeAsPEM().pemString],
            loginSecondsLeft: checked.loginSecondsLeft, roleMaxDurationSeconds: checked.grant.maxDurationSeconds
        )
    }
}

extension IssuanceRefusal {
    /// A disabled user, at sign-in or with a token from before.
    static func disabled(_ user: String) -> IssuanceRefusal {
        IssuanceRefusal(reason: .userDisabled, message: "user \(user) is disabled: ask the issuer's administrator")
    }
}
