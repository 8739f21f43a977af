import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import RolesAnywhere

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The production transport: async-http-client, TLS verified by the system trust store,
/// bounded response size and time, redirects refused.
public struct AsyncHTTPClientTransport: HTTPTransport {
    /// CreateSession answers are a few KiB; anything far larger is not AWS.
    public static let maximumResponseBytes = 1 << 20

    /// How long one exchange may take, from sending the request to the last byte of the answer.
    public static let defaultDeadline: Duration = .seconds(30)

    /// The configuration of every client rolecall makes: redirects are never followed, so a signed
    /// request or a password goes to the configured URL only.
    public static func configuration(tls: TLSConfiguration = .makeClientConfiguration()) -> HTTPClient.Configuration {
        HTTPClient.Configuration(tlsConfiguration: tls, redirectConfiguration: .disallow)
    }

    /// Shared by the transports made without a client of their own (`HTTPClient.shared` follows redirects).
    private static let sharedClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration())

    private let client: HTTPClient
    private let deadline: Duration

    /// `client` must come from `configuration(tls:)`. `deadline` covers the head and the whole body:
    /// async-http-client's own deadline ends with the head, and its read timeout restarts at every byte.
    public init(client: HTTPClient? = nil, deadline: Duration = defaultDeadline) {
        self.client = client ?? Self.sharedClient
        self.deadline = deadline
    }

    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        do {
            return try await Self.within(deadline) { try await exchange(request) }
        } catch is NIOTooManyBytesError {
            throw TransportError.tooLarge(limit: Self.maximumResponseBytes)
        } catch let error as HTTPClientError {
            if error == .deadlineExceeded || error == .readTimeout { throw TransportError.timedOut(after: deadline) }
            throw TransportError(Self.reason(for: error), code: error == .connectTimeout ? .timedOut : .connection,
                                 neverSent: Self.neverSent(error))
        } catch let error as TransportError {
            throw error
        } catch {
            // BoringSSL's own text names files of its build: say what it means instead.
            if case NIOSSLError.handshakeFailed = error, "\(error)".contains("CERTIFICATE_VERIFY_FAILED") { throw TransportError.untrustedCertificate }
            throw TransportError("\(error)", neverSent: Self.neverSent(error))
        }
    }

    private func exchange(_ request: TransportRequest) async throws -> TransportResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        outgoing.body = .bytes(request.body)
        let response = try await client.execute(outgoing, deadline: .now() + TimeAmount(deadline))
        if Self.isRedirect(response.status.code) {
            throw TransportError.redirect(status: Int(response.status.code), location: response.headers.first(name: "location"))
        }
        var body = try await response.body.collect(upTo: Self.maximumResponseBytes)
        let bytes = body.readBytes(length: body.readableBytes) ?? []
        return TransportResponse(
            status: Int(response.status.code),
            headers: response.headers.map { (name: $0.name, value: $0.value) },
            body: bytes
        )
    }

    /// 304 Not Modified and 300 Multiple Choices name no target a client would go to.
    static func isRedirect(_ status: UInt) -> Bool { [301, 302, 303, 307, 308].contains(status) }

    /// `operation`'s result, or `TransportError.timedOut` once `deadline` passes; the operation is
    /// cancelled then, which closes its connection.
    static func within<T: Sendable>(_ deadline: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: deadline)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let result = first else { throw TransportError.timedOut(after: deadline) }
            return result
        }
    }

    /// Failures that happen before the request is written: no connection, or no TLS session.
    /// Anything later (a reset, a read timeout) may come after the server acted on the request.
    static func neverSent(_ error: any Error) -> Bool {
        switch error {
        case let error as HTTPClientError:
            [.connectTimeout, .tlsHandshakeTimeout].contains(error)
        case is NIOConnectionError:
            true
        case ChannelError.connectTimeout:
            true
        case let error as IOError:
            [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH].contains(error.errnoCode)
        case NIOSSLError.handshakeFailed:
            true
        default:
            false
        }
    }

    private static func reason(for error: HTTPClientError) -> String {
        switch error {
        case .connectTimeout: "timed out"
        case .remoteConnectionClosed: "the server closed the connection"
        default: "\(error)"
        }
    }
}
