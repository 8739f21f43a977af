import Foundation
import HTTPTypes
import Hummingbird
import IssuanceCore
import IssuerProtocol
import IssuerStorage
import NIOCore
import RolesAnywhere

/// The web console under `/ui/`, on the API's listener: server-rendered pages that work without
/// JavaScript (docs/console.md).
///
/// Every page needs a live console session (else 303 to `/ui/login`); administrator pages answer
/// 403 to everyone else. Every POST must come from this origin and carry the session's CSRF token
/// (else 403, audited).
enum WebConsoleRoutes {
    static func add(to router: Router<IssuerRequestContext>, service: IssuerService) {
        let console = WebConsoleService(service: service)
        let pages = WebConsolePages(console: console)
        router.get("/ui/console.css") { _, _ in WebConsoleResponses.stylesheet() }
        // Browsers ask for it on every page; there is none.
        router.get("/favicon.ico") { _, _ in Response(status: .noContent, headers: [.cacheControl: "max-age=86400"]) }
        router.get("/ui/login") { request, _ in await pages.loginForm(request) }
        router.post("/ui/login") { request, context in await pages.signIn(request, context) }
        addPasswordPages(to: router.group().add(middleware: WebConsoleGuard(pages: pages, pendingPasswordAllowed: true)), pages, console)
        addOwnPages(to: router.group().add(middleware: WebConsoleGuard(pages: pages)), pages, console)
        addAdministratorPages(to: router.group().add(middleware: WebConsoleGuard(pages: pages, admin: true)), pages)
    }

    /// What a session signed in with a one-time password may see too.
    static func addPasswordPages(to group: RouterGroup<IssuerRequestContext>, _ pages: WebConsolePages, _ console: WebConsoleService) {
        group.get("/ui/password") { _, context in await pages.page(context) { pages.passwordForm($0) } }
        group.post("/ui/password") { request, context in
            await pages.posted(request, context) { visitor, form in try await pages.changePassword(visitor, form, context) }
        }
        group.post("/ui/logout") { request, context in
            await pages.posted(request, context) { visitor, _ in
                try await console.signOut(visitor)
                return WebConsoleResponses.redirect("/ui/login?done=signed-out", cookies: [WebConsoleResponses.expiredCookie(WebConsoleService.cookieName)])
            }
        }
        // Anything else under /ui/: the sign-in page first, then "no such page".
        group.get("/ui/**") { _, context in
            await pages.page(context) { visitor in
                WebConsoleResponses.message("Not found", visitor: visitor, status: .notFound, error: "There is no such page.", link: ("/ui/me", "Your own page"))
            }
        }
    }

    /// Every user's own page and devices.
    static func addOwnPages(to group: RouterGroup<IssuerRequestContext>, _ pages: WebConsolePages, _ console: WebConsoleService) {
        group.get("/ui/me") { request, context in await pages.page(context) { try await pages.me($0, request) } }
        group.get("/ui/devices/new") { _, context in await pages.page(context) { pages.deviceForm($0) } }
        group.post("/ui/devices/new") { request, context in
            await pages.posted(request, context) { visitor, form in try await pages.beginEnrolment(visitor, form, context) }
        }
        group.post("/ui/devices/confirm") { request, context in
            await pages.posted(request, context) { visitor, form in try await pages.confirmEnrolment(visitor, form, context) }
        }
        group.post("/ui/devices/remove") { request, context in
            await pages.posted(request, context) { visitor, form in
                try await console.removeDevice(visitor, device: form.device ?? "", code: form.code, client: context.clientAddress)
                return WebConsoleResponses.redirect("/ui/me?done=device-removed")
            }
        }
    }

    static func addAdministratorPages(to group: RouterGroup<IssuerRequestContext>, _ pages: WebConsolePages) {
        // The router treats "/ui" and "/ui/" as one path.
        group.get("/ui/") { request, context in await pages.page(context) { try await pages.summary($0, request) } }
        group.get("/ui/audit") { request, context in await pages.page(context) { try await pages.audit($0, request) } }
        group.get("/ui/audit.csv") { request, context in await pages.page(context) { _ in try await pages.auditDownload(request, format: .csv) } }
        group.get("/ui/audit.jsonl") { request, context in await pages.page(context) { _ in try await pages.auditDownload(request, format: .jsonLines) } }
        group.get("/ui/users") { request, context in await pages.page(context) { try await pages.users($0, request) } }
        for action in WebConsolePages.UserAction.allCases {
            group.post(.init("/ui/users/\(action.rawValue)")) { request, context in
                await pages.posted(request, context) { visitor, form in try await pages.userAction(action, visitor, form, client: context.clientAddress) }
            }
        }
        group.get("/ui/roles") { _, context in await pages.page(context) { try await pages.roles($0) } }
        group.get("/ui/certificates") { _, context in await pages.page(context) { try await pages.certificates($0) } }
    }
}
