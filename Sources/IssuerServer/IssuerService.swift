import Foundation
import IssuanceCore
import IssuerProtocol
import IssuerStorage
import Logging
import RolesAnywhere
import X509

/// The team issuer's decisions, independent of HTTP: every login and certificate request that
/// parses is decided here and audited (a body that does not parse is only counted in the metrics).
///
/// Every rule that must hold across replicas lives in the database (replay guard, failure counts,
/// lockout); this type holds no state of its own beyond the per-replica rate limiter.
public struct IssuerService: Sendable {
    public struct Options: Sendable {
        /// bcrypt cost of the decoy hash checked for unknown users: the cost `issuer user add`
        /// hashes passwords with, so both answers take as long (tests use a low one).
        public var bcryptCost: UInt8 = PasswordHasher.defaultCost
        /// Logins per source address (`SourceAddress`) per minute, per replica.
        public var loginAttemptsPerMinute = 30
        /// Certificate requests without a valid login token per source address per minute, per
        /// replica; beyond it they are refused `rate-limited`.
        public var unauthenticatedRequestsPerMinute = 60
        /// bcrypt checks running at once (NIO's blocking-work threads are as many as the cores) and
        /// waiting behind them, per replica; beyond that a sign-in is refused `rate-limited` at once.
        public var bcryptConcurrency = ProcessInfo.processInfo.activeProcessorCount
        public var bcryptQueue = 4 * ProcessInfo.processInfo.activeProcessorCount
        /// Certificates per user per minute, per replica; nil for no limit (the load test).
        public var certificatesPerUserPerMinute: Int? = 120

        public init() {}
    }

    /// Certificates are refused when the login session has less left than one AWS session can be.
    static let shortestUsefulLogin = SessionDurationPolicy.minimumSeconds

    let database: any IssuerDatabase
    let vault: IssuerVault
    let metrics: IssuerMetrics
    let limiter: RateLimiter
    let certificateLimiter: RateLimiter?
    /// Certificate requests refused before authentication, per source address.
    private let unauthenticatedLimiter: RateLimiter
    let userLocks = UserLocks()
    let refusalRows = RefusalRows()
    let hasher: PasswordHasher
    /// Checked against when the user does not exist, so that answering takes as long either way.
    let decoyHash: String
    let logger: Logger
    let now: @Sendable () -> Date

    /// `tokens`: the HSM holding the CA's key, when it is on one; it is opened (and logged in) here.
    public static func make(database: any IssuerDatabase, key: IssuerKey, tokens: IssuerTokens? = nil, metrics: IssuerMetrics = IssuerMetrics(),
                            options: Options = Options(), logger: Logger = Logger(label: "rolecall.issuer"),
                            now: @escaping @Sendable () -> Date = Date.init) async throws -> IssuerService {
        let hasher = PasswordHasher(cost: options.bcryptCost, budget: BcryptBudget(running: options.bcryptConcurrency, waiting: options.bcryptQueue))
        // A replica given another issuer key (or an uninitialised database, or no way to the
        // CA's HSM) stops here, rather than starting healthy and answering every request `unavailable`.
        let vault = IssuerVault(database: database, key: key, tokens: tokens)
        _ = try await vault.tokenSigner()
        _ = try await vault.currentAuthority()
        return IssuerService(
            database: database, vault: vault, metrics: metrics,
            limiter: RateLimiter(limit: options.loginAttemptsPerMinute),
            certificateLimiter: options.certificatesPerUserPerMinute.map { RateLimiter(limit: $0) },
            unauthenticatedLimiter: RateLimiter(limit: options.unauthenticatedRequestsPerMinute), hasher: hasher,
            decoyHash: try await hasher.hash(IssuerKey.generateText()), logger: logger, now: now
        )
    }

    // MARK: Login

