import Crypto
import ExtrasBase64
import Foundation
import IssuanceCore
import IssuerProtocol
import IssuerStorage
import RolesAnywhere

/// The web console's decisions, independent of HTTP: signing in and out, the sessions every
/// replica shares, and what a user does to their own account (password, devices). Administrators'
/// actions go through `IssuerAdmin`, with the administrator as the audit rows' actor.
///
/// Every check the API makes applies here too, through the same `IssuerService`: rate limits,
/// lockout, the decoy hash, the replay guard, audit rows.
struct WebConsoleService: Sendable {
    static let cookieName = "__Host-rolecall-session"
    /// A console session ends after this long without a request.
    static let idleSeconds = 30 * 60
    /// After a reset (or a new account's first sign-in), how long the session may enrol a device
    /// without a code from another: the first one confirmed ends it too.
    static let enrolWithoutCodeSeconds: TimeInterval = 15 * 60
    /// Devices per user, confirmed or waiting.
    static let maximumDevices = 10

    let service: IssuerService

    var database: any IssuerDatabase { service.database }

    /// A signed-in request: the session, and the user as the database has them now.
    struct Visitor: Sendable {
        let user: UserRecord
        let session: WebConsoleSessionRecord
    }

    /// A new session's cookie value (shown to the browser only) and its row.
    struct SignedIn: Sendable, CustomStringConvertible {
        let cookie: String
        let session: WebConsoleSessionRecord
        let admin: Bool

        var description: String { "SignedIn(\(session.user), cookie: <redacted>)" }
    }

    // MARK: Signing in and out

    /// The API's login checks, with a code always required. A one-time password signs in to a
    /// session that may only choose a new password.
    func signIn(user name: String, password: String, code: String, client: String?) async throws -> SignedIn {
        let time = service.now()
        var audit = AuditRecord(time: time, event: .consoleLogin, user: IssuerService.printable(name), clientAddress: client, result: "ok")
        do {
            guard !code.isEmpty else {
                // Counted against the address's sign-in limit like any other attempt.
                guard await service.limiter.allow(SourceAddress(client).key, now: time) else { throw IssuerService.loginRateLimited }
                throw IssuanceRefusal(reason: .mfaRequired, message: "enter the code your authenticator app shows")
            }
            let user = try await service.authenticate(.init(user: name, password: password, totp: code), client: client, at: time,
                                                      pendingChangeAllowed: true)
            let cookie = Self.randomToken()
            let session = WebConsoleSessionRecord(
                idHash: Self.idHash(cookie), user: user.name, tokenGeneration: user.tokenGeneration, csrfToken: Self.randomToken(),
                passwordChangeOnly: user.passwordMustChange, enrolWithoutCode: user.passwordMustChange, createdAt: time,
                expiresAt: IssuerService.loginEnd(of: user, from: time), lastSeenAt: time)
            try await database.removeEndedWebConsoleSessions(at: time, idleSeconds: Self.idleSeconds)
            try await database.addWebConsoleSession(session)
            try await database.appendAudit(audit)
            try await database.recordLogin(user: user.name, at: time)
            service.metrics.loggedIn()
            return SignedIn(cookie: cookie, session: session, admin: user.admin)
        } catch {
            throw try await service.refusal(error, audit: &audit)
        }
    }

    /// The visitor a session cookie stands for, or nil: no cookie, an unknown or ended session, a
    /// user removed, disabled or reset since (the token generation moved on).
    func visitor(cookie: String?) async throws -> Visitor? {
        guard let cookie, Self.isWellFormedToken(cookie) else { return nil }
        let idHash = Self.idHash(cookie)
        guard let session = try await database.touchWebConsoleSession(idHash: idHash, at: service.now(), idleSeconds: Self.idleSeconds) else {
            return nil
        }
        guard let user = try await database.user(named: session.user), !user.disabled, user.tokenGeneration == session.tokenGeneration else {
            try await database.removeWebConsoleSession(idHash: idHash)
            return nil
        }
        return Visitor(user: user, session: session)
    }

    func signOut(_ visitor: Visitor) async throws {
        try await database.removeWebConsoleSession(idHash: visitor.session.idHash)
        try await database.appendAudit(AuditRecord(time: service.now(), event: .consoleLogout, user: visitor.user.name, clientAddress: nil,
                                                   result: "ok", actor: visitor.user.name))
    }

    /// A state-changing request refused for its CSRF token or origin, audited.
    /// Coalesced per address, result and minute: forged forms need no session and come as fast as
    /// a client sends them.
    func refuseForgery(_ result: String, visitor: Visitor?, client: String?) async {
        let audit = AuditRecord(time: service.now(), event: .consoleCSRF, user: visitor?.user.name, clientAddress: client, result: result)
        try? await service.appendCoalesced(audit, key: "console-csrf \(result) \(SourceAddress(client)) \(visitor?.user.name ?? "")")
        service.metrics.refused(reason: result)
    }

    // MARK: The user's own account

