#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOCore
import RolesAnywhere

/// Where one request goes, taken from its URL: http or https, host, port, and the request target.
struct Target: Sendable {
    let isTLS: Bool
    /// Without brackets for an IPv6 literal (what a socket and a certificate check want).
    let host: String
    let port: Int
    /// Path and query, as the request line carries them.
    let requestTarget: String

    init(_ url: String) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(), scheme == "https" || scheme == "http",
              let host = components.host, !host.isEmpty
        else { throw TransportError("\(Endpoint.shown(url)) is not an http:// or https:// URL") }
        isTLS = scheme == "https"
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        port = components.port ?? (isTLS ? 443 : 80)
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        requestTarget = path + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
    }

    var isIPAddress: Bool { (try? SocketAddress(ipAddress: host, port: port)) != nil }

    /// `host:port`, an IPv6 literal in brackets: a Host header, a CONNECT target, a progress line.
    var authority: String { (host.contains(":") ? "[\(host)]" : host) + ":\(port)" }

    /// The Host header: the port only when it is not the scheme's own.
    var hostHeader: String { port == (isTLS ? 443 : 80) ? (host.contains(":") ? "[\(host)]" : host) : authority }

    /// What a prepared connection is kept under.
    var origin: String { (isTLS ? "https://" : "http://") + authority }
}