    public func login(_ request: IssuerAPI.LoginRequest, client: String?) async throws -> IssuerAPI.LoginResponse {
        let time = now()
        var audit = AuditRecord(time: time, event: .login, user: Self.printable(request.user), clientAddress: client, result: "ok")
        do {
            let user = try await authenticate(request, client: client, at: time, pendingChangeAllowed: false)
            let expiresAt = Self.loginEnd(of: user, from: time)
            let token = try await vault.tokenSigner().token(for: .init(
                user: user.name, userCreated: LoginTokenSigner.Claims.accountStamp(user.createdAt), generation: user.tokenGeneration,
                issuedAt: time, expiresAt: expiresAt, mfa: request.totp != nil, id: UUID().uuidString
            ))
            let roles = try await database.grants(user: user.name).map {
                IssuerAPI.Role(roleArn: $0.roleArn, profileArn: $0.profileArn, trustAnchorArn: $0.trustAnchorArn,
                               region: $0.region, maxDurationSeconds: $0.maxDurationSeconds, mfa: $0.requirement)
            }
            try await database.appendAudit(audit)
            try await database.recordLogin(user: user.name, at: time)
            metrics.loggedIn()
            return IssuerAPI.LoginResponse(token: token, user: user.name, expiresAt: expiresAt, mfa: request.totp != nil, roles: roles)
        } catch {
            throw try await refusal(error, audit: &audit)
        }
    }

    /// The checks of every login, by the API or the console: rate limit, lockout, password (or the
    /// decoy hash for an unknown user), disabled, one-time password, TOTP code, and a new password
    /// when one comes. `pendingChangeAllowed`: a one-time password passes without a new one (the
    /// console asks for it on the next page); the caller must then allow nothing else.
    func authenticate(_ request: IssuerAPI.LoginRequest, client: String?, at time: Date, pendingChangeAllowed: Bool) async throws -> UserRecord {
        guard await limiter.allow(SourceAddress(client).key, now: time) else { throw Self.loginRateLimited }
        let wrongCredentials = "wrong user name or password"
        // A name no user can have never reaches the database (PostgreSQL refuses some bytes).
        guard (try? IssuerAdmin.validate(userName: request.user)) != nil, let user = try await database.user(named: request.user) else {
            _ = try await hasher.verify(request.password, hash: decoyHash)
            throw IssuanceRefusal(reason: .unknownUser, message: wrongCredentials)
        }
        // The user as they are after a new password: what the caller's token or session is for.
        return try await userLocks.lock(for: user.name).withLock {
            try await refuseIfLocked(user.name, at: time)
            guard try await hasher.verify(request.password, hash: user.passwordHash) else {
                try await countFailure(user.name, at: time, client: client)
                throw IssuanceRefusal(reason: .wrongPassword, message: wrongCredentials)
            }
            guard !user.disabled else {
                throw IssuanceRefusal.disabled(user.name)
            }
            // Before the code is checked, so that the same code can come with the new password.
            try Self.checkPasswordChange(request, mustChange: user.passwordMustChange && !pendingChangeAllowed)
            if let code = request.totp {
                try await checkCode(code, of: user, at: time, client: client)
                // Only a TOTP success clears the count: a password alone must not wipe out
                // failed code guesses, or anyone with the password could guess codes without end.
                try await database.resetFailures(user: user.name)
            }
            guard let newPassword = request.newPassword else { return user }
            return try await replacePassword(of: user, with: newPassword, at: time, client: client)
        }
    }

    /// Only over the password just checked: a reset or another change meanwhile wins. Every login
    /// token and console session of the user ends with it (the token generation moves on); the
    /// user as they are now comes back, for the changing session's new token or cookie.
    func replacePassword(of user: UserRecord, with newPassword: String, at time: Date, client: String?) async throws -> UserRecord {
        var changed = user
        changed.passwordHash = try await hasher.hash(newPassword)
        changed.passwordMustChange = false
        guard let generation = try await database.setPassword(user: user.name, hash: changed.passwordHash, mustChange: false,
                                                              replacing: user.passwordHash)
        else {
            throw IssuanceRefusal(reason: .wrongPassword, message: "the password was changed or reset meanwhile: sign in again")
        }
        changed.tokenGeneration = generation
        try await database.appendAudit(AuditRecord(time: time, event: .passwordChange, user: user.name, clientAddress: client, result: "ok"))
        return changed
    }

    static let loginRateLimited = IssuanceRefusal(reason: .rateLimited, message: "too many login attempts from this address: wait a minute")

    /// A login session lasts the user's login-session length, to the whole second.
    static func loginEnd(of user: UserRecord, from time: Date) -> Date {
        Date(timeIntervalSince1970: (time.timeIntervalSince1970 + Double(user.loginSessionSeconds)).rounded(.down))
    }

    // MARK: Certificates