    /// After a one-time password, only the new password (twice); otherwise the current password
    /// and a code too, as the API asks. The change ends every session of the user, this one too:
    /// it goes on under the cookie that comes back.
    func changePassword(_ visitor: Visitor, current: String?, new: String, again: String, code: String?, client: String?) async throws -> String {
        guard new == again else {
            throw IssuanceRefusal(reason: .badRequest, message: "the two new passwords differ: type the same one twice")
        }
        let time = service.now()
        var audit = AuditRecord(time: time, event: .passwordChange, user: visitor.user.name, clientAddress: client, result: "ok")
        do {
            let changed: UserRecord
            if visitor.session.passwordChangeOnly {
                changed = try await replaceOneTimePassword(visitor, with: new, at: time, client: client)
            } else {
                guard let current, !current.isEmpty, let code, !code.isEmpty else {
                    throw IssuanceRefusal(reason: .badRequest, message: "enter your current password and a code from your authenticator app")
                }
                // The API's checks; they audit the change themselves.
                changed = try await service.authenticate(.init(user: visitor.user.name, password: current, totp: code, newPassword: new),
                                                         client: client, at: time, pendingChangeAllowed: false)
            }
            return try await renew(visitor.session, for: changed)
        } catch {
            throw try await service.refusal(error, audit: &audit)
        }
    }

    /// Only over the one-time password: a password changed elsewhere (by `rolecall login`, say)
    /// ended this session already (the token generation moved on), or, changed just now, makes the
    /// replacement fail; this session must not set another without the password.
    private func replaceOneTimePassword(_ visitor: Visitor, with new: String, at time: Date, client: String?) async throws -> UserRecord {
        if let problem = IssuerAPI.newPasswordProblem(new) { throw IssuanceRefusal(reason: .badRequest, message: problem) }
        guard try await !service.hasher.verify(new, hash: visitor.user.passwordHash) else {
            throw IssuanceRefusal(reason: .badRequest, message: "the new password must differ from the one-time password")
        }
        return try await service.userLocks.lock(for: visitor.user.name).withLock {
            try await service.replacePassword(of: visitor.user, with: new, at: time, client: client)
        }
    }

    /// The session that changed the password, under a new cookie (its CSRF token stays) at the user's
    /// new token generation; its old cookie ends with the user's other sessions.
    private func renew(_ session: WebConsoleSessionRecord, for user: UserRecord) async throws -> String {
        let cookie = Self.randomToken()
        var renewed = session
        renewed.idHash = Self.idHash(cookie)
        renewed.tokenGeneration = user.tokenGeneration
        renewed.passwordChangeOnly = false
        try await database.addWebConsoleSession(renewed)
        try await database.removeWebConsoleSession(idHash: session.idHash)
        return cookie
    }

    /// Whether this session may enrol a device without a code from another one.
    func mayEnrolWithoutCode(_ visitor: Visitor) -> Bool {
        visitor.session.enrolWithoutCode && service.now().timeIntervalSince(visitor.session.createdAt) < Self.enrolWithoutCodeSeconds
    }

    /// A new, unconfirmed device, and its URI to show once. It needs a code from a device already
    /// enrolled, except shortly after an administrator's reset (or a new account's first sign-in).
    /// An enrolment waiting for its code is replaced: one at a time.
    func beginEnrolment(_ visitor: Visitor, device name: String, code: String?, client: String?) async throws -> SecretBytes {
        let time = service.now()
        var audit = AuditRecord(time: time, event: .deviceEnrol, user: visitor.user.name, clientAddress: client, result: "ok", actor: visitor.user.name)
        do {
            guard UserName.isValid(name), name != TOTPDevice.initialName else {
                throw IssuanceRefusal(reason: .badRequest, message: "name the device with \(UserName.rule), for example phone-2")
            }
            if !mayEnrolWithoutCode(visitor) {
                try await checkCodeUnderLock(try Self.required(code, "a code from a device you have already enrolled"), of: visitor.user, devices: nil,
                                             at: time, client: client)
            }
            let existing = try await database.devices(user: visitor.user.name)
            guard !existing.contains(where: { $0.name == name && $0.confirmed }) else {
                throw IssuanceRefusal(reason: .badRequest, message: "you have a device named \(name) already: choose another name")
            }
            guard existing.filter(\.confirmed).count < Self.maximumDevices else {
                throw IssuanceRefusal(reason: .badRequest, message: "you have \(Self.maximumDevices) devices: remove one first")
            }
            for waiting in existing where !waiting.confirmed {
                _ = try await database.removeDevice(user: visitor.user.name, name: waiting.name)
            }
            var generator = SystemRandomNumberGenerator()
            let seed = TOTPSecret.generate(using: &generator)
            defer { seed.wipe() }
            try await database.addDevice(TOTPDevice(user: visitor.user.name, name: name, sealedSeed: try service.vault.sealSeed(seed, user: visitor.user.name),
                                                    confirmed: false, createdAt: time))
            audit.kind = name
            try await database.appendAudit(audit)
            return IssuerAdmin.otpauthURI(user: visitor.user.name, seed: seed)
        } catch {
            throw try await service.refusal(error, audit: &audit)
        }
    }

