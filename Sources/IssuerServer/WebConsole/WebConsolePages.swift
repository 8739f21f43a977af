import Foundation
import HTTPTypes
import Hummingbird
import IssuanceCore
import IssuerProtocol
import IssuerStorage
import NIOCore
import RolesAnywhere

/// What each console page shows and each form does, on top of `WebConsoleService`.
struct WebConsolePages: Sendable {
    let console: WebConsoleService

    var database: any IssuerDatabase { console.database }

    // MARK: Access

    /// Who is signed in, or the answer for a visitor who may not see the page: a redirect to sign in
    /// (no live session), to the password page (a session signed in with a one-time password, unless
    /// `pendingPasswordAllowed`), or 403 (an administrator page, to anyone else). `WebConsoleGuard`
    /// asks it for every page behind it.
    func admit(_ request: Request, admin: Bool, pendingPasswordAllowed: Bool) async -> Result<WebConsoleService.Visitor, WebConsoleRefusal> {
        let visitor: WebConsoleService.Visitor?
        do {
            visitor = try await console.visitor(cookie: request.cookies[WebConsoleService.cookieName]?.value)
        } catch {
            return .failure(WebConsoleRefusal(response: WebConsoleResponses.unavailable(nil)))
        }
        guard let visitor else {
            return .failure(WebConsoleRefusal(response: WebConsoleResponses.redirect("/ui/login", cookies: request.cookies[WebConsoleService.cookieName] == nil
                ? [] : [WebConsoleResponses.expiredCookie(WebConsoleService.cookieName)])))
        }
        if visitor.session.passwordChangeOnly && !pendingPasswordAllowed { return .failure(WebConsoleRefusal(response: WebConsoleResponses.redirect("/ui/password"))) }
        if admin && !visitor.user.admin { return .failure(WebConsoleRefusal(response: WebConsoleResponses.forbidden(visitor))) }
        return .success(visitor)
    }

    /// A page for the visitor `WebConsoleGuard` admitted.
    func page(_ context: IssuerRequestContext, _ body: (WebConsoleService.Visitor) async throws -> Response) async -> Response {
        guard let visitor = context.visitor else { return WebConsoleResponses.unavailable(nil) }
        return await answering(visitor) { try await body(visitor) }
    }

    /// A form from the admitted visitor: from this origin, with the session's CSRF token.
    func posted(_ request: Request, _ context: IssuerRequestContext,
                _ body: @escaping (WebConsoleService.Visitor, WebConsoleForm) async throws -> Response) async -> Response {
        await page(context) { visitor in
            if let refused = Self.foreignOrigin(request) {
                await console.refuseForgery(refused, visitor: visitor, client: context.clientAddress)
                return WebConsoleResponses.message("Refused", visitor: visitor, status: .forbidden, error: "This form was sent from another site: it was refused.")
            }
            guard let form = await Self.form(request, context) else {
                return WebConsoleResponses.message("Bad request", visitor: visitor, status: .badRequest, error: "The form did not arrive whole: send it again.")
            }
            guard WebConsoleService.tokensMatch(form.csrfToken, visitor.session.csrfToken) else {
                await console.refuseForgery(form.csrfToken == nil ? "csrf-missing" : "csrf-wrong", visitor: visitor, client: context.clientAddress)
                return WebConsoleResponses.message("Refused", visitor: visitor, status: .forbidden,
                                                error: "This form's security token is missing or out of date: reload the page and send it again.")
            }
            return try await body(visitor, form)
        }
    }

    /// Refusals become a page with their message (and the API's status); anything else is a 503.
    func answering(_ visitor: WebConsoleService.Visitor?, _ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let refusal as IssuanceRefusal {
            return WebConsoleResponses.message("Refused", visitor: visitor, status: IssuerRoutes.status(for: refusal.reason), error: refusal.message)
        } catch let error as IssuerError {
            return WebConsoleResponses.message("Refused", visitor: visitor, status: .badRequest, error: error.description)
        } catch {
            return WebConsoleResponses.unavailable(visitor)
        }
    }

