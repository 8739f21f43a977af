import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RolesAnywhere

/// The issuer's routes as an `HTTPTransport`, without a socket or TLS: Hummingbird's router test
/// client. Redirects are answers, as for rolecall's own transports; requests come from no address.
struct RouterTransport: HTTPTransport {
    /// What every request's authority is in the router test mode, so the console's own origin.
    static let url = "https://localhost"

    let client: any TestClientProtocol

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        guard let components = URLComponents(string: request.url), let method = HTTPRequest.Method(request.method) else {
            throw TransportError("not a request the router can take: \(request.method) \(request.url)")
        }
        let target = components.percentEncodedPath + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        var headers = HTTPFields()
        for header in request.headers {
            guard let name = HTTPField.Name(header.name) else { continue }
            headers.append(HTTPField(name: name, value: header.value))
        }
        let response = try await client.execute(uri: target, method: method, headers: headers, body: ByteBuffer(bytes: request.body))
        return TransportResponse(status: response.status.code, headers: response.headers.map { (name: $0.name.rawName, value: $0.value) },
                                 body: Array(response.body.readableBytesView))
    }
}
