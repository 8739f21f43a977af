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
/// bounded response size and time.
public struct AsyncHTTPClientTransport: HTTPTransport {
    /// CreateSession answers are a few KiB; anything far larger is not AWS.
    public static let maximumResponseBytes = 1 << 20

    private let client: HTTPClient
    private let timeout: TimeAmount

    public init(client: HTTPClient = .shared, timeout: TimeAmount = .seconds(30)) {
        self.client = client
        self.timeout = timeout
    }

    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        outgoing.body = .bytes(request.body)
        do {
            let response = try await client.execute(outgoing, timeout: timeout)
            var body = try await response.body.collect(upTo: Self.maximumResponseBytes)
            let bytes = body.readBytes(length: body.readableBytes) ?? []
            return TransportResponse(
                status: Int(response.status.code),
                headers: response.headers.map { (name: $0.name, value: $0.value) },
                body: bytes
            )
        } catch let error as NIOTooManyBytesError {
            _ = error
            throw TransportError("the response was larger than \(Self.maximumResponseBytes) bytes")
        } catch let error as HTTPClientError {
            throw TransportError(Self.reason(for: error), neverSent: Self.neverSent(error))
        } catch let error as TransportError {
            throw error
        } catch {
            throw TransportError("\(error)", neverSent: Self.neverSent(error))
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
        case .deadlineExceeded, .readTimeout, .connectTimeout: "timed out"
        case .remoteConnectionClosed: "the server closed the connection"
        default: "\(error)"
        }
    }
}
