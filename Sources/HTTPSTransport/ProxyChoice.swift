#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RolesAnywhere

/// Whether an https request goes through a proxy, decided as the aws CLI does (Python's
/// `urllib.request.getproxies_environment` and `proxy_bypass_environment`): `https_proxy`, else
/// `HTTPS_PROXY`; `no_proxy`, else `NO_PROXY`, a comma list of host names, each matching itself and
/// every name below it (`example.com` and `.example.com` both cover `a.example.com`), or `*` for all.
/// Unlike the CLI, loopback (127.0.0.0/8, ::1, localhost) is never proxied. Plain http:// is
/// used for loopback only, so `HTTP_PROXY` does not apply.
public enum ProxyChoice {
    public struct Proxy: Sendable, Equatable {
        public let host: String
        public let port: Int
        /// `Basic …` from the URL's user and password; never printed.
        let authorization: String?

        /// `host:port`, as messages show the proxy (never its user or password).
        public var authority: String { (host.contains(":") ? "[\(host)]" : host) + ":\(port)" }
    }

    static func proxy(for target: Target, environment: [String: String]) throws -> Proxy? {
        guard target.isTLS else { return nil }
        return try proxy(forHost: target.host, port: target.port, environment: environment)
    }

    /// The proxy for `https://host:port`, or nil to connect directly.
    public static func proxy(forHost host: String, port: Int, environment: [String: String]) throws -> Proxy? {
        guard let value = variable("https_proxy", environment), !Endpoint.isLoopback(host),
              !bypasses(host: host, port: port, noProxy: variable("no_proxy", environment) ?? "")
        else { return nil }
        return try parse(value)
    }

    /// `NO_PROXY`'s rule, as `proxy_bypass_environment` has it: an entry matches the host, with or
    /// without the port, or any name ending in `.` + the entry (its leading dots dropped).
    public static func bypasses(host: String, port: Int, noProxy: String) -> Bool {
        if noProxy == "*" { return true }
        let hostOnly = host.lowercased()
        let withPort = (hostOnly.contains(":") ? "[\(hostOnly)]" : hostOnly) + ":\(port)"
        for entry in noProxy.split(separator: ",") {
            let name = String(entry.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed().drop { $0 == "." }).lowercased()
            guard !name.isEmpty else { continue }
            if hostOnly == name || withPort == name || hostOnly.hasSuffix("." + name) || withPort.hasSuffix("." + name) { return true }
        }
        return false
    }

    /// `http://[user:password@]host[:port]`; without a scheme, http:// is assumed (as botocore does).
    static func parse(_ value: String) throws -> Proxy {
        let url = value.contains("://") ? value : "http://" + (value.hasPrefix("//") ? String(value.dropFirst(2)) : value)
        let shown = Endpoint.shown(value)
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else {
            throw TransportError("HTTPS_PROXY (\(shown)) is not a proxy URL; set it to http://HOST:PORT", neverSent: true)
        }
        guard components.scheme?.lowercased() == "http" else {
            throw TransportError("HTTPS_PROXY (\(shown)) names a \(components.scheme ?? "") proxy; rolecall reaches proxies over http://, so set it to http://HOST:PORT", neverSent: true)
        }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let authorization = components.user.map { user in
            "Basic " + Data("\(user):\(components.password ?? "")".utf8).base64EncodedString()
        }
        return Proxy(host: bare, port: components.port ?? 80, authorization: authorization)
    }

    /// The lowercase variable when it is set, even empty (an empty one turns the other off, as in
    /// Python); else the uppercase one.
    private static func variable(_ name: String, _ environment: [String: String]) -> String? {
        let value = environment[name] ?? environment[name.uppercased()]
        return value?.isEmpty == false ? value : nil
    }
}
