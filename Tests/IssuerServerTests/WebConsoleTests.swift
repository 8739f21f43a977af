import Foundation
@testable import IssuerServer
import IssuanceCore
import IssuerProtocol
import IssuerStorage
import RolesAnywhere
import Testing
import TestSupport

/// The web console page by page: who may see what, the session cookie and headers, CSRF, escaping,
/// and what each form does (docs/console.md). On the issuer's routes without a socket, except where a
/// test needs a real connection (the client's address).
/// One test at a time: a test over TLS starts a replica, and eighteen at once starve the rest of `swift test`.
@Suite(.removesTemporaryFiles, .serialized) struct WebConsoleTests {
    static let adminPages = ["/ui/", "/ui/audit", "/ui/audit.csv", "/ui/audit.jsonl", "/ui/users", "/ui/roles", "/ui/certificates"]
    static let userPages = ["/ui/me", "/ui/devices/new", "/ui/password"]

    /// A world with an administrator (carol) and a user (alice), both enrolled, and a client of its
    /// routes (`overTLS`: of a replica served over TLS on loopback).
    func withWebConsole(_ backend: Backend = .sqlite, overTLS: Bool = false,
                     _ body: (IssuerWorld, IssuerClient, IssuerWorld.Person, IssuerWorld.Person) async throws -> Void) async throws {
        try await IssuerWorld.with(backend) { world in
            let root = try await world.addPerson("carol")
            try await world.admin.setAdmin(true, user: "carol")
            let alice = try await world.addPerson("alice")
            let client = overTLS ? IssuerClient(try await world.replica()) : IssuerClient(routes: try await world.routes().client)
            try await body(world, client, root, alice)
        }
    }

    func signedIn(_ client: IssuerClient, _ world: IssuerWorld, _ person: IssuerWorld.Person) async throws -> WebConsoleBrowser {
        let browser = WebConsoleBrowser(client)
        let page = try await browser.signIn(person.name, password: person.password, code: world.code(person))
        try #require(page.status == 303, "\(page.body)")
        // Each sign-in spends a TOTP step: the next one is a step later.
        world.clock.advance(30)
        return browser
    }

    func auditRows(_ world: IssuerWorld, event: String) async throws -> [AuditRecord] {
        try await world.admin.audit(since: .distantPast).filter { $0.event == event }
    }

    // MARK: Access

    @Test func everyPageSendsAVisitorWithoutASessionToSignIn() async throws {
        try await withWebConsole { _, client, _, _ in
            let anonymous = WebConsoleBrowser(client)
            for path in Self.adminPages + Self.userPages + ["/ui/no-such-page"] {
                let page = try await anonymous.get(path)
                #expect(page.status == 303, "\(path)")
                #expect(page.location == "/ui/login", "\(path)")
            }
        }
    }

    @Test func aUserSeesTheUserPagesOnly() async throws {
        try await withWebConsole { world, client, _, alice in
            let user = try await signedIn(client, world, alice)
            for path in Self.adminPages {
                #expect(try await user.get(path).status == 403, "\(path)")
            }
            for path in Self.userPages {
                #expect(try await user.get(path).status == 200, "\(path)")
            }
            #expect(try await user.get("/ui/no-such-page").status == 404)
        }
    }

    @Test func anAdministratorSeesEveryPage() async throws {
        try await withWebConsole { world, client, root, _ in
            let admin = try await signedIn(client, world, root)
            for path in Self.adminPages + Self.userPages {
                #expect(try await admin.get(path).status == 200, "\(path)")
            }
        }
    }

    @Test func aUserCannotActAsAnAdministrator() async throws {
        try await withWebConsole { world, client, _, alice in
            let user = try await signedIn(client, world, alice)
            let token = try await user.sessionToken()
            let refused = try await user.post("/ui/users/disable", [("csrf_token", token), ("user", "carol")])
            #expect(refused.status == 403)
            #expect(try await world.admin.database.user(named: "carol")?.disabled == false)
        }
    }