    public func issue(_ request: IssuerAPI.CertificateRequest, token: String?, client: String?) async throws -> IssuerAPI.CertificateResponse {
        let time = now()
        var audit = AuditRecord(time: time, event: .certificate, user: nil, roleArn: Self.printable(request.roleArn),
                                kind: Self.printable(request.kind.rawValue), clientAddress: client, result: "ok")
        do {
            let holder = try await holder(of: token, at: time, audit: &audit)
            try await allowCertificate(for: holder, at: time)
            let checked = try check(request, for: holder, grants: try await database.grants(user: holder.user.name), at: time)
            try await checkPerSessionCode(request.totp, for: checked, of: holder.user, at: time, client: client)
            return try await sign(checked, for: holder, at: time, audit: &audit)
        } catch {
            throw try await refusal(error, audit: &audit)
        }
    }

    /// A per-session grant needs a code with every certificate; and a per-session kind says "a person
    /// passed a per-session check", so it needs one whatever the grant: an `off` grant must not mint
    /// a marker that opens a per-session role (docs/issuer-api.md, "Binding certificates to roles").
    func checkPerSessionCode(_ code: String?, for checked: CheckedCertificate, of user: UserRecord, at time: Date, client: String?) async throws {
        guard checked.needsCode else { return }
        guard let code else {
            throw checked.requirement == .perSession
                ? IssuanceRefusal(reason: .mfaRequired, message: "\(checked.grant.roleArn) needs an MFA code with every certificate")
                : IssuanceRefusal(reason: .mfaRequired, message: "a \(checked.kind.name) certificate needs an MFA code with the request: send one, or ask for a standard certificate")
        }
        try await userLocks.lock(for: user.name).withLock {
            try await refuseIfLocked(user.name, at: time)
            try await checkCode(code, of: user, at: time, client: client)
            try await database.resetFailures(user: user.name)
        }
    }

    /// Lifetimes as in local mode, and never beyond the login session: single-use 60 s;
    /// in-memory bounded by the MFA interval asked for (at most 12 h) and by the role's limit
    /// (but never below what one 15-minute AWS session needs); standard by the session asked for
    /// and the role's limit.
    static func bound(_ kind: CertificateKind, loginSecondsLeft: Int, roleMaxSeconds: Int) -> CertificateKind {
        let login = TimeInterval(loginSecondsLeft)
        switch kind {
        case .singleUse:
            return .singleUse
        case .inMemory(let interval, _):
            let roleBound = TimeInterval(max(roleMaxSeconds, SessionDurationPolicy.minimumSeconds + 60))
            return .inMemory(verificationInterval: min(interval, roleBound), holderLifetime: login)
        case .standard(let duration):
            return .standard(sessionDuration: min(duration, TimeInterval(roleMaxSeconds), login))
        }
    }

    static func verifiedKey(csrPEM: String, kind: CertificateKind, roleArn: String) throws -> Certificate.PublicKey {
        guard csrPEM.utf8.count < 16_384, let csr = try? CertificateSigningRequest(pemEncoded: csrPEM) else {
            throw IssuanceRefusal(reason: .badCSR, message: "the certificate signing request does not parse (PKCS#10 PEM expected)")
        }
        return try IssuanceRequest(csr: csr, kind: kind, roleArn: roleArn, mfaProof: nil).verifiedPublicKey()
    }

    /// A one-time password must be replaced, and a new password needs the TOTP check too: the
    /// password alone (perhaps read off the administrator's screen) must not set one.
    static func checkPasswordChange(_ request: IssuerAPI.LoginRequest, mustChange: Bool) throws {
        guard let newPassword = request.newPassword else {
            if mustChange {
                throw IssuanceRefusal(reason: .passwordChangeRequired, message: "this one-time password from the administrator works once: choose a new one (`rolecall login` asks for it)")
            }
            return
        }
        guard request.totp != nil else {
            throw IssuanceRefusal(reason: .mfaRequired, message: "changing the password needs an MFA code too")
        }
        if let problem = IssuerAPI.newPasswordProblem(newPassword) {
            throw IssuanceRefusal(reason: .badRequest, message: problem)
        }
        guard newPassword != request.password else {
            throw IssuanceRefusal(reason: .badRequest, message: "the new password must differ from the one it replaces")
        }
    }

    // MARK: MFA, lockout

    func refuseIfLocked(_ user: String, at time: Date) async throws {
        if let until = try await database.lockout(user: user).lockedUntil, until > time {
            // Passwords count as well as codes: a password guesser is locked out too.
            throw IssuanceRefusal(reason: .locked, message: TOTPLockout.message(user, after: "failed attempts", until: until, now: time))
        }
    }

