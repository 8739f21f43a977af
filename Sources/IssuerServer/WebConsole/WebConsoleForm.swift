import Foundation
import Hummingbird
import IssuerStorage
import RolesAnywhere

/// Every field a console form posts; each form sends some of them. Decoded from
/// `application/x-www-form-urlencoded` by Hummingbird's decoder.
struct WebConsoleForm: Decodable, Sendable, CustomStringConvertible {
    var csrfToken: String?
    var user: String?
    var password: String?
    var code: String?
    var newPassword: String?
    var newPasswordAgain: String?
    var device: String?
    var newDevice: String?

    enum CodingKeys: String, CodingKey {
        case csrfToken = "csrf_token"
        case user, password, code
        case newPassword = "new_password"
        case newPasswordAgain = "new_password_again"
        case device
        case newDevice = "new_device"
    }

    static let empty = WebConsoleForm()

    var description: String { "WebConsoleForm(user: \(user ?? "-"), device: \(device ?? "-"), passwords, code and CSRF token: <redacted>)" }

    static func parse(_ body: String) throws -> WebConsoleForm {
        try URLEncodedFormDecoder().decode(WebConsoleForm.self, from: body)
    }
}

/// The audit page's filters, from its query string, and back into one for the next page and the
/// downloads.
struct AuditQuery: Sendable {
    var user: String?
    var event: String?
    var result: String?
    /// As typed (a `datetime-local` field gives `2026-12-01T09:30`, read as UTC).
    var from: String?
    var to: String?
    var before: Int64?

    init(_ parameters: [String: String]) {
        func field(_ name: String) -> String? {
            parameters[name].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : String($0.prefix(200)) }
        }
        user = field("user")
        event = field("event")
        result = field("result")
        from = field("from")
        to = field("to")
        before = field("before").flatMap { Int64($0) }
    }

    /// Nil fields for times that do not parse are reported by `problems`.
    var filter: AuditFilter {
        AuditFilter(user: user, event: event, result: result, from: from.flatMap(Self.time), until: to.flatMap(Self.time))
    }

    var problems: [String] {
        [("From", from), ("To", to)].compactMap { label, text in
            guard let text, Self.time(text) == nil else { return nil }
            return "\(label) is not a time: use YYYY-MM-DDTHH:MM (UTC)"
        }
    }

    static func time(_ text: String) -> Date? {
        RFC3339.date(from: text) ?? RFC3339.date(from: text + ":00Z") ?? RFC3339.date(from: text + "Z")
    }

    /// The filters (without the page), percent-encoded.
    func queryString(before: Int64? = nil) -> String {
        var components = URLComponents()
        components.queryItems = [("user", user), ("event", event), ("result", result), ("from", from), ("to", to),
                                 ("before", before.map(String.init))]
            .compactMap { name, value in value.map { URLQueryItem(name: name, value: $0) } }
        return components.percentEncodedQuery ?? ""
    }
}
