import AsyncHTTPClient
import Foundation
import Issuance
import NIOCore
import RolesAnywhere
@testable import rolecall_issuer_load
import Testing

/// A browser as far as the console tests need one: it keeps cookies, sends forms with this
/// origin (unless told otherwise), and never follows redirects, so tests see each 303.
final class WebConsoleBrowser: @unchecked Sendable {
    struct Page {
        let status: Int
        let headers: [(name: String, value: String)]
        let body: String

        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
        func headers(_ name: String) -> [String] { headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value) }
        var location: String? { header("location") }

        /// The value of the first hidden `csrf_token` field.
        var csrfToken: String? {
            guard let range = body.range(of: #"name="csrf_token" value="([^"]*)""#, options: .regularExpression) else { return nil }
            return String(body[range].dropFirst(#"name="csrf_token" value=""#.count).dropLast())
        }
    }

    let client: IssuerClient
    /// Name to value; the tests run one request at a time.
    private(set) var cookies: [String: String] = [:]

    init(_ client: IssuerClient) { self.client = client }

    func get(_ path: String) async throws -> Page {
        try await send("GET", path, body: nil, origin: nil)
    }

    /// A form POST, with this server's `Origin` unless told otherwise, and any `headers` more.
    func post(_ path: String, _ fields: [(String, String)], origin: String? = "self", headers: [(String, String)] = []) async throws -> Page {
        var components = URLComponents()
        components.queryItems = fields.map { URLQueryItem(name: $0.0, value: $0.1) }
        let body = (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        return try await send("POST", path, body: body, origin: origin == "self" ? client.urls[0] : origin, extra: headers)
    }

    func forget(_ cookie: String) { cookies[cookie] = nil }

    func setCookie(_ name: String, _ value: String) { cookies[name] = value }

    private func send(_ method: String, _ path: String, body: String?, origin: String?, extra: [(String, String)] = []) async throws -> Page {
        var headers: [(name: String, value: String)] = extra.map { (name: $0.0, value: $0.1) }
        if !cookies.isEmpty {
            headers.append(("cookie", cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")))
        }
        if let origin { headers.append(("origin", origin)) }
        if body != nil { headers.append(("content-type", "application/x-www-form-urlencoded")) }
        let request = TransportRequest(method: method, url: client.urls[0] + path, headers: headers, body: Array((body ?? "").utf8))
        let response: TransportResponse
        if let routes = client.routes {
            response = try await RouterTransport(client: routes).send(request)
        } else {
            response = try await Self.exchange(request, pinned: client.pinnedCertificatePEM)
        }
        for header in response.headers where header.name.lowercased() == "set-cookie" {
            let pair = header.value.split(separator: ";", maxSplits: 1)[0].split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let name = String(pair[0]), value = String(pair[1])
            if value.isEmpty || header.value.lowercased().contains("max-age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        return Page(status: response.status, headers: response.headers, body: String(decoding: response.body, as: UTF8.self))
    }

    /// One exchange as a browser sees it: a 303 is an answer to look at, not an error (rolecall's own
    /// transports refuse every redirect), over TLS to the pinned certificate.
    private static func exchange(_ request: TransportRequest, pinned: String) async throws -> TransportResponse {
        let client = HTTPClient(eventLoopGroupProvider: .singleton,
                                configuration: .init(tlsConfiguration: try IssuerTLS.configuration(pinnedCertificatePEM: pinned), redirectConfiguration: .disallow))
        do {
            let response = try await PooledTransport(client: client).send(request)
            try await client.shutdown()
            return response
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Signs in through the form: the sign-in page first (for its CSRF cookie), then the POST.
    @discardableResult
    func signIn(_ user: String, password: String, code: String) async throws -> Page {
        let form = try await get("/ui/login")
        let token = try #require(form.csrfToken)
        return try await post("/ui/login", [("csrf_token", token), ("user", user), ("password", password), ("code", code)])
    }

    /// The CSRF token of the signed-in session, read off a page that has forms (`/ui/password` for a
    /// session that may only change its password).
    func sessionToken(from path: String = "/ui/me") async throws -> String {
        try #require(try await get(path).csrfToken)
    }
}
