import Foundation

/// The source a request counts against for every per-address limit (logins, requests without a
/// valid token, open connections) and for coalescing refusal rows: one client is one source even
/// when it changes its address within what it surely holds. An IPv6 client usually holds a whole
/// /64, so the /64 is the source; all of 127.0.0.0/8 is the local machine and one source (so is
/// `::1`); an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, what `--listen [::]` sees IPv4 clients
/// as) is its IPv4 address first, or a /64 key would put all of IPv4 in one source.
///
/// Audit rows keep the exact address; only limits use the key. Behind a load balancer every
/// request comes from the balancer's address (docs/issuer-api.md, "Login rate limit").
public struct SourceAddress: Hashable, Sendable, CustomStringConvertible {
    /// What limits are keyed by, e.g. `192.0.2.7`, `127.0.0.0/8`, `2001:db8:1:2::/64`.
    public let key: String

    public init(_ address: String?) {
        key = address.map(Self.key(of:)) ?? "unknown"
    }

    public var description: String { key }

    private static func key(of address: String) -> String {
        // A scoped link-local address (`fe80::1%eth0`) keys by its address alone.
        let bare = address.split(separator: "%", maxSplits: 1).first.map(String.init) ?? address
        var v4 = in_addr()
        if inet_pton(AF_INET, bare, &v4) == 1 {
            return ipv4Key(withUnsafeBytes(of: &v4) { Array($0) })
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, bare, &v6) == 1 else { return address }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return ipv4Key(Array(bytes[12...]))
        }
        if bytes == Array(repeating: 0, count: 15) + [1] { return loopback }
        let groups = stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
        return groups.joined(separator: ":") + "::/64"
    }

    private static let loopback = "127.0.0.0/8"

    private static func ipv4Key(_ bytes: [UInt8]) -> String {
        bytes[0] == 127 ? loopback : bytes.map(String.init).joined(separator: ".")
    }
}
