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
enum ConsoleRoutes {
    static func add(to router: Router<IssuerRequestContext>, service: IssuerService) {
        let console = ConsoleService(service: service)
        let pages = ConsolePages(console: console)
        router.get("/ui/console.css") { _, _ in ConsoleResponses.stylesheet() }
        // Browsers ask for it on every page; there is none.
        router.get("/favicon.ico") { _, _ in Response(status: .noContent, headers: [.cacheControl: "max-age=86400"]) }

        router.get("/ui/login") { request, _ in await pages.loginForm(request) }
        router.post("/ui/login") { request, context in await pages.signIn(request, context) }

        router.get("/ui/password") { request, context in
            await pages.signedIn(request, context, pendingPasswordAllowed: true) { visitor in
                pages.passwordForm(visitor)
            }
        }
        router.post("/ui/password") { request, context in
            await pages.posted(request, context, pendingPasswordAllowed: true) { visitor, form in
                try await pages.changePassword(visitor, form, context)
            }
        }
        router.post("/ui/logout") { request, context in
            await pages.posted(request, context, pendingPasswordAllowed: true) { visitor, _ in
                try await console.signOut(visitor)
                return ConsoleResponses.redirect("/ui/login?done=signed-out", cookies: [ConsoleResponses.expiredCookie(ConsoleService.cookieName)])
            }
        }

        router.get("/ui/me") { request, context in
            await pages.signedIn(request, context) { visitor in try await pages.me(visitor, request) }
        }
        router.get("/ui/devices/new") { request, context in
            await pages.signedIn(request, context) { visitor in pages.deviceForm(visitor) }
        }
        router.post("/ui/devices/new") { request, context in
            await pages.posted(request, context) { visitor, form in try await pages.beginEnrolment(visitor, form, context) }
        }
        router.post("/ui/devices/confirm") { request, context in
            await pages.posted(request, context) { visitor, form in try await pages.confirmEnrolment(visitor, form, context) }
        }
        router.post("/ui/devices/remove") { request, context in
            await pages.posted(request, context) { visitor, form in
                try await console.removeDevice(visitor, device: form.device ?? "", code: form.code, client: context.clientAddress)
                return ConsoleResponses.redirect("/ui/me?done=device-removed")
            }
        }

        // Administrators.
        // The router treats "/ui" and "/ui/" as one path.
        router.get("/ui/") { request, context in
            await pages.signedIn(request, context, admin: true) { visitor in try await pages.summary(visitor, request) }
        }
        router.get("/ui/audit") { request, context in
            await pages.signedIn(request, context, admin: true) { visitor in try await pages.audit(visitor, request) }
        }
        router.get("/ui/audit.csv") { request, context in
            await pages.signedIn(request, context, admin: true) { _ in try await pages.auditDownload(request, format: .csv) }
        }
        router.get("/ui/audit.jsonl") { request, context in
            await pages.signedIn(request, context, admin: true) { _ in try await pages.auditDownload(request, format: .jsonLines) }
        }
        router.get("/ui/users") { request, context in
            await pages.signedIn(request, context, admin: true) { visitor in try await pages.users(visitor, request) }
        }
        for action in ConsolePages.UserAction.allCases {
            router.post(.init("/ui/users/\(action.rawValue)")) { request, context in
                await pages.posted(request, context, admin: true) { visitor, form in try await pages.userAction(action, visitor, form, client: context.clientAddress) }
            }
        }
        router.get("/ui/roles") { request, context in
            await pages.signedIn(request, context, admin: true) { visitor in try await pages.roles(visitor) }
        }
        router.get("/ui/certificates") { request, context in
            await pages.signedIn(request, context, admin: true) { visitor in try await pages.certificates(visitor) }
        }
        // Anything else under /ui/: the sign-in page first, then "no such page".
        router.get("/ui/**") { request, context in
            await pages.signedIn(request, context, pendingPasswordAllowed: true) { visitor in
                ConsoleResponses.message("Not found", visitor: visitor, status: .notFound, error: "There is no such page.", link: ("/ui/me", "Your own page"))
            }
        }
    }
}
