/// One HTTP exchange, behind a protocol so tests and the emulator need no network stack of their own.
public protocol HTTPTransport: Sendable {
    func send(_ request: TransportRequest) async throws -> TransportResponse
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

/// A transport failure before any HTTP status arrived (refused, reset, timed out, too large).
public struct TransportError: Error, Sendable, CustomStringConvertible {
    public let reason: String
    /// True only when the request certainly never reached the server (no connection or no TLS
    /// session was made), so sending it to another server cannot make it count twice.
    public let neverSent: Bool

    public init(_ reason: String, neverSent: Bool = false) {
        self.reason = reason
        self.neverSent = neverSent
    }

    public var description: String { reason }
}
