#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import IssuerProtocol
import RolesAnywhere

/// JSON requests to the team issuer, trying each URL in turn while the request certainly never
/// reached a replica (no connection or no TLS session) or a load balancer says none is there;
/// an answer, even a refusal, ends the search. A POST that failed after it was sent (a reset, a
/// read timeout) also ends it: that replica may have spent the TOTP code or counted a wrong
/// password, and sending it again would only burn the code or count the failure twice. A GET
/// changes nothing and goes on to the next URL whatever the failure.
public struct IssuerConnection: Sendable {
    public let urls: [String]
    private let transport: any HTTPTransport

    public init(urls: [String], transport: any HTTPTransport) {
        self.urls = urls
        self.transport = transport
    }

    public func post<Body: Encodable, Answer: Decodable>(_ path: String, _ body: Body, token: String? = nil, as: Answer.Type) async throws -> Answer {
        var headers = [(name: "content-type", value: "application/json")]
        if let token { headers.append((name: "authorization", value: "Bearer \(token)")) }
        var encoded = Array(try IssuerAPI.encoder().encode(body))
        defer { wipeBytes(&encoded) }
        return try await send(method: "POST", path: path, headers: headers, body: encoded, as: Answer.self)
    }

    public func get<Answer: Decodable>(_ path: String, as: Answer.Type) async throws -> Answer {
        try await send(method: "GET", path: path, headers: [], body: [], as: Answer.self)
    }

    private func send<Answer: Decodable>(method: String, path: String, headers: [(name: String, value: String)], body: [UInt8], as: Answer.Type) async throws -> Answer {
        var failures: [String] = []
        var untrusted = 0
        for url in urls {
            let response: TransportResponse
            do {
                response = try await transport.send(TransportRequest(method: method, url: Self.join(url, path), headers: headers, body: body))
            } catch let error as TransportError {
                if error.code == .untrustedCertificate { untrusted += 1 }
                let failure = "\(printableExcerpt(url, limit: 200)): \(printableExcerpt(error.reason, limit: 300))"
                guard error.neverSent || method == "GET" else {
                    throw IssuanceRefusal(reason: .unavailable, message: "the team issuer did not answer (\(failure)): the request may have been received, so it was not sent again; try again with the next MFA code")
                }
                failures.append(failure)
                continue
            }
            // A replica that is shutting down or behind a load balancer without a healthy backend.
            if response.status == 502 || response.status == 503 {
                failures.append("\(printableExcerpt(url, limit: 200)): HTTP \(response.status)")
                continue
            }
            return try Self.decode(response, path: path, as: Answer.self)
        }
        if untrusted == urls.count {
            throw IssuanceRefusal(reason: .unavailable, message: "the team issuer answered, but its TLS certificate is not trusted here: log in with --pin-sha256 and the fingerprint its administrator gives you (`rolecall issuer serve` prints it)")
        }
        throw IssuanceRefusal(reason: .unavailable, message: "no team issuer answered (\(failures.joined(separator: "; "))): check the URLs given to `rolecall login` and that the service runs")
    }

    static func join(_ base: String, _ path: String) -> String {
        base.hasSuffix("/") ? String(base.dropLast()) + path : base + path
    }

    /// The answer, or the server's refusal as `MFAError` or `IssuanceRefusal` with its message
    /// made printable (it is shown on a terminal).
    static func decode<Answer: Decodable>(_ response: TransportResponse, path: String, as: Answer.Type) throws -> Answer {
        guard (200..<300).contains(response.status) else {
            guard let refusal = try? IssuerAPI.decoder().decode(IssuerAPI.ErrorResponse.self, from: Data(response.body)) else {
                // The service answers every path it knows with JSON; a bare 404 is an older replica.
                if response.status == 404 {
                    throw IssuanceRefusal(reason: .unavailable, message: "this issuer is older than your rolecall: it does not know \(path); ask its administrator to upgrade it")
                }
                throw IssuanceRefusal(reason: .unavailable, message: "the team issuer answered HTTP \(response.status) without an explanation")
            }
            let message = "the team issuer refused: " + printableExcerpt(refusal.message, limit: 300)
            switch refusal.error.known {
            case .wrongCode?: throw MFAError(code: .wrong, description: message)
            case .replayedCode?: throw MFAError(code: .replayed, description: message)
            case .locked?: throw MFAError(code: .locked, description: message)
            case .mfaRequired?: throw MFAError(code: .unavailable, description: message)
            case let reason?: throw IssuanceRefusal(reason: reason, message: message)
            case nil: throw IssuanceRefusal(reason: .unavailable, message: message)
            }
        }
        do {
            return try IssuerAPI.decoder().decode(Answer.self, from: Data(response.body))
        } catch {
            throw IssuanceRefusal(reason: .unavailable, message: "the team issuer's answer does not parse (HTTP \(response.status))")
        }
    }
}
