/// One HTTP exchange, behind a protocol so tests and the emulator need no network stack of their own.
public protocol HTTPTransport: Sendable {
    func send(_ request: TransportRequest) async throws -> TransportResponse

    /// Connects (and finishes TLS) to `url`'s server now, for the next `send` there to use: a
    /// failure here comes before anything is spent on the request (an MFA code).
    func prepare(_ url: String) async throws
}

extension HTTPTransport {
    /// A transport that needs no connection (a fake, the emulator in-process) has nothing to prepare.
    public func prepare(_ url: String) async throws {}
}

public struct TransportRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, url: String, headers: [(name: String, value: String)], body: [UInt8]) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

public struct TransportResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }
}

/// A transport failure before a usable answer arrived (refused, reset, timed out, too large, redirected).
public struct TransportError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case connection, timedOut, tooLarge
        /// A 3xx answer: no rolecall client follows one, since it could take a signed request or a
        /// password to another origin, even over plain HTTP.
        case redirect
        /// The server's TLS certificate is not one this client trusts (no pin, not in the trust store).
        case untrustedCertificate
    }

    public let code: Code
    public let reason: String
    /// True only when the request certainly never reached the server (no connection or no TLS
    /// session was made), so sending it to another server cannot make it count twice.
    public let neverSent: Bool

    public init(_ reason: String, code: Code = .connection, neverSent: Bool = false) {
        self.code = code
        self.reason = reason
        self.neverSent = neverSent
    }

    public var description: String { reason }

    /// Head and body together did not arrive within `deadline`.
    public static func timedOut(after deadline: Duration) -> TransportError {
        TransportError("timed out: no complete answer within \(deadline.components.seconds) s", code: .timedOut)
    }

    public static let untrustedCertificate = TransportError("the server's TLS certificate is not trusted here", code: .untrustedCertificate, neverSent: true)

    public static func tooLarge(limit: Int) -> TransportError {
        TransportError("the response was larger than \(limit) bytes", code: .tooLarge)
    }

    /// A redirect answer, refused. Only the target's origin is shown: its path or query may carry
    /// a token, and the server chose it.
    public static func redirect(status: Int, location: String?) -> TransportError {
        let target = location.map { " to " + printableExcerpt(origin(of: $0), limit: 200) } ?? ""
        return TransportError("the server answered HTTP \(status), a redirect\(target), and rolecall follows no redirects: configure the service's own URL", code: .redirect)
    }

    /// `scheme://host:port` of an absolute URL, without user information; a relative one stays on the server.
    static func origin(of location: String) -> String {
        guard let schemeEnd = location.firstRange(of: "://") else { return "another path" }
        let authority = location[schemeEnd.upperBound...].prefix { !"/?#".contains($0) }
        let host = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? authority
        return String(location[..<schemeEnd.upperBound] + host)
    }
}
