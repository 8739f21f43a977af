import AsyncHTTPClient
import NIOCore
import NIOHTTP1

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
            throw TransportError(Self.reason(for: error))
        } catch let error as TransportError {
            throw error
        } catch {
            throw TransportError("\(error)")
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
