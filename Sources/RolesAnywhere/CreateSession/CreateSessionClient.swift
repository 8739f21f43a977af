#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import X509

/// Calls IAM Roles Anywhere `CreateSession`.
public struct CreateSessionClient: Sendable {
    public let endpoint: Endpoint
    public let region: String
    private let transport: any HTTPTransport
    private let now: @Sendable () -> Date
    private let logger: Logger

    public init(
        endpoint: Endpoint,
        region: String,
        transport: any HTTPTransport,
        now: @escaping @Sendable () -> Date = Date.init,
        logger: Logger = Logger(label: "rolecall.rolesanywhere", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.endpoint = endpoint
        self.region = region
        self.transport = transport
        self.now = now
        self.logger = logger
    }

    /// Connects to the endpoint ahead of `createSession`, which then uses that connection: a
    /// failure here is reported before an MFA code is asked for.
    public func prepare() async throws(RolesAnywhereError) {
        do {
            try await transport.prepare(endpoint.url("/sessions"))
        } catch let error as TransportError {
            throw .transport(endpoint.description, error)
        } catch {
            throw .connection(endpoint.description, reason: "\(type(of: error))")
        }
    }

    /// Signs and sends one CreateSession. With a single-use identity exactly one request is sent,
    /// whatever `retry` says: one certificate signs one CreateSession.
    public func createSession(
        _ request: CreateSessionRequest,
        identity: SigningIdentity,
        retry: RetryPolicy = .never
    ) async throws(RolesAnywhereError) -> CreateSessionResult {
        let attempts = identity.isSingleUse ? 1 : retry.maximumAttempts
        var generator = SystemRandomNumberGenerator()
        var attempt = 1
        while true {
            do {
                return try await send(request, identity: identity)
            } catch where error.isRetryable && attempt < attempts {
                attempt += 1
                let delay = retry.delayMilliseconds(beforeAttempt: attempt, random: &generator)
                logger.info("CreateSession failed, retrying", metadata: ["code": "\(error.code)", "attempt": "\(attempt)", "delayMs": "\(delay)"])
                try? await Task.sleep(for: .milliseconds(delay))
            }
        }
    }

    private func send(_ request: CreateSessionRequest, identity: SigningIdentity) async throws(RolesAnywhereError) -> CreateSessionResult {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body: [UInt8]
        let signed: X509RequestSigner.Result
        let signedAt = now()
        do {
            body = Array(try encoder.encode(request))
            signed = try X509RequestSigner(identity: identity, region: region)
                .sign(method: "POST", host: endpoint.hostHeader, path: endpoint.path("/sessions"), body: body, at: signedAt)
        } catch {
            throw RolesAnywhereError(code: .unexpectedResponse, message: "could not sign the CreateSession request: \(type(of: error))")
        }
        let httpRequest = TransportRequest(method: "POST", url: endpoint.url("/sessions"), headers: signed.request.headers, body: body)
        logger.debug("CreateSession", metadata: ["endpoint": "\(endpoint)", "durationSeconds": "\(request.durationSeconds)"])
        var response: TransportResponse
        do {
            response = try await transport.send(httpRequest)
        } catch let error as TransportError {
            throw .transport(endpoint.description, error)
        } catch {
            throw .connection(endpoint.description, reason: "\(type(of: error))")
        }
        defer { wipeBytes(&response.body) }
        let sent = SentCreateSession(request, signingRegion: region, signedAt: signedAt,
                                     certificateNotValidBefore: identity.certificate.notValidBefore,
                                     certificateNotValidAfter: identity.certificate.notValidAfter)
        return try CreateSessionResponseDecoder.decode(response, now: now(), sent: sent)
    }
}
