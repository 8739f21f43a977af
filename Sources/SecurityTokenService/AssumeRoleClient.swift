#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RolesAnywhere

/// What AssumeRole answers, reduced to what rolecall uses.
public struct AssumeRoleResult: Sendable, CustomStringConvertible {
    public let credentials: AWSCredentials
    public let assumedRoleArn: String?

    public var description: String { "AssumeRoleResult(\(credentials), assumedRoleArn: \(assumedRoleArn ?? "-"))" }
}

/// Calls STS `AssumeRole`, signed (SigV4, HMAC) with a source session's credentials: the second
/// link of a role chain.
public struct AssumeRoleClient: Sendable {
    public static let service = "sts"

    public let endpoint: Endpoint
    public let region: String
    private let transport: any HTTPTransport
    private let now: @Sendable () -> Date

    public init(endpoint: Endpoint, region: String, transport: any HTTPTransport, now: @escaping @Sendable () -> Date = Date.init) {
        self.endpoint = endpoint
        self.region = region
        self.transport = transport
        self.now = now
    }

    /// Connects to STS ahead of `assumeRole`, which then uses that connection: for a chained
    /// profile, an STS that cannot be reached is reported before the source's MFA code is asked for.
    public func prepare() async throws(STSError) {
        do {
            try await transport.prepare(endpoint.url("/"))
        } catch let error as TransportError {
            throw .transport(endpoint, error)
        } catch {
            throw .connection(endpoint, reason: "\(type(of: error))")
        }
    }

    /// One AssumeRole, tried again after throttling, a 5xx or a lost connection (a retry only makes
    /// another session; nothing is spent).
    public func assumeRole(_ request: AssumeRoleRequest, with source: AWSCredentials, retry: RetryPolicy = RetryPolicy()) async throws(STSError) -> AssumeRoleResult {
        var generator = SystemRandomNumberGenerator()
        var attempt = 1
        while true {
            do {
                return try await send(request, with: source)
            } catch where error.isRetryable && attempt < retry.maximumAttempts {
                attempt += 1
                do {
                    try await Task.sleep(for: .milliseconds(retry.delayMilliseconds(beforeAttempt: attempt, random: &generator)))
                } catch {
                    throw STSError(.connection, "the AssumeRole retry was cancelled")
                }
            }
        }
    }

    private func send(_ request: AssumeRoleRequest, with source: AWSCredentials) async throws(STSError) -> AssumeRoleResult {
        let unsigned = SignableRequest(method: "POST", path: endpoint.path("/"),
                                       headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")], body: request.formBody)
        let signed = HMACSigV4.sign(unsigned, host: endpoint.hostHeader, credentials: source, region: region, service: Self.service, at: now())
        var response: TransportResponse
        do {
            response = try await transport.send(TransportRequest(method: "POST", url: endpoint.url("/"), headers: signed.headers, body: signed.body))
        } catch let error as TransportError {
            throw .transport(endpoint, error)
        } catch {
            throw .connection(endpoint, reason: "\(type(of: error))")
        }
        defer { wipeBytes(&response.body) }
        return try Self.decode(response, for: request)
    }

    /// The credentials of a 200 answer, or the error an error answer names.
    static func decode(_ response: TransportResponse, for request: AssumeRoleRequest) throws(STSError) -> AssumeRoleResult {
        let document: XMLElement
        do {
            document = try XMLReader.parse(response.body, secretElements: ["SecretAccessKey", "SessionToken"])
        } catch {
            // A proxy's or load balancer's page, not STS's: a 5xx is worth another try.
            if response.status >= 500 { throw STSError(.serverError, "STS failed: HTTP \(response.status) with no STS error in it", httpStatus: response.status) }
            throw .unexpected(response.status == 200 ? error.description : "HTTP \(response.status) with no STS error in it (\(error))", status: response.status)
        }
        guard response.status == 200 else {
            let detail = document.child("Error")
            throw .refused(request, status: response.status, awsErrorCode: detail?.child("Code")?.text, awsMessage: detail?.child("Message")?.text,
                           requestId: document.child("RequestId")?.text ?? response.header("x-amzn-RequestId"))
        }
        guard document.name == "AssumeRoleResponse", let result = document.child("AssumeRoleResult"),
              let credentials = result.child("Credentials"),
              let accessKeyId = credentials.child("AccessKeyId")?.text, !accessKeyId.isEmpty,
              let secret = credentials.child("SecretAccessKey")?.secret, !secret.isEmpty,
              let token = credentials.child("SessionToken")?.secret, !token.isEmpty,
              let expirationText = credentials.child("Expiration")?.text
        else { throw .unexpected("the AssumeRole answer lacks its credentials", status: response.status) }
        guard let expiration = RFC3339.date(from: expirationText.filter { !$0.isWhitespace }) else {
            throw .unexpected("the credentials' expiration is not a date", status: response.status)
        }
        return AssumeRoleResult(
            credentials: AWSCredentials(accessKeyId: printableExcerpt(accessKeyId, limit: 128), secretAccessKey: secret, sessionToken: token, expiration: expiration),
            assumedRoleArn: result.descendant("AssumedRoleUser", "Arn")?.text
        )
    }
}
