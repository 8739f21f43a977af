import AsyncHTTPClient
import NIOCore
import RolesAnywhere

/// The load clients' transport: async-http-client's pool keeps one connection per client open,
/// so the figures measure the server, not handshakes. The load test (and the console tests'
/// browser, which wants each 303 as an answer) only: the client opens one connection per exchange
/// and does not link async-http-client.
struct PooledTransport: HTTPTransport {
    let client: HTTPClient

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = .init(rawValue: request.method)
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        outgoing.body = .bytes(request.body)
        let response = try await client.execute(outgoing, timeout: .seconds(30))
        var body = try await response.body.collect(upTo: 1 << 20)
        return TransportResponse(status: Int(response.status.code), headers: response.headers.map { (name: $0.name, value: $0.value) },
                                 body: body.readBytes(length: body.readableBytes) ?? [])
    }
}