    /// "foreign-origin" when the browser says the form came from elsewhere; nil otherwise,
    /// including old clients that send neither header (the CSRF token still guards them).
    /// - `Sec-Fetch-Site` must be `same-origin` (or `none`, a request the user typed).
    /// - `Origin` must be this server's. `Origin: null` is what browsers send under the pages'
    ///   `Referrer-Policy: no-referrer`: then `Sec-Fetch-Site: same-origin` must vouch for it.
    static func foreignOrigin(_ request: Request) -> String? {
        let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!]
        if let site, site != "same-origin" && site != "none" { return "foreign-origin" }
        guard let origin = request.headers[.origin] else { return nil }
        if origin == "null" { return site == "same-origin" ? nil : "foreign-origin" }
        guard let authority = request.head.authority, origin.lowercased() == "https://" + authority.lowercased() else { return "foreign-origin" }
        return nil
    }

    static func form(_ request: Request, _ context: IssuerRequestContext) async -> WebConsoleForm? {
        guard let body = try? await request.body.collect(upTo: context.maxUploadSize) else { return nil }
        return try? WebConsoleForm.parse(String(buffer: body))
    }

    static let notices = [
        "signed-out": "You have signed out.",
        "password-changed": "Your password was changed.",
        "device-confirmed": "The new device is enrolled: its codes work from now on.",
        "device-removed": "The device was removed: its codes no longer work.",
        "user-disabled": "The user was disabled: their sessions have ended.",
        "user-enabled": "The user was enabled.",
        "lockout-lifted": "The lockout was lifted.",
    ]

    static func notice(_ request: Request) -> String? {
        request.uri.queryParameters["done"].flatMap { notices[String($0)] }
    }

    // MARK: Signing in

    func loginForm(_ request: Request) async -> Response {
        if let visitor = try? await console.visitor(cookie: request.cookies[WebConsoleService.cookieName]?.value) {
            return WebConsoleResponses.redirect(visitor.session.passwordChangeOnly ? "/ui/password" : "/ui/me")
        }
        return Self.loginPage(request, status: .ok, notice: Self.notice(request))
    }

    /// The sign-in form, with a CSRF token kept in a cookie of its own (there is no session yet).
    static func loginPage(_ request: Request, status: HTTPResponse.Status, userName: String? = nil, notice: String? = nil, error: String? = nil) -> Response {
        let token = request.cookies[WebConsoleResponses.loginCookieName]?.value.nilIfMalformedToken ?? WebConsoleService.randomToken()
        var fields: [String: Any] = ["csrf": token]
        if let userName { fields["userName"] = userName }
        var response = WebConsoleResponses.page("login", title: "Sign in", visitor: nil, status: status, notice: notice, error: error, fields)
        response.setCookie(WebConsoleResponses.loginCookie(token))
        return response
    }

    func signIn(_ request: Request, _ context: IssuerRequestContext) async -> Response {
        let client = context.clientAddress
        if let refused = Self.foreignOrigin(request) {
            await console.refuseForgery(refused, visitor: nil, client: client)
            return Self.loginPage(request, status: .forbidden, error: "This form was sent from another site: it was refused.")
        }
        guard let form = await Self.form(request, context) else {
            return Self.loginPage(request, status: .badRequest, error: "The form did not arrive whole: send it again.")
        }
        let expected = request.cookies[WebConsoleResponses.loginCookieName]?.value.nilIfMalformedToken
        guard let expected, WebConsoleService.tokensMatch(form.csrfToken, expected) else {
            await console.refuseForgery(form.csrfToken == nil ? "csrf-missing" : "csrf-wrong", visitor: nil, client: client)
            return Self.loginPage(request, status: .forbidden, error: "This form's security token is missing or out of date: send it again.")
        }
        let user = form.user ?? ""
        do {
            let signedIn = try await console.signIn(user: user, password: form.password ?? "", code: form.code ?? "", client: client)
            let next = signedIn.session.passwordChangeOnly ? "/ui/password" : signedIn.admin ? "/ui/" : "/ui/me"
            return WebConsoleResponses.redirect(next, cookies: [WebConsoleResponses.sessionCookie(signedIn.cookie),
                                                             WebConsoleResponses.expiredCookie(WebConsoleResponses.loginCookieName)])
        } catch let refusal as IssuanceRefusal {
            return Self.loginPage(request, status: IssuerRoutes.status(for: refusal.reason), userName: IssuerService.printable(user), error: refusal.message)
        } catch {
            return Self.loginPage(request, status: .serviceUnavailable, error: "The issuer could not answer: try again in a moment.")
        }
    }

    // MARK: The user's own pages

    func passwordForm(_ visitor: WebConsoleService.Visitor, status: HTTPResponse.Status = .ok, error: String? = nil) -> Response {
        WebConsoleResponses.page("password", title: visitor.session.passwordChangeOnly ? "Choose your password" : "Change your password",
                              visitor: visitor, status: status, error: error,
                              ["oneTime": visitor.session.passwordChangeOnly, "account": visitor.user.name])
    }

    func changePassword(_ visitor: WebConsoleService.Visitor, _ form: WebConsoleForm, _ context: IssuerRequestContext) async throws -> Response {
        let cookie: String
        do {
            cookie = try await console.changePassword(visitor, current: form.password, new: form.newPassword ?? "", again: form.newPasswordAgain ?? "",
                                                      code: form.code, client: context.clientAddress)
        } catch let refusal as IssuanceRefusal {
            return passwordForm(visitor, status: IssuerRoutes.status(for: refusal.reason), error: refusal.message)
        }
        return WebConsoleResponses.redirect(visitor.session.passwordChangeOnly && visitor.user.admin ? "/ui/?done=password-changed" : "/ui/me?done=password-changed",
                                         cookies: [WebConsoleResponses.sessionCookie(cookie)])
    }

    func me(_ visitor: WebConsoleService.Visitor, _ request: Request) async throws -> Response {
        let now = console.service.now()
        let grants = try await database.grants(user: visitor.user.name)
        let certificates = try await database.validCertificates(issuedSince: now.addingTimeInterval(-12 * 3600), validAt: now, user: visitor.user.name)
        let devices = try await database.devices(user: visitor.user.name)
        let confirmed = devices.filter(\.confirmed).count
        return WebConsoleResponses.page("me", title: "Your account", visitor: visitor, notice: Self.notice(request), [
            "hasRoles": !grants.isEmpty,
            "roles": grants.map(Self.grantFields),
            "hasCertificates": !certificates.isEmpty,
            "certificates": certificates.map(Self.certificateFields),
            "devices": devices.map { device -> [String: Any] in
                ["name": device.name, "added": WebConsoleFormat.time(device.createdAt),
                 "state": device.confirmed ? "enrolled" : "waiting for a code",
                 "removable": !device.confirmed || confirmed > 1, "needsCode": device.confirmed]
            },
        ])
    }

    func deviceForm(_ visitor: WebConsoleService.Visitor, status: HTTPResponse.Status = .ok, error: String? = nil) -> Response {
        WebConsoleResponses.page("device-new", title: "Enrol a device", visitor: visitor, status: status, error: error,
                              ["needsCode": !console.mayEnrolWithoutCode(visitor)])
    }

    func beginEnrolment(_ visitor: WebConsoleService.Visitor, _ form: WebConsoleForm, _ context: IssuerRequestContext) async throws -> Response {
        let name = form.device ?? ""
        let uri: SecretBytes
        do {
            uri = try await console.beginEnrolment(visitor, device: name, code: form.code, client: context.clientAddress)
        } catch let refusal as IssuanceRefusal {
            return deviceForm(visitor, status: IssuerRoutes.status(for: refusal.reason), error: refusal.message)
        }
        defer { uri.wipe() }
        let text = uri.unsafeStringValue()
        return WebConsoleResponses.page("device-qr", title: "Scan the QR code", visitor: visitor, [
            "device": name, "qr": try WebConsoleQR.svg(text, label: "QR code for the TOTP device \(name)"), "uri": text,
        ])
    }

    func confirmEnrolment(_ visitor: WebConsoleService.Visitor, _ form: WebConsoleForm, _ context: IssuerRequestContext) async throws -> Response {
        let name = form.device ?? ""
        do {
            try await console.confirmEnrolment(visitor, device: name, code: form.code ?? "", client: context.clientAddress)
        } catch let refusal as IssuanceRefusal {
            // The seed is not shown again: only the code is asked for once more.
            return WebConsoleResponses.page("device-qr", title: "Confirm the device", visitor: visitor, status: IssuerRoutes.status(for: refusal.reason),
                                         error: refusal.message, ["device": IssuerService.printable(name)])
        }
        return WebConsoleResponses.redirect("/ui/me?done=device-confirmed")
    }

    // MARK: Administrators

    func summary(_ visitor: WebConsoleService.Visitor, _ request: Request) async throws -> Response {
        let now = console.service.now()
        let since = now.addingTimeInterval(-24 * 3600)
        // A first sign-in that must change its password is the normal path, not a refusal.
        let expected = IssuanceRefusal.Reason.passwordChangeRequired.rawValue
        let counts = try await database.hourlyCounts(since: since, expected: expected)
        let reasons = try await database.refusalCounts(since: since, expected: expected).sorted { ($1.value, $0.key) < ($0.value, $1.key) }
        return WebConsoleResponses.page("summary", title: "Summary", visitor: visitor, notice: Self.notice(request), [
            "chart": WebConsoleChart.svg(counts, endingAt: now),
            "issuedTotal": counts.reduce(0) { $0 + $1.issued },
            "refusedTotal": counts.reduce(0) { $0 + $1.refused },
            "hasReasons": !reasons.isEmpty,
            "reasons": reasons.map { ["reason": $0.key, "count": $0.value] as [String: Any] },
        ])
    }

    static let auditPageSize = 100

    func audit(_ visitor: WebConsoleService.Visitor, _ request: Request) async throws -> Response {
        let query = AuditQuery(Self.parameters(request))
        let rows = query.problems.isEmpty
            ? try await database.audit(matching: query.filter, beforeID: query.before, limit: Self.auditPageSize) : []
        var fields: [String: Any] = [
            "filter": ["user": query.user ?? "", "event": query.event ?? "", "result": query.result ?? "", "from": query.from ?? "", "to": query.to ?? ""],
            "download": query.queryString(before: query.before),
            "rows": rows.map { row -> [String: Any] in
                ["id": row.id ?? 0, "time": WebConsoleFormat.time(row.time), "event": row.event, "user": row.user ?? "",
                 "roleArn": row.roleArn ?? "", "kind": row.kind ?? "", "result": row.result, "count": row.count,
                 "actor": row.actor ?? "", "client": row.clientAddress ?? ""]
            },
        ]
        if rows.count == Self.auditPageSize, let last = rows.last?.id { fields["next"] = query.queryString(before: last) }
        return WebConsoleResponses.page("audit", title: "Audit log", visitor: visitor, error: query.problems.first, fields)
    }

    func auditDownload(_ request: Request, format: AuditExport.Format) async throws -> Response {
        let query = AuditQuery(Self.parameters(request))
        guard query.problems.isEmpty else { throw IssuanceRefusal(reason: .badRequest, message: query.problems[0]) }
        let rows = try await database.audit(matching: query.filter, beforeID: query.before, limit: AuditExport.maximumRows)
        var response = WebConsoleResponses.download(AuditExport.text(rows, format: format), contentType: format.contentType, filename: "audit." + format.fileExtension)
        if rows.count == AuditExport.maximumRows, let last = rows.last?.id {
            // Cut short: the rest starts below the last row sent.
            response.headers[HTTPField.Name("X-Rolecall-Truncated")!] = "more rows match: ask again with before=\(last)"
        }
        return response
    }

    func users(_ visitor: WebConsoleService.Visitor, _ request: Request) async throws -> Response {
        let now = console.service.now()
        let users = try await database.users()
        let lockouts = try await database.lockouts()
        let grants = Dictionary(grouping: try await database.grants(user: nil), by: \.user)
        return WebConsoleResponses.page("users", title: "Users", visitor: visitor, notice: Self.notice(request), [
            "rows": users.map { user -> [String: Any] in
                let lockout = lockouts[user.name] ?? LockoutState()
                let locked = lockout.lockedUntil.map { $0 > now } ?? false
                let state = user.disabled ? "disabled" : user.passwordMustChange ? "one-time password" : "enabled"
                return ["name": user.name, "admin": user.admin, "disabled": user.disabled, "state": state,
                        "locked": locked || lockout.failures > 0,
                        "lockedUntil": locked ? WebConsoleFormat.time(lockout.lockedUntil!) : "not locked",
                        "failures": lockout.failures, "lastLogin": user.lastLoginAt.map(WebConsoleFormat.time) ?? "never",
                        "roles": (grants[user.name] ?? []).map { (try? ARN($0.roleArn, kind: .role))?.shortName ?? $0.roleArn }]
            },
        ])
    }

    enum UserAction: String, CaseIterable, Sendable {
        case disable, enable, unlock, reset
    }

    func userAction(_ action: UserAction, _ visitor: WebConsoleService.Visitor, _ form: WebConsoleForm, client: String?) async throws -> Response {
        let admin = console.admin(visitor)
        let user = form.user ?? ""
        switch action {
        case .disable:
            try await admin.setDisabled(true, user: user)
            return WebConsoleResponses.redirect("/ui/users?done=user-disabled")
        case .enable:
            try await admin.setDisabled(false, user: user)
            return WebConsoleResponses.redirect("/ui/users?done=user-enabled")
        case .unlock:
            try await admin.liftLockout(user: user)
            return WebConsoleResponses.redirect("/ui/users?done=lockout-lifted")
        case .reset:
            // A reset hands over the account: the administrator's own code first, so that a session
            // left open is not enough.
            try await console.stepUp(visitor, code: form.code, client: client)
            let reset: IssuerAdmin.PasswordReset
            do {
                reset = try await admin.resetPassword(user: user, newDevice: form.newDevice == "on")
            } catch let error as StorageError {
                throw IssuanceRefusal(reason: .unavailable, message: "the reset may or may not have happened (\(error)): reset \(user) again")
            }
            defer { reset.wipe() }
            var fields: [String: Any] = ["user": user, "password": reset.password.unsafeStringValue()]
            if let uri = reset.otpauthURI {
                fields["uri"] = uri.unsafeStringValue()
                // Without the QR code (a libqrencode failure), the URI as text still does.
                if let qr = try? WebConsoleQR.svg(uri.unsafeStringValue(), label: "QR code for \(user)'s new TOTP device") { fields["qr"] = qr }
            }
            return WebConsoleResponses.page("reset-done", title: "\(user) was reset", visitor: visitor, fields)
        }
    }

    func roles(_ visitor: WebConsoleService.Visitor) async throws -> Response {
        let grants = Dictionary(grouping: try await database.grants(user: nil), by: \.roleArn).sorted { $0.key < $1.key }
        return WebConsoleResponses.page("roles", title: "Roles", visitor: visitor, [
            "roles": grants.map { role, grants -> [String: Any] in
                ["roleArn": role, "grants": grants.map { grant -> [String: Any] in
                    var fields = Self.grantFields(grant)
                    fields["user"] = grant.user
                    fields["profileArn"] = grant.profileArn
                    fields["granted"] = WebConsoleFormat.time(grant.createdAt)
                    return fields
                }]
            },
        ])
    }

    func certificates(_ visitor: WebConsoleService.Visitor) async throws -> Response {
        let now = console.service.now()
        let rows = try await database.validCertificates(issuedSince: now.addingTimeInterval(-12 * 3600), validAt: now, user: nil)
        return WebConsoleResponses.page("certificates", title: "Valid certificates", visitor: visitor, [
            "rows": rows.map { row -> [String: Any] in
                var fields = Self.certificateFields(row)
                fields["user"] = row.user ?? ""
                fields["serial"] = row.serial ?? ""
                return fields
            },
        ])
    }

    // MARK: Fields

    static func grantFields(_ grant: RoleGrant) -> [String: Any] {
        ["roleArn": grant.roleArn, "mfa": grant.mfa, "maxDuration": DurationText.format(grant.maxDurationSeconds), "region": grant.region ?? "-"]
    }

    static func certificateFields(_ row: AuditRecord) -> [String: Any] {
        ["issued": WebConsoleFormat.time(row.time), "roleArn": row.roleArn ?? "", "kind": row.kind ?? "",
         "until": row.notAfter.map(WebConsoleFormat.time) ?? "", "client": row.clientAddress ?? ""]
    }

    static func parameters(_ request: Request) -> [String: String] {
        var parameters: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { parameters[String(name)] = String(value) }
        return parameters
    }
}

extension String {
    /// Itself when it could be a token `WebConsoleService.randomToken` made.
    var nilIfMalformedToken: String? { WebConsoleService.isWellFormedToken(self) ? self : nil }
}

enum WebConsoleFormat {
    /// `2026-12-01 09:30:00Z`: UTC, to the second.
    static func time(_ date: Date) -> String {
        RFC3339.string(from: date).replacingOccurrences(of: "T", with: " ")
    }
}