    /// alice signed in through the form: the browser, the form and the sign-in's answer.
    func signedInThroughTheForm(_ world: IssuerWorld, _ client: IssuerClient, _ alice: IssuerWorld.Person) async throws
        -> (browser: WebConsoleBrowser, form: WebConsoleBrowser.Page, signIn: WebConsoleBrowser.Page) {
        let browser = WebConsoleBrowser(client)
        let form = try await browser.get("/ui/login")
        let signIn = try await browser.post("/ui/login", [("csrf_token", try #require(form.csrfToken)), ("user", "alice"),
                                                          ("password", alice.password), ("code", world.code(alice))])
        return (browser, form, signIn)
    }

    /// The database keeps the cookie's hash, never the cookie.
    @Test func theSessionCookieIsStrictWithOnlyItsHashStored() async throws {
        try await withWebConsole { world, client, _, alice in
            let (browser, _, signIn) = try await signedInThroughTheForm(world, client, alice)
            #expect(signIn.status == 303)
            #expect(signIn.location == "/ui/me")
            let cookie = try #require(signIn.headers("set-cookie").first { $0.hasPrefix("__Host-rolecall-session=") })
            let attributes = Set(cookie.split(separator: ";").dropFirst().map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
            #expect(attributes == ["path=/", "secure", "httponly", "samesite=strict"])
            let value = try #require(browser.cookies["__Host-rolecall-session"])
            #expect(WebConsoleService.isWellFormedToken(value))
            let stored = try await world.admin.database.touchWebConsoleSession(idHash: WebConsoleService.idHash(value), at: world.clock.now, idleSeconds: 60)
            #expect(stored?.user == "alice")
        }
    }

    @Test func everyPageCarriesStrictHeaders() async throws {
        try await withWebConsole { world, client, _, alice in
            let (browser, form, _) = try await signedInThroughTheForm(world, client, alice)
            for page in [form, try await browser.get("/ui/me")] {
                let policy = try #require(page.header("content-security-policy"))
                #expect(policy.contains("default-src 'self'"))
                #expect(policy.contains("frame-ancestors 'none'"))
                #expect(!policy.contains("unsafe-inline"))
                #expect(page.header("x-content-type-options") == "nosniff")
                #expect(page.header("referrer-policy") == "no-referrer")
                #expect(page.header("cache-control") == "no-store")
                #expect(page.body.contains("<h1>"))
                #expect(page.body.components(separatedBy: "<h1").count == 2, "one h1 per page")
                #expect(!page.body.contains("<script"))
            }
        }
    }

    /// Sign-ins without a code, with a wrong password and as nobody, in that order.
    func refusedSignIns(_ world: IssuerWorld, _ browser: WebConsoleBrowser, _ alice: IssuerWorld.Person) async throws
        -> (noCode: WebConsoleBrowser.Page, wrong: WebConsoleBrowser.Page, unknown: WebConsoleBrowser.Page) {
        (try await browser.signIn("alice", password: alice.password, code: ""),
         try await browser.signIn("alice", password: "not the password", code: world.code(alice)),
         try await browser.signIn("nobody", password: "whatever", code: "123456"))
    }

    @Test func signInNeedsACode() async throws {
        try await withWebConsole { (world, client, _, alice) async throws in
            #expect(try await refusedSignIns(world, WebConsoleBrowser(client), alice).noCode.status == 403)
        }
    }

    @Test func aWrongPasswordOrAnUnknownUserGetsTheSameRefusal() async throws {
        try await withWebConsole { world, client, _, alice in
            let (_, wrong, unknown) = try await refusedSignIns(world, WebConsoleBrowser(client), alice)
            #expect(wrong.status == 401)
            #expect(wrong.body.contains("wrong user name or password"))
            #expect(unknown.status == 401)
            #expect(unknown.body.contains("wrong user name or password"))
        }
    }

    @Test func refusedSignInsAreAuditedWithTheirReason() async throws {
        try await withWebConsole { world, client, _, alice in
            _ = try await refusedSignIns(world, WebConsoleBrowser(client), alice)
            let results = try await auditRows(world, event: "console-login").map(\.result)
            #expect(results == ["mfa-required", "wrong-password", "unknown-user"])
        }
    }

    /// Lockout, as for the API: five wrong passwords.
    @Test func signInLocksOutAfterFiveWrongPasswords() async throws {
        try await withWebConsole { world, client, _, alice in
            let browser = WebConsoleBrowser(client)
            _ = try await refusedSignIns(world, browser, alice)
            for _ in 0..<4 { _ = try await browser.signIn("alice", password: "wrong", code: world.code(alice)) }
            let locked = try await browser.signIn("alice", password: alice.password, code: world.code(alice))
            #expect(locked.status == 423)
            #expect(browser.cookies["__Host-rolecall-session"] == nil)
        }
    }

    // MARK: Sessions

    @Test func aOneTimePasswordMustBeReplacedFirst() async throws {
        try await withWebConsole { world, client, _, _ in
            let bob = try await world.addPerson("bob", enrolled: false)
            let browser = WebConsoleBrowser(client)
            let signIn = try await browser.signIn("bob", password: bob.password, code: world.code(bob))
            #expect(signIn.status == 303)
            #expect(signIn.location == "/ui/password")
            #expect(try await browser.get("/ui/me").location == "/ui/password")
            let form = try await browser.get("/ui/password")
            #expect(form.body.contains("name=\"new_password\""))
            #expect(form.body.contains("name=\"new_password_again\""))
            #expect(!form.body.contains("name=\"code\""))
            let token = try #require(form.csrfToken)
            let differ = try await browser.post("/ui/password", [("csrf_token", token), ("new_password", "correct horse battery"),
                                                                 ("new_password_again", "correct horse battery!")])
            #expect(differ.status == 400)
            let changed = try await browser.post("/ui/password", [("csrf_token", token), ("new_password", "correct horse battery"),
                                                                  ("new_password_again", "correct horse battery")])
            #expect(changed.status == 303)
            #expect(try await browser.get("/ui/me").status == 200)
            // The API takes the new password, and the one-time password no longer works.
            world.clock.advance(30)
            _ = try await client.login(bob, password: "correct horse battery", totp: world.code(bob))
            #expect(try await auditRows(world, event: "password-change").map(\.user) == ["bob"])
        }
    }

    @Test func aSessionEndsOnSignOut() async throws {
        try await withWebConsole { world, client, _, alice in
            let first = try await signedIn(client, world, alice)
            let signOut = try await first.post("/ui/logout", [("csrf_token", try await first.sessionToken())])
            #expect(signOut.status == 303)
            #expect(try await first.get("/ui/me").location == "/ui/login")
        }
    }

    /// 30 minutes idle; a request before then restarts the clock.
    @Test func aSessionEndsAfterThirtyMinutesIdle() async throws {
        try await withWebConsole { world, client, _, alice in
            let idle = try await signedIn(client, world, alice)
            world.clock.advance(29 * 60)
            #expect(try await idle.get("/ui/me").status == 200)
            world.clock.advance(29 * 60)
            #expect(try await idle.get("/ui/me").status == 200)
            world.clock.advance(31 * 60)
            #expect(try await idle.get("/ui/me").status == 303)
        }
    }

    /// Enabling the user again revives nothing.
    @Test func aSessionEndsWhenItsUserIsDisabled() async throws {
        try await withWebConsole { world, client, _, alice in
            let disabled = try await signedIn(client, world, alice)
            try await world.admin.setDisabled(true, user: "alice")
            try await world.admin.setDisabled(false, user: "alice")
            #expect(try await disabled.get("/ui/me").status == 303)
        }
    }

    @Test func aSessionEndsWhenItsUsersPasswordIsReset() async throws {
        try await withWebConsole { world, client, _, alice in
            let reset = try await signedIn(client, world, alice)
            _ = try await world.admin.resetPassword(user: "alice")
            #expect(try await reset.get("/ui/me").status == 303)
        }
    }

    /// The end of the login session (alice's is 12 h), however busy the session is.
    @Test func aSessionEndsWithItsLoginSession() async throws {
        try await withWebConsole { world, client, _, alice in
            let busy = try await signedIn(client, world, alice)
            for _ in 0..<25 {
                world.clock.advance(29 * 60)
                _ = try await busy.get("/ui/password")
            }
            #expect(try await busy.get("/ui/password").status == 303)
        }
    }

    /// Every replica sees the same sessions: they live in the database.
    @Test(arguments: Backend.available)
    func aSessionWorksOnEveryReplica(_ backend: Backend) async throws {
        try await withWebConsole(backend) { world, client, _, alice in
            let browser = try await signedIn(client, world, alice)
            let other = WebConsoleBrowser(IssuerClient(try await world.replica()))
            for (name, value) in browser.cookies { other.setCookie(name, value) }
            #expect(try await other.get("/ui/me").status == 200)
            let signOut = try await other.post("/ui/logout", [("csrf_token", try await other.sessionToken())])
            #expect(signOut.status == 303)
            #expect(try await browser.get("/ui/me").status == 303)
        }
    }

    // MARK: CSRF

    /// carol's attempts to disable alice: without the token, with a wrong one, from another origin,
    /// with Origin: null alone and from a cross-site fetch; the token she has and her browser.
    func refusedForms(_ world: IssuerWorld, _ client: IssuerClient, _ root: IssuerWorld.Person) async throws
        -> (answers: [WebConsoleBrowser.Page], token: String, admin: WebConsoleBrowser) {
        let admin = try await signedIn(client, world, root)
        let token = try await admin.sessionToken()
        let disable = [("user", "alice")]
        let answers = [
            try await admin.post("/ui/users/disable", disable),
            try await admin.post("/ui/users/disable", [("csrf_token", String(token.reversed()))] + disable),
            try await admin.post("/ui/users/disable", [("csrf_token", token)] + disable, origin: "https://evil.example"),
            // Origin: null (what a browser sends under no-referrer) only with Sec-Fetch-Site: same-origin.
            try await admin.post("/ui/users/disable", [("csrf_token", token)] + disable, origin: "null"),
            try await admin.post("/ui/users/disable", [("csrf_token", token)] + disable, headers: [("Sec-Fetch-Site", "cross-site")]),
        ]
        return (answers, token, admin)
    }

    @Test func formsWithoutTheTokenOrFromAnotherOriginAreRefused() async throws {
        try await withWebConsole { world, client, root, _ in
            let (answers, _, _) = try await refusedForms(world, client, root)
            #expect(answers.map(\.status) == [403, 403, 403, 403, 403])
            #expect(try await world.admin.database.user(named: "alice")?.disabled == false)
        }
    }

    @Test func refusedFormsAreAuditedWithTheirUser() async throws {
        try await withWebConsole { world, client, root, _ in
            _ = try await refusedForms(world, client, root)
            #expect(try await auditRows(world, event: "console-csrf").map(\.result) == ["csrf-missing", "csrf-wrong", "foreign-origin"])
            #expect(try await auditRows(world, event: "console-csrf").map(\.count) == [1, 1, 3])
            #expect(try await auditRows(world, event: "console-csrf").allSatisfy { $0.user == "carol" })
        }
    }

    @Test func theSignInFormHasItsOwnToken() async throws {
        try await withWebConsole { world, client, _, alice in
            let browser = WebConsoleBrowser(client)
            _ = try await browser.get("/ui/login")
            let noToken = try await browser.post("/ui/login", [("user", "alice"), ("password", alice.password), ("code", world.code(alice))])
            #expect(noToken.status == 403)
            #expect(browser.cookies["__Host-rolecall-session"] == nil)
        }
    }

    /// With the token the same form works, from a browser under no-referrer too.
    @Test func aFormWithItsTokenWorksUnderNoReferrer() async throws {
        try await withWebConsole { world, client, root, _ in
            let (_, token, admin) = try await refusedForms(world, client, root)
            let accepted = try await admin.post("/ui/users/disable", [("csrf_token", token), ("user", "alice")], origin: "null",
                                                headers: [("Sec-Fetch-Site", "same-origin")])
            #expect(accepted.status == 303)
            #expect(try await world.admin.database.user(named: "alice")?.disabled == true)
        }
    }

    // MARK: Escaping

    @Test func hostileTextIsEscapedWhereverItIsShown() async throws {
        try await withWebConsole { world, client, root, _ in
            let hostile = "<script>alert('x')</script>\"&"
            _ = try await WebConsoleBrowser(client).signIn(hostile, password: "x", code: "123456")
            _ = try? await client.login(IssuerWorld.Person(name: "eve<img src=x onerror=alert(1)>", password: "x", seed: SecretBytes([1])), totp: nil)
            let admin = try await signedIn(client, world, root)
            let page = try await admin.get("/ui/audit")
            #expect(page.status == 200)
            #expect(!page.body.contains("<script>alert"))
            #expect(!page.body.contains("<img"))
            #expect(page.body.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;"))
            // A filter value is escaped where the form shows it again, a quote with a combining mark too.
            let filtered = try await admin.get("/ui/audit?user=%22%3E%3Cscript%3E")
            #expect(!filtered.body.contains("\"><script>"))
            let combining = try await admin.get("/ui/audit?user=%22%CC%81%20autofocus%20x%3D")
            #expect(combining.body.contains("value=\"&quot;\u{301} autofocus x=\""), "\(combining.body)")
            let csv = try await admin.get("/ui/audit.csv")
            #expect(csv.header("content-type")?.hasPrefix("text/csv") == true)
            #expect(csv.body.contains("\"<script>alert('x')</script>\"\"&\""))
        }
    }

    @Test func secretsStayOutOfTheConsolesDescriptions() throws {
        let form = try WebConsoleForm.parse("user=alice&password=hunter2hunter2&code=123456&csrf_token=tok3n&new_password=s3cret-new-one&device=phone")
        #expect(form.password == "hunter2hunter2" && form.device == "phone")
        let session = WebConsoleSessionRecord(idHash: [0xAB, 0xCD], user: "alice", tokenGeneration: 0, csrfToken: "tok3n", passwordChangeOnly: false,
                                           enrolWithoutCode: false, createdAt: Date(), expiresAt: Date(), lastSeenAt: Date())
        let signedIn = WebConsoleService.SignedIn(cookie: "c00kie-value", session: session, admin: false)
        let device = TOTPDevice(user: "alice", name: "phone", sealedSeed: Array("sealed-seed".utf8), confirmed: true, createdAt: Date())
        for text in [String(describing: form), String(describing: session), String(describing: signedIn), String(describing: device)] {
            for secret in ["hunter2", "123456", "tok3n", "s3cret", "c00kie", "abcd", "sealed-seed", "[171"] {
                #expect(!text.contains(secret), "\(text)")
            }
        }
    }

    @Test func csvFieldsAreQuotedWhereNeeded() {
        #expect(AuditExport.csvField("alice") == "alice")
        #expect(AuditExport.csvField("a,b") == "\"a,b\"")
        #expect(AuditExport.csvField("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(AuditExport.csvField("a\r\nb") == "\"a\r\nb\"")
    }

    @Test func csvFormulasAreDisarmed() {
        #expect(AuditExport.csvField("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(AuditExport.csvField("@SUM(A1)") == "'@SUM(A1)")
    }

    // MARK: Administrator pages

    /// carol signed in, then three wrong passwords of alice's.
    func adminAfterThreeWrongPasswords(_ world: IssuerWorld, _ client: IssuerClient, _ root: IssuerWorld.Person,
                                       _ alice: IssuerWorld.Person) async throws -> WebConsoleBrowser {
        let admin = try await signedIn(client, world, root)
        for _ in 0..<3 { _ = try? await client.login(alice, password: "wrong", totp: nil) }
        return admin
    }

    @Test func theAuditPageFilters() async throws {
        try await withWebConsole { world, client, root, alice in
            let admin = try await adminAfterThreeWrongPasswords(world, client, root, alice)
            let page = try await admin.get("/ui/audit?user=alice&result=wrong-password")
            #expect(page.body.components(separatedBy: "<td>wrong-password</td>").count == 4)
            #expect(!page.body.contains("<td>console-login</td>"))
        }
    }

    /// Newest first: the administrator's sign-in comes below the logins that followed it.
    @Test func theAuditPageShowsTheNewestFirst() async throws {
        try await withWebConsole { world, client, root, alice in
            let admin = try await adminAfterThreeWrongPasswords(world, client, root, alice)
            let all = try await admin.get("/ui/audit")
            let first = try #require(all.body.range(of: "<td>console-login</td>"))
            let login = try #require(all.body.range(of: "<td>login</td>"))
            #expect(first.lowerBound > login.lowerBound)
        }
    }

    @Test func theAuditDownloadIsFiltered() async throws {
        try await withWebConsole { world, client, root, alice in
            let admin = try await adminAfterThreeWrongPasswords(world, client, root, alice)
            let lines = try await admin.get("/ui/audit.jsonl?result=wrong-password").body.split(separator: "\n")
            #expect(lines.count == 3)
            let row = try IssuerAPI.decoder().decode(AuditRecord.self, from: Data(lines[0].utf8))
            #expect(row.user == "alice")
            #expect(row.result == "wrong-password")
        }
    }

    @Test func aFilterThatIsNotATimeIsNamed() async throws {
        try await withWebConsole { world, client, root, _ in
            let admin = try await signedIn(client, world, root)
            let bad = try await admin.get("/ui/audit?from=yesterday")
            #expect(bad.body.contains("From is not a time"))
        }
    }

    /// Paging: 100 rows a page, then a link to older ones.
    @Test func theAuditPageShowsAHundredRowsThenLinksToOlderOnes() async throws {
        try await withWebConsole { world, client, root, _ in
            let admin = try await signedIn(client, world, root)
            for _ in 0..<120 { try await world.admin.database.appendAudit(AuditRecord(time: world.clock.now, event: "login", user: "x", clientAddress: nil, result: "ok")) }
            let full = try await admin.get("/ui/audit?user=x")
            #expect(full.body.components(separatedBy: "<td>x</td>").count == 101)
            let next = try #require(full.body.range(of: #"href="/ui/audit\?[^"]*before=[0-9]+"#, options: .regularExpression))
            let older = try await admin.get(String(full.body[next].dropFirst(6)).replacingOccurrences(of: "&amp;", with: "&"))
            #expect(older.body.components(separatedBy: "<td>x</td>").count == 21)
        }
    }

    /// carol signed in after alice's five wrong passwords locked alice out; her page of users.
    func adminOfALockedOutAlice(_ world: IssuerWorld, _ client: IssuerClient, _ root: IssuerWorld.Person,
                                _ alice: IssuerWorld.Person) async throws -> (admin: WebConsoleBrowser, users: WebConsoleBrowser.Page) {
        for _ in 0..<5 { _ = try? await client.login(alice, password: "wrong", totp: nil) }
        let admin = try await signedIn(client, world, root)
        return (admin, try await admin.get("/ui/users"))
    }

    @Test func theUsersPageLiftsTheLockoutItShows() async throws {
        try await withWebConsole { world, client, root, alice in
            let (admin, before) = try await adminOfALockedOutAlice(world, client, root, alice)
            #expect(before.body.contains("Lift lockout of alice"))
            #expect(before.body.contains("<td>5</td>"))
            let token = try #require(before.csrfToken)
            #expect(try await admin.post("/ui/users/unlock", [("csrf_token", token), ("user", "alice")]).status == 303)
            let after = try await admin.get("/ui/users")
            #expect(!after.body.contains("Lift lockout of alice"))
            #expect(try await world.admin.database.lockout(user: "alice") == LockoutState())
        }
    }

    /// A reset needs the administrator's own code; with it: a one-time password and the device's
    /// QR, shown once, and the old device's codes no longer work.
    @Test func aResetNeedsTheAdministratorsOwnCode() async throws {
        try await withWebConsole { world, client, root, alice in
            let (admin, users) = try await adminOfALockedOutAlice(world, client, root, alice)
            let token = try #require(users.csrfToken)
            _ = try await admin.post("/ui/users/unlock", [("csrf_token", token), ("user", "alice")])
            let noStepUp = try await admin.post("/ui/users/reset", [("csrf_token", token), ("user", "alice"), ("new_device", "on")])
            #expect(noStepUp.status == 403)
            #expect(try await world.admin.database.user(named: "alice")?.passwordMustChange == false)
            let reset = try await admin.post("/ui/users/reset", [("csrf_token", token), ("user", "alice"), ("new_device", "on"),
                                                                 ("code", world.code(root))])
            #expect(reset.status == 200)
            #expect(reset.header("cache-control") == "no-store")
            #expect(reset.body.contains("<svg"))
            #expect(try await world.admin.database.devices(user: "alice").map(\.name) == ["default"])
            #expect(try await world.admin.database.user(named: "alice")?.passwordMustChange == true)
            world.clock.advance(30)
            await #expect(throws: (any Error).self) { _ = try await client.login(alice, totp: world.code(alice)) }
        }
    }

    /// The refused reset is a row of its own; the accepted one is the reset's row.
    @Test func theUsersPagesActionsAreAuditedWithTheAdministrator() async throws {
        try await withWebConsole { world, client, root, alice in
            let (admin, users) = try await adminOfALockedOutAlice(world, client, root, alice)
            let token = try #require(users.csrfToken)
            _ = try await admin.post("/ui/users/unlock", [("csrf_token", token), ("user", "alice")])
            _ = try await admin.post("/ui/users/reset", [("csrf_token", token), ("user", "alice"), ("new_device", "on")])
            _ = try await admin.post("/ui/users/reset", [("csrf_token", token), ("user", "alice"), ("new_device", "on"), ("code", world.code(root))])
            let rows = try await world.admin.audit(since: .distantPast).filter { $0.actor == "carol" }
            #expect(rows.map(\.event) == ["lockout-lift", "console-step-up", "password-reset-new-device"])
            #expect(rows.map(\.result) == ["ok", "mfa-required", "ok"])
        }
    }

    /// Over TLS: the certificates page shows the address the certificate was asked from.
    @Test func everyPageShowsWhatWasIssued() async throws {
        try await withWebConsole(overTLS: true) { world, client, root, alice in
            let login = try await client.login(alice, totp: world.code(alice))
            try await client.openRoleCertificate(login)
            _ = try? await client.login(alice, password: "wrong", totp: nil)
            world.clock.advance(30)
            let admin = try await signedIn(client, world, root)
            let certificates = try await admin.get("/ui/certificates")
            #expect(certificates.body.contains(IssuerWorld.openRoleArn))
            #expect(certificates.body.contains("<td>standard</td>"))
            #expect(certificates.body.contains("<td>127.0.0.1</td>"))
            let roles = try await admin.get("/ui/roles")
            #expect(roles.body.contains(IssuerWorld.roleArn))
            #expect(roles.body.components(separatedBy: "<td>alice</td>").count == 4)
            let summary = try await admin.get("/ui/")
            #expect(summary.body.contains("<svg"))
            #expect(summary.body.contains("Certificates issued (1) and requests refused (1)"))
            #expect(summary.body.contains("wrong-password"))
            // Alice sees her own certificate and roles.
            let own = try await signedIn(client, world, alice)
            let me = try await own.get("/ui/me")
            #expect(me.body.contains(IssuerWorld.openRoleArn))
            #expect(me.body.contains("<td>per-session</td>"))
        }
    }

    /// bob, never enrolled, signs in, chooses a password and enrols phone-2 without a code, as a
    /// reset allows: his browser, its token and the phone.
    func bobEnrolsAfterAReset(_ world: IssuerWorld, _ client: IssuerClient) async throws
        -> (browser: WebConsoleBrowser, token: String, phone: IssuerWorld.Person) {
        let bob = try await world.addPerson("bob", enrolled: false)
        let browser = WebConsoleBrowser(client)
        #expect(try await browser.signIn("bob", password: bob.password, code: world.code(bob)).location == "/ui/password")
        let token = try await browser.sessionToken(from: "/ui/password")
        #expect(try await browser.post("/ui/password", [("csrf_token", token), ("new_password", "correct horse battery"),
                                                        ("new_password_again", "correct horse battery")]).status == 303)
        #expect(!(try await browser.get("/ui/devices/new").body.contains("name=\"code\"")))
        let qr = try await browser.post("/ui/devices/new", [("csrf_token", token), ("device", "phone-2")])
        #expect(qr.status == 200)
        let uriRange = try #require(qr.body.range(of: #"otpauth://[^<]*"#, options: .regularExpression))
        let phone = IssuerWorld.Person(name: "bob", password: "correct horse battery",
                                       seed: try OTPAuthURI(parsing: String(qr.body[uriRange]).replacingOccurrences(of: "&amp;", with: "&")).secret)
        #expect(try await browser.post("/ui/devices/confirm", [("csrf_token", token), ("device", "phone-2"), ("code", world.code(phone))]).status == 303)
        return (browser, token, phone)
    }

    /// The confirmed device ends the exception: the next one needs a code.
    @Test func afterAResetOneDeviceIsEnrolledWithoutACode() async throws {
        try await withWebConsole { world, client, _, _ in
            let (browser, token, _) = try await bobEnrolsAfterAReset(world, client)
            #expect(try await browser.get("/ui/devices/new").body.contains("name=\"code\""))
            #expect(try await browser.post("/ui/devices/new", [("csrf_token", token), ("device", "phone-3")]).status == 403)
        }
    }

    @Test func theEnrolmentWithoutACodeLastsFifteenMinutes() async throws {
        try await withWebConsole { world, client, _, _ in
            let (_, _, phone) = try await bobEnrolsAfterAReset(world, client)
            let carolsReset = try await world.admin.resetPassword(user: "bob").password.unsafeStringValue()
            world.clock.advance(30)
            let late = WebConsoleBrowser(client)
            _ = try await late.signIn("bob", password: carolsReset, code: world.code(phone))
            let lateToken = try await late.sessionToken(from: "/ui/password")
            #expect(try await late.post("/ui/password", [("csrf_token", lateToken), ("new_password", "another horse battery"),
                                                         ("new_password_again", "another horse battery")]).status == 303)
            world.clock.advance(16 * 60)
            #expect(try await late.post("/ui/devices/new", [("csrf_token", lateToken), ("device", "phone-3")]).status == 403)
        }
    }

    @Test func aPasswordChangeOnlySessionEndsWhenThePasswordWasChangedElsewhere() async throws {
        try await withWebConsole { world, client, _, _ in
            let bob = try await world.addPerson("bob", enrolled: false)
            let browser = WebConsoleBrowser(client)
            _ = try await browser.signIn("bob", password: bob.password, code: world.code(bob))
            let token = try await browser.sessionToken(from: "/ui/password")
            // The password-change-only session may do nothing else.
            #expect(try await browser.post("/ui/devices/new", [("csrf_token", token), ("device", "phone-2")]).location == "/ui/password")
            world.clock.advance(30)
            _ = try await client.connection.post(IssuerAPI.loginPath, IssuerAPI.LoginRequest(user: "bob", password: bob.password, totp: world.code(bob),
                                                                                              newPassword: "chosen over the API"), as: IssuerAPI.LoginResponse.self)
            // The change over the API ended the session: it sets no other password.
            let refused = try await browser.post("/ui/password", [("csrf_token", token), ("new_password", "set by whoever has the browser"),
                                                                  ("new_password_again", "set by whoever has the browser")])
            #expect(refused.location == "/ui/login")
            #expect(try await browser.get("/ui/me").location == "/ui/login")
            world.clock.advance(30)
            _ = try await client.login(IssuerWorld.Person(name: "bob", password: "chosen over the API", seed: bob.seed), totp: world.code(bob))
        }
    }

    @Test func aPasswordChangeNeedsTheCurrentOneWithACode() async throws {
        try await withWebConsole { world, client, _, alice in
            let browser = try await signedIn(client, world, alice)
            let token = try await browser.sessionToken()
            let form = try await browser.get("/ui/password")
            #expect(form.body.contains("name=\"password\"") && form.body.contains("name=\"code\""))
            let noCode = try await browser.post("/ui/password", [("csrf_token", token), ("password", alice.password),
                                                                 ("new_password", "correct horse battery"), ("new_password_again", "correct horse battery")])
            #expect(noCode.status == 400)
            let wrong = try await browser.post("/ui/password", [("csrf_token", token), ("password", "not it"), ("code", world.code(alice)),
                                                                ("new_password", "correct horse battery"), ("new_password_again", "correct horse battery")])
            #expect(wrong.status == 401)
            #expect(try await world.admin.database.lockout(user: "alice").failures == 1)
            let changed = try await browser.post("/ui/password", [("csrf_token", token), ("password", alice.password), ("code", world.code(alice)),
                                                                  ("new_password", "correct horse battery"), ("new_password_again", "correct horse battery")])
            #expect(changed.status == 303)
            world.clock.advance(30)
            _ = try await client.login(IssuerWorld.Person(name: "alice", password: "correct horse battery", seed: alice.seed), totp: world.code(alice))
        }
    }

    /// A password change ends the user's other console sessions and login tokens, as a reset does;
    /// the session that made it goes on under a new cookie, and its old cookie is refused.
    @Test(arguments: Backend.available)
    func aPasswordChangeEndsEveryOtherSession(_ backend: Backend) async throws {
        try await withWebConsole(backend) { world, client, _, alice in
            let api = try await client.login(alice, totp: nil)
            let other = try await signedIn(client, world, alice)
            let browser = try await signedIn(client, world, alice)
            let oldCookie = try #require(browser.cookies[WebConsoleService.cookieName])
            let changed = try await browser.post("/ui/password", [("csrf_token", try await browser.sessionToken()), ("password", alice.password),
                                                                  ("code", world.code(alice)), ("new_password", "correct horse battery"),
                                                                  ("new_password_again", "correct horse battery")])
            #expect(changed.status == 303)
            #expect(browser.cookies[WebConsoleService.cookieName] != oldCookie)
            #expect(try await browser.get("/ui/me").status == 200)
            #expect(try await other.get("/ui/me").location == "/ui/login")
            let stale = WebConsoleBrowser(client)
            stale.setCookie(WebConsoleService.cookieName, oldCookie)
            #expect(try await stale.get("/ui/me").location == "/ui/login")
            let refused = await #expect(throws: (any Error).self) { try await client.openRoleCertificate(api) }
            #expect(refused.flatMap(refusalReason) == "token-invalid")
        }
    }

    @Test func theSignInFormRefusesForgeriesWhichAreCountedNotMultiplied() async throws {
        try await withWebConsole { world, client, root, alice in
            let browser = WebConsoleBrowser(client)
            let form = try await browser.get("/ui/login")
            let cookie = try #require(form.headers("set-cookie").first { $0.hasPrefix("__Host-rolecall-login=") })
            #expect(cookie.lowercased().contains("secure") && cookie.lowercased().contains("httponly") && cookie.lowercased().contains("samesite=strict"))
            let fields = [("user", "alice"), ("password", alice.password), ("code", world.code(alice))]
            let wrong = try await browser.post("/ui/login", [("csrf_token", String(try #require(form.csrfToken).reversed()))] + fields)
            #expect(wrong.status == 403)
            let foreign = try await browser.post("/ui/login", [("csrf_token", try #require(form.csrfToken))] + fields, origin: "https://evil.example")
            #expect(foreign.status == 403)
            for _ in 0..<5 { _ = try await browser.post("/ui/login", fields) }
            #expect(browser.cookies["__Host-rolecall-session"] == nil)
            let rows = try await auditRows(world, event: "console-csrf")
            #expect(rows.map(\.result) == ["csrf-wrong", "foreign-origin", "csrf-missing"])
            #expect(rows.map(\.count) == [1, 1, 5])
            // An unknown user looks like a wrong password in the public metrics too.
            _ = try await browser.signIn("nobody", password: "whatever", code: "123456")
            let metrics = try await client.transport.send(TransportRequest(method: "GET", url: client.urls[0] + "/metrics", headers: [], body: []))
            #expect(!String(decoding: metrics.body, as: UTF8.self).contains("unknown-user"))
            // A demoted administrator gets 403 at once.
            let admin = try await signedIn(client, world, root)
            #expect(try await admin.get("/ui/users").status == 200)
            try await world.admin.setAdmin(false, user: "carol")
            #expect(try await admin.get("/ui/users").status == 403)
        }
    }

    // MARK: Devices

    /// alice signed in, asking for a second device, phone-2, with a code: her browser, its token,
    /// the answer with the QR, and the phone.
    func aliceAsksForASecondDevice(_ world: IssuerWorld, _ client: IssuerClient, _ alice: IssuerWorld.Person) async throws
        -> (browser: WebConsoleBrowser, token: String, qr: WebConsoleBrowser.Page, phone: IssuerWorld.Person) {
        let browser = try await signedIn(client, world, alice)
        let token = try await browser.sessionToken()
        let qr = try await browser.post("/ui/devices/new", [("csrf_token", token), ("device", "phone-2"), ("code", world.code(alice))])
        let uriRange = try #require(qr.body.range(of: #"otpauth://[^<]*"#, options: .regularExpression))
        let uri = try OTPAuthURI(parsing: String(qr.body[uriRange]).replacingOccurrences(of: "&amp;", with: "&"))
        return (browser, token, qr, IssuerWorld.Person(name: "alice", password: alice.password, seed: uri.secret))
    }

    /// A code from an enrolled device is needed; the QR is shown once.
    @Test func enrollingASecondDeviceNeedsACode() async throws {
        try await withWebConsole { world, client, _, alice in
            let browser = try await signedIn(client, world, alice)
            let noCode = try await browser.post("/ui/devices/new", [("csrf_token", try await browser.sessionToken()), ("device", "phone-2")])
            #expect(noCode.status == 403)
            let (_, _, qr, _) = try await aliceAsksForASecondDevice(world, client, alice)
            #expect(qr.status == 200)
            #expect(qr.header("cache-control") == "no-store")
            #expect(qr.body.contains("<svg"))
        }
    }

    @Test func anUnconfirmedDeviceDoesNotCount() async throws {
        try await withWebConsole { world, client, _, alice in
            let (_, _, _, phone) = try await aliceAsksForASecondDevice(world, client, alice)
            world.clock.advance(30)
            await #expect(throws: (any Error).self) { _ = try await client.login(phone, totp: world.code(phone)) }
        }
    }

    @Test func aDeviceIsConfirmedWithItsOwnCode() async throws {
        try await withWebConsole { world, client, _, alice in
            let (browser, token, _, phone) = try await aliceAsksForASecondDevice(world, client, alice)
            world.clock.advance(30)
            let wrong = try await browser.post("/ui/devices/confirm", [("csrf_token", token), ("device", "phone-2"), ("code", world.code(alice))])
            #expect(wrong.status == 401)
            #expect(!wrong.body.contains("otpauth://"))
            let confirmed = try await browser.post("/ui/devices/confirm", [("csrf_token", token), ("device", "phone-2"), ("code", world.code(phone))])
            #expect(confirmed.status == 303)
            world.clock.advance(30)
            _ = try await client.login(phone, totp: world.code(phone))
            #expect(try await auditRows(world, event: "device-confirm").map(\.result) == ["wrong-code", "ok"])
        }
    }

    /// Either device works; the old one can go, with a code, then the last one cannot.
    @Test func aDeviceIsRemovedWithACodeButNotTheLastOne() async throws {
        try await withWebConsole { world, client, _, alice in
            let (browser, token, _, phone) = try await aliceAsksForASecondDevice(world, client, alice)
            world.clock.advance(30)
            _ = try await browser.post("/ui/devices/confirm", [("csrf_token", token), ("device", "phone-2"), ("code", world.code(phone))])
            world.clock.advance(30)
            #expect(try await browser.post("/ui/devices/remove", [("csrf_token", token), ("device", "default")]).status == 403)
            #expect(try await browser.post("/ui/devices/remove", [("csrf_token", token), ("device", "default"), ("code", world.code(alice))]).status == 303)
            world.clock.advance(30)
            let last = try await browser.post("/ui/devices/remove", [("csrf_token", token), ("device", "phone-2"), ("code", world.code(phone))])
            #expect(last.status == 400)
            #expect(try await world.admin.database.devices(user: "alice").map(\.name) == ["phone-2"])
        }
    }
}