    /// The device counts once a code from it is accepted.
    func confirmEnrolment(_ visitor: Visitor, device name: String, code: String, client: String?) async throws {
        let time = service.now()
        var audit = AuditRecord(time: time, event: .deviceConfirm, user: visitor.user.name, kind: IssuerService.printable(name),
                                clientAddress: client, result: "ok", actor: visitor.user.name)
        do {
            guard let pending = try await database.devices(user: visitor.user.name).first(where: { $0.name == name && !$0.confirmed }) else {
                throw IssuanceRefusal(reason: .badRequest, message: "no enrolment of a device named \(IssuerService.printable(name)) is waiting: enrol it again")
            }
            try await checkCodeUnderLock(code, of: visitor.user, devices: [pending], at: time, client: client)
            // The seed whose code was checked: an enrolment started again meanwhile has another.
            guard try await database.confirmDevice(user: visitor.user.name, name: name, sealedSeed: pending.sealedSeed) else {
                throw IssuanceRefusal(reason: .badRequest, message: "the enrolment of \(name) was started again meanwhile: scan the newest QR code")
            }
            if visitor.session.enrolWithoutCode {
                try await database.updateWebConsoleSession(idHash: visitor.session.idHash, passwordChangeOnly: visitor.session.passwordChangeOnly,
                                                        enrolWithoutCode: false)
            }
            try await database.appendAudit(audit)
        } catch {
            throw try await service.refusal(error, audit: &audit)
        }
    }

    /// Any device but the last confirmed one, with a code from a confirmed device: a session left
    /// open must not be enough to take the user's MFA away.
    func removeDevice(_ visitor: Visitor, device name: String, code: String?, client: String?) async throws {
        let time = service.now()
        var audit = AuditRecord(time: time, event: .deviceRemove, user: visitor.user.name, kind: IssuerService.printable(name),
                                clientAddress: client, result: "ok", actor: visitor.user.name)
        do {
            let waiting = try await database.devices(user: visitor.user.name).contains { $0.name == name && !$0.confirmed }
            if !waiting {
                try await checkCodeUnderLock(try Self.required(code, "a code from one of your devices"), of: visitor.user, devices: nil, at: time, client: client)
            }
            guard try await database.removeDevice(user: visitor.user.name, name: name) else {
                throw IssuanceRefusal(reason: .badRequest, message: "\(IssuerService.printable(name)) is your last device (or not yours): enrol another one before removing it")
            }
            try await database.appendAudit(audit)
        } catch {
            throw try await service.refusal(error, audit: &audit)
        }
    }

    /// A code from one of the visitor's own devices, before an action that hands over an account.
    func stepUp(_ visitor: Visitor, code: String?, client: String?) async throws {
        let time = service.now()
        var audit = AuditRecord(time: time, event: .consoleStepUp, user: visitor.user.name, clientAddress: client, result: "ok", actor: visitor.user.name)
        do {
            try await checkCodeUnderLock(try Self.required(code, "a code from your own authenticator app"), of: visitor.user, devices: nil,
                                         at: time, client: client)
        } catch {
            throw try await service.refusal(error, audit: &audit)
        }
    }

    /// `IssuerAdmin` acting for the administrator signed in; its audit rows name them.
    func admin(_ visitor: Visitor) -> IssuerAdmin {
        IssuerAdmin(vault: service.vault, hasher: service.hasher, actor: visitor.user.name, now: service.now)
    }

    private func checkCodeUnderLock(_ code: String, of user: UserRecord, devices: [TOTPDevice]?, at time: Date, client: String?) async throws {
        try await service.userLocks.lock(for: user.name).withLock {
            try await service.refuseIfLocked(user.name, at: time)
            if let devices {
                try await service.checkCode(code, devices: devices, of: user.name, at: time, client: client)
            } else {
                try await service.checkCode(code, of: user, at: time, client: client)
            }
            try await database.resetFailures(user: user.name)
        }
    }

    /// `value`, unless it is missing or empty: then a refusal asking for `what`.
    static func required(_ value: String?, _ what: String) throws -> String {
        guard let value, !value.isEmpty else { throw IssuanceRefusal(reason: .mfaRequired, message: "enter \(what)") }
        return value
    }

    // MARK: Tokens

    /// 256 random bits, base64url: session cookies and CSRF tokens.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Base64.encodeToString(bytes: bytes, options: [.base64UrlAlphabet, .omitPaddingCharacter])
    }

    static func isWellFormedToken(_ token: String) -> Bool {
        token.utf8.count == 43 && token.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == 0x2D || $0 == 0x5F }
    }

    static func idHash(_ cookie: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(cookie.utf8)))
    }

    /// Constant time (`SecretBytes`' comparison), for the CSRF token.
    static func tokensMatch(_ given: String?, _ expected: String) -> Bool {
        guard let given else { return false }
        return SecretBytes(Array(given.utf8)) == SecretBytes(Array(expected.utf8))
    }
}
