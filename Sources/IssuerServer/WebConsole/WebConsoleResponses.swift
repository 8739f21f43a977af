import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// How every console answer is made: pages rendered from the templates, redirects, downloads,
/// and the security headers they all carry.
enum WebConsoleResponses {
    /// Scripts, styles and images only from this server (the pages use no script at all), forms
    /// only to it, and never inside a frame.
    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

    static func headers(contentType: String) -> HTTPFields {
        [
            .contentType: contentType,
            .contentSecurityPolicy: contentSecurityPolicy,
            .xContentTypeOptions: "nosniff",
            HTTPField.Name("Referrer-Policy")!: "no-referrer",
            HTTPField.Name("X-Frame-Options")!: "DENY",
            // Pages show one-time passwords, seeds and who holds what: never kept by a cache.
            .cacheControl: "no-store",
        ]
    }

    /// The layout's fields for a page: its title, the navigation when signed in, a message.
    static func page(_ template: String, title: String, visitor: WebConsoleService.Visitor?, status: HTTPResponse.Status = .ok,
                     notice: String? = nil, error: String? = nil, _ fields: [String: Any] = [:]) -> Response {
        var context = fields
        context["title"] = title
        if let visitor, !visitor.session.passwordChangeOnly {
            context["nav"] = ["user": visitor.user.name, "admin": visitor.user.admin, "csrf": visitor.session.csrfToken] as [String: Any]
        }
        if let visitor { context["csrf"] = visitor.session.csrfToken }
        if let notice { context["notice"] = notice }
        if let error { context["error"] = error }
        let html = WebConsoleTemplates.library.render(context, withTemplate: template) ?? ""
        return Response(status: status, headers: headers(contentType: "text/html; charset=utf-8"),
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func message(_ title: String, visitor: WebConsoleService.Visitor?, status: HTTPResponse.Status, error: String,
                        link: (href: String, text: String)? = nil) -> Response {
        page("message", title: title, visitor: visitor, status: status, error: error,
             link.map { ["link": ["href": $0.href, "text": $0.text]] } ?? [:])
    }

    static func forbidden(_ visitor: WebConsoleService.Visitor?) -> Response {
        message("Forbidden", visitor: visitor, status: .forbidden,
                error: "This page is for the issuer's administrators (`rolecall-issuer user admin NAME --on`).",
                link: ("/ui/me", "Your own page"))
    }

    static func unavailable(_ visitor: WebConsoleService.Visitor?) -> Response {
        message("Unavailable", visitor: visitor, status: .serviceUnavailable, error: "The issuer could not answer: try again in a moment.")
    }

    /// 303 See Other: after a form, the browser fetches the next page with GET.
    static func redirect(_ location: String, cookies: [Cookie] = []) -> Response {
        var response = Response(status: .seeOther, headers: headers(contentType: "text/plain; charset=utf-8"))
        response.headers[.location] = location
        for cookie in cookies { response.setCookie(cookie) }
        return response
    }

    static func download(_ text: String, contentType: String, filename: String) -> Response {
        var fields = headers(contentType: contentType)
        fields[.contentDisposition] = "attachment; filename=\"\(filename)\""
        return Response(status: .ok, headers: fields, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func stylesheet() -> Response {
        var fields = headers(contentType: "text/css; charset=utf-8")
        fields[.cacheControl] = "max-age=3600"
        return Response(status: .ok, headers: fields, body: .init(byteBuffer: ByteBuffer(string: WebConsoleStyle.css)))
    }

    /// The session cookie: host-only (`__Host-`), HTTPS only, out of scripts' reach, and never
    /// sent with a request another site starts. No Max-Age: it ends with the browser, and the
    /// server ends the session itself.
    static func sessionCookie(_ value: String) -> Cookie {
        Cookie(name: WebConsoleService.cookieName, value: value, path: "/", secure: true, httpOnly: true, sameSite: .strict)
    }

    static func expiredCookie(_ name: String) -> Cookie {
        Cookie(name: name, value: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/", secure: true, httpOnly: true, sameSite: .strict)
    }

    /// The sign-in form's CSRF token, kept in a cookie of its own until there is a session.
    static let loginCookieName = "__Host-rolecall-login"

    static func loginCookie(_ value: String) -> Cookie {
        Cookie(name: loginCookieName, value: value, maxAge: 3600, path: "/", secure: true, httpOnly: true, sameSite: .strict)
    }
}