    /// A TOTP code from one of `user`'s confirmed devices, accepted at most once across every
    /// replica. Returns the device it came from.
    @discardableResult
    func checkCode(_ code: String, of user: UserRecord, at time: Date, client: String?) async throws -> String {
        var devices = try await database.devices(user: user.name).filter(\.confirmed)
        if devices.isEmpty {
            // A user added by a replica of schema version 4 during an upgrade has only the seed in `users`.
            devices = [TOTPDevice(user: user.name, name: TOTPDevice.initialName, sealedSeed: user.sealedTOTPSeed, confirmed: true, createdAt: user.createdAt)]
        }
        return try await checkCode(code, devices: devices, of: user.name, at: time, client: client)
    }

    /// The code against each of `devices` in turn; a wrong code counts as one failure.
    @discardableResult
    func checkCode(_ code: String, devices: [TOTPDevice], of user: String, at time: Date, client: String?) async throws -> String {
        let matched = TOTP.isWellFormed(code) ? try devices.lazy.compactMap { device -> (device: String, step: Int64)? in
            let seed = try vault.openSeed(device.sealedSeed, user: user)
            defer { seed.wipe() }
            return TOTP.matchingStep(code: code, secret: seed, at: time).map { (device.name, $0) }
        }.first : nil
        guard case let (device, step)? = matched else {
            let left = TOTPLockout.failuresBeforeLockout - (try await countFailure(user, at: time, client: client))
            throw IssuanceRefusal(reason: .wrongCode, message: TOTPRefusalText.wrongCode(attemptsLeft: left), attemptsLeft: max(left, 0))
        }
        guard try await database.acceptTOTPStep(user: user, device: device, step: step, at: time) else {
            throw IssuanceRefusal(reason: .replayedCode, message: TOTPRefusalText.replayed)
        }
        return device
    }

    /// One more failure in the database; the failure that locks the user is audited as a lockout.
    /// Returns the user's consecutive failures.
    @discardableResult
    func countFailure(_ user: String, at time: Date, client: String?) async throws -> Int {
        let state = try await database.recordFailure(user: user, at: time, lockout: { TOTPLockout.duration(afterFailures: $0) })
        if state.failures >= TOTPLockout.failuresBeforeLockout {
            try await database.appendAudit(AuditRecord(time: time, event: .lockout, user: user, clientAddress: client, result: "locked"))
        }
        return state.failures
    }

    /// Audits the refusal and turns it into what the client is told.
    func refusal(_ error: any Error, audit: inout AuditRecord) async throws -> IssuanceRefusal {
        var refusal = error as? IssuanceRefusal ?? {
            logger.error("request failed", metadata: ["error": "\(printableExcerpt(String(describing: error), limit: 300))"])
            return IssuanceRefusal(reason: .unavailable, message: "the issuer could not answer: try again, or another issuer URL")
        }()
        if RefusalRows.isUnauthenticated(audit), !(await unauthenticatedLimiter.allow(SourceAddress(audit.clientAddress).key, now: audit.time)) {
            refusal = IssuanceRefusal(reason: .rateLimited, message: "too many requests without a valid login token from this address: wait a minute")
        }
        audit = RefusalRows.bounded(audit)
        audit.result = refusal.reason.rawValue
        do {
            if let key = RefusalRows.key(for: audit) {
                try await appendCoalesced(audit, key: key)
            } else {
                try await database.appendAudit(audit)
            }
        } catch {
            logger.error("audit row not written", metadata: ["event": "\(audit.event)", "result": "\(audit.result)"])
        }
        // The audit row tells an unknown user from a wrong password; the answer and the public
        // metrics must not.
        let answer = refusal.reason == .unknownUser && audit.auditEvent?.isLogin == true
            ? IssuanceRefusal(reason: .wrongPassword, message: refusal.message) : refusal
        metrics.refused(reason: answer.reason.rawValue)
        return answer
    }

    /// One row per key and minute, the repeats counted on it: for refusals that come as fast as a
    /// client can send them (rate limits, requests without a valid token, forged console forms).
    func appendCoalesced(_ audit: AuditRecord, key: String) async throws {
        if let row = await refusalRows.row(for: key, now: audit.time) {
            try await database.countAgain(auditRow: row)
        } else {
            await refusalRows.remember(try await database.appendAudit(audit), for: key, now: audit.time)
        }
    }

    /// Names from requests are shown to administrators: bounded and printable.
    static func printable(_ text: String) -> String { printableExcerpt(text, limit: 200) }
}
