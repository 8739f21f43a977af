#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where CreateSession goes: `https://rolesanywhere.<region>.amazonaws.com`, or an override.
public struct Endpoint: Sendable, Equatable, CustomStringConvertible {
    public let scheme: String
    public let host: String
    public let port: Int?
    /// A path prefix from the override URL, without a trailing slash (usually empty).
    public let basePath: String

    /// Parses and checks an endpoint URL: http(s) only, no user name or password, http only for loopback.
    public init(parsing text: String) throws(RolesAnywhereError) {
        let shown = Self.shown(text)
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty
        else { throw .invalidEndpoint(shown, reason: "expected a URL such as https://rolesanywhere.us-east-1.amazonaws.com") }
        // An `@` anywhere, not only in a parsed user part: `https://ci-bot:Zx9/Qp@proxy` parses as
        // host ci-bot with a path, and the path would be printed.
        guard components.user == nil, components.password == nil, !text.unicodeScalars.contains("@") else {
            throw .invalidEndpoint(shown, reason: "a user name or password in the URL is not allowed")
        }
        guard components.query == nil, components.fragment == nil else {
            throw .invalidEndpoint(shown, reason: "a query or fragment is not allowed")
        }
        if let port = components.port, !(1...65535).contains(port) {
            throw .invalidEndpoint(shown, reason: "the port must be between 1 and 65535")
        }
        switch scheme {
        case "https": break
        case "http": guard Self.isLoopback(host) else { throw .insecureEndpoint(shown) }
        default: throw .invalidEndpoint(shown, reason: "only https:// is supported")
        }
        self.scheme = scheme
        self.host = host.hasPrefix("[") ? host : (host.contains(":") ? "[\(host)]" : host)
        self.port = components.port
        var path = components.path
        while path.hasSuffix("/") { path.removeLast() }
        self.basePath = path
    }

    /// Parses an endpoint read from `source` (an environment variable or option), whose name the
    /// refusal starts with so the person knows what to change.
    public init(parsing text: String, from source: String) throws(RolesAnywhereError) {
        do { try self.init(parsing: text) } catch {
            throw RolesAnywhereError(code: error.code, message: "\(source): \(error.message)")
        }
    }

    /// The URL as an error may show it: no user name or password, even when the URL does not parse
    /// (`https://alice:secret@`). The error itself keeps it printable and bounded.
    /// Everything from the scheme to the last `@` goes, wherever that `@` is: a password typed with
    /// an unencoded `/`, `?` or `#` (`https://ci-bot:Zx9/Qp#Lm2@proxy:8443`) ends the authority for a
    /// URL parser, but not for the person who typed it. Hiding a path's `@` too errs the safe way.
    /// Searched scalar by scalar: a combining mark after `@` would hide it from a search by
    /// Character, and the user name and password with it.
    /// Without `://` (`alice:pw@host`, `https:/alice:pw@host`), everything up to the last `@` goes.
    public static func shown(_ text: String) -> String {
        let scalars = text.unicodeScalars
        let start = scalars.firstRange(of: "://".unicodeScalars)?.upperBound ?? scalars.startIndex
        guard let at = scalars[start...].lastIndex(of: "@") else { return text }
        var shown = String.UnicodeScalarView(scalars[..<start])
        shown.append(contentsOf: "***".unicodeScalars)
        shown.append(contentsOf: scalars[at...])
        return String(shown)
    }

    /// The standard endpoint for a region.
    public init(region: String) throws(RolesAnywhereError) {
        try self.init(parsing: "https://rolesanywhere.\(region).amazonaws.com")
    }

    /// Explicit value, else `AWS_ENDPOINT_URL_ROLESANYWHERE`, else the region's standard endpoint.
    public static func resolve(explicit: String?, region: String, environment: [String: String]) throws(RolesAnywhereError) -> Endpoint {
        if let explicit, !explicit.isEmpty { return try Endpoint(parsing: explicit) }
        if let fromEnvironment = environment["AWS_ENDPOINT_URL_ROLESANYWHERE"], !fromEnvironment.isEmpty {
            return try Endpoint(parsing: fromEnvironment)
        }
        return try Endpoint(region: region)
    }

    /// The value of the Host header: host, plus the port when the URL names one.
    public var hostHeader: String { port.map { "\(host):\($0)" } ?? host }

    public func path(_ suffix: String) -> String { basePath + suffix }

    public func url(_ suffix: String) -> String { "\(scheme)://\(hostHeader)\(path(suffix))" }

    public var description: String { "\(scheme)://\(hostHeader)\(basePath)" }

    /// 127.0.0.0/8, ::1 and localhost.
    public static func isLoopback(_ host: String) -> Bool {
        let bare = (host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host).lowercased()
        if bare == "localhost" || bare == "::1" || bare == "0:0:0:0:0:0:0:1" { return true }
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) else { return false }
        return octets[0] == "127"
    }
}

/// Region: explicit value, else `AWS_REGION`, else `AWS_DEFAULT_REGION`, else an error saying how to set one.
public enum RegionResolver {
    public static func resolve(explicit: String?, environment: [String: String]) throws(RolesAnywhereError) -> String {
        for candidate in [explicit, environment["AWS_REGION"], environment["AWS_DEFAULT_REGION"]] {
            if let candidate, !candidate.isEmpty {
                guard isValidRegion(candidate) else {
                    throw RolesAnywhereError(code: .missingRegion, message: "invalid AWS region \(RolesAnywhereError.printable(candidate)): expected a name such as us-east-1")
                }
                return candidate
            }
        }
        throw .missingRegion()
    }

    /// Lower-case letters, digits and dashes, e.g. `eu-west-1`, `us-gov-west-1`.
    public static func isValidRegion(_ region: String) -> Bool {
        (1...32).contains(region.count) && region.first?.isLetter == true
            && region.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-") }
    }
}
