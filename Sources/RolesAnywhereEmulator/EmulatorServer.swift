import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdServing
import Logging
import NIOCore
import RolesAnywhere

/// Serves an `Emulator` over HTTP on a loopback address.
public struct EmulatorServer: Sendable {
    public let emulator: Emulator
    public let host: String
    public let port: Int

    public init(emulator: Emulator, host: String = "127.0.0.1", port: Int = 0) {
        self.emulator = emulator
        self.host = host
        self.port = port
    }

    /// Runs until the task is cancelled. `onListening` gets the base URL once connections are accepted.
    public func run(onListening: @escaping @Sendable (String) async -> Void) async throws {
        let emulator = self.emulator
        let router = Router()
        router.on("**", method: .post) { request, _ in try await Self.respond(emulator, request) }
        router.on("/", method: .post) { request, _ in try await Self.respond(emulator, request) }
        router.on("/federation", method: .get) { request, _ in try await Self.respond(emulator, request) }
        let host = self.host
        let app = Application(
            router: router,
            // One accepted as the server stops is closed, not dropped (`closingUnserved`).
            server: .closingUnserved { HTTP1Channel(responder: $0) },
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                let shown = host.contains(":") ? "[\(host)]" : host
                await onListening("http://\(shown):\(port)")
            },
            logger: Logger(label: "rolesanywhere-emulator", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        try await app.run()
    }

    static func respond(_ emulator: Emulator, _ request: Request) async throws -> Response {
        var body = try await request.body.collect(upTo: Emulator.maximumBodyBytes + 1)
        var headers: [(name: String, value: String)] = []
        if let authority = request.head.authority { headers.append(("host", authority)) }
        for field in request.headers { headers.append((field.name.canonicalName, field.value)) }
        let signable = SignableRequest(
            method: request.method.rawValue,
            path: request.uri.path,
            query: request.uri.query ?? "",
            headers: headers,
            body: body.readBytes(length: body.readableBytes) ?? []
        )
        let answer = await emulator.handle(signable)
        var fields = HTTPFields()
        for header in answer.headers {
            if let name = HTTPField.Name(header.name) { fields.append(HTTPField(name: name, value: header.value)) }
        }
        return Response(
            status: HTTPResponse.Status(code: answer.status),
            headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body))
        )
    }
}
