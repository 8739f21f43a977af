import Foundation
import HTTPTypes
import Hummingbird
import IssuerProtocol
import NIOCore

/// The request context: Hummingbird's, plus the client's address for audit rows and rate limits.
public struct IssuerRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    /// The console's visitor, once `WebConsoleGuard` admitted them.
    var visitor: WebConsoleService.Visitor?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// Logins and CSRs are a few KiB.
    public var maxUploadSize: Int { 64 * 1024 }

    var clientAddress: String? { remoteAddress?.ipAddress }
}

/// The HTTP face of `IssuerService` (docs/issuer-api.md).
enum IssuerRoutes {
    static func router(service: IssuerService, serverCertificatePEM: String) -> Router<IssuerRequestContext> {
        let router = Router(context: IssuerRequestContext.self)
        router.post(.init(IssuerAPI.loginPath)) { request, context in
            try await answer(route: "login", service: service) {
                let body = try await decode(IssuerAPI.LoginRequest.self, request, context, metrics: service.metrics)
                return try await service.login(body, client: context.clientAddress)
            }
        }
        router.post(.init(IssuerAPI.certificatesPath)) { request, context in
            try await answer(route: "certificates", service: service) {
                let body = try await decode(IssuerAPI.CertificateRequest.self, request, context, metrics: service.metrics)
                return try await service.issue(body, token: bearerToken(request), client: context.clientAddress)
            }
        }
        router.post(.init(IssuerAPI.certificateBatchPath)) { request, context in
            try await answer(route: "certificates-batch", service: service) {
                let body = try await decode(IssuerAPI.CertificateBatchRequest.self, request, context, metrics: service.metrics)
                return try await service.issueMany(body, token: bearerToken(request), client: context.clientAddress)
            }
        }
        router.get(.init(IssuerAPI.serverCertificatePath)) { _, _ in
            json(IssuerAPI.ServerCertificate(certificate: serverCertificatePEM), status: .ok)
        }
        router.get("/healthz") { _, _ in
            // Healthy means the database answers, not only that the process runs.
            do {
                _ = try await service.database.setting(IssuerVault.tokenKeySetting)
                return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
            } catch {
                return Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: "database unavailable\n")))
            }
        }
        WebConsoleRoutes.add(to: router, service: service)
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: .init(byteBuffer: ByteBuffer(string: service.metrics.text())))
        }
        return router
    }

    private static func answer(route: String, service: IssuerService, _ body: () async throws -> some Encodable) async throws -> Response {
        let clock = ContinuousClock()
        let start = clock.now
        defer { service.metrics.observe(route: route, duration: clock.now - start) }
        do {
            return json(try await body(), status: .ok)
        } catch let refusal as IssuanceRefusal {
            return json(IssuerAPI.ErrorResponse(error: .known(refusal.reason), message: refusal.message, attemptsLeft: refusal.attemptsLeft), status: status(for: refusal.reason))
        }
    }

    /// The body, or a `bad-request` refusal. Such a body never reaches `IssuerService`, which
    /// counts (and audits) every other refusal, so it is counted here.
    private static func decode<T: Decodable>(_ type: T.Type, _ request: Request, _ context: IssuerRequestContext, metrics: IssuerMetrics) async throws -> T {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: context.maxUploadSize)
        } catch {
            metrics.refused(reason: IssuanceRefusal.Reason.badRequest.rawValue)
            throw IssuanceRefusal(reason: .badRequest, message: "the request body is larger than \(context.maxUploadSize) bytes")
        }
        do {
            return try IssuerAPI.decoder().decode(T.self, from: Data(buffer: body))
        } catch {
            metrics.refused(reason: IssuanceRefusal.Reason.badRequest.rawValue)
            throw IssuanceRefusal(reason: .badRequest, message: "the request body is not the JSON docs/issuer-api.md describes")
        }
    }

    private static func bearerToken(_ request: Request) -> String? {
        guard let value = request.headers[.authorization], value.hasPrefix("Bearer ") else { return nil }
        return String(value.dropFirst("Bearer ".count))
    }

    private static func json(_ value: some Encodable, status: HTTPResponse.Status) -> Response {
        let data = (try? IssuerAPI.encoder().encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    static func status(for reason: IssuanceRefusal.Reason) -> HTTPResponse.Status {
        switch reason {
        case .badRequest, .badCSR: .badRequest
        case .unauthenticated, .wrongPassword, .unknownUser, .tokenExpired, .tokenInvalid, .wrongCode, .replayedCode: .unauthorized
        case .userDisabled, .roleNotAllowed, .kindNotAllowed, .mfaRequired, .loginTooShort, .passwordChangeRequired: .forbidden
        case .locked: .init(code: 423, reasonPhrase: "Locked")
        case .rateLimited: .tooManyRequests
        case .unavailable: .serviceUnavailable
        }
    }
}
