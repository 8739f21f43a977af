import Foundation
import RolesAnywhere
import Testing
import TestSupport

/// No signature, certificate body, secret or token in any `description`, including the errors the
/// client throws when a server refuses or answers nonsense (ARCHITECTURE.md, "Secrets stay out of sight").
@Suite(.removesTemporaryFiles) struct RedactionTests {
    /// A request signed with a leaf and an intermediate, so both X-Amz-X509 headers are present.
    func signed() throws -> (X509RequestSigner.Result, forbidden: [String]) {
        let pki = try TestPKI.make()
        let intermediate = try pki.intermediate()
        let key = SigningKey.p256(.init())
        let identity = SigningIdentity(certificate: try pki.leaf(for: key, issuer: intermediate),
                                       intermediates: [intermediate.certificate], key: key, isSingleUse: true)
        let result = try X509RequestSigner(identity: identity, region: "us-east-1")
            .sign(method: "POST", host: "rolesanywhere.us-east-1.amazonaws.com", path: "/sessions", body: Array("{}".utf8), at: Date())
        return (result, try Self.forbidden(in: result.request.headers))
    }

    /// The signature hex and the certificate base64 a request carries.
    static func forbidden(in headers: [(name: String, value: String)]) throws -> [String] {
        func value(_ name: String) -> String? { headers.first { $0.name.lowercased() == name }?.value }
        let authorization = try #require(AuthorizationHeader(parsing: value("authorization") ?? ""))
        let leaf = try #require(value("x-amz-x509"))
        let chain = value("x-amz-x509-chain") ?? ""
        // Any 40-character stretch of the base64 would already be a leak.
        return [authorization.signature, leaf, String(leaf.dropFirst(100).prefix(40)), chain].filter { !$0.isEmpty }
    }

    func expectNone(of forbidden: [String], in text: String, _ what: String) {
        for value in forbidden { #expect(!text.contains(value), "\(what) shows a secret: \(text)") }
    }

    @Test func signedRequestsDescribeThemselvesWithoutSignatureOrCertificate() throws {
        let (result, forbidden) = try signed()
        #expect(forbidden.count == 4)
        let authorization = try #require(AuthorizationHeader(parsing: result.request.header("Authorization") ?? ""))
        let transport = TransportRequest(method: "POST", url: "https://rolesanywhere.us-east-1.amazonaws.com/sessions",
                                         headers: result.request.headers, body: result.request.body)
        for (what, text) in [("AuthorizationHeader", String(describing: authorization)),
                             ("SignableRequest", String(describing: result.request)),
                             ("TransportRequest", String(describing: transport)),
                             ("X509RequestSigner.Result", String(describing: result)),
                             ("X509RequestSigner.Result (reflecting)", String(reflecting: result))] {
            expectNone(of: forbidden, in: text, what)
        }
        // Still useful for a reader, and the real header value still carries the signature.
        #expect("\(authorization)".contains("Credential=\(authorization.credential)/") && "\(authorization)".contains("Signature=<redacted>"))
        #expect(authorization.headerValue().hasSuffix("Signature=\(authorization.signature)"))
        #expect("\(transport)".contains("X-Amz-Date: "))
    }

    static let secret = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY00"
    static let token = "IQoJb3JpZ2luX2VjEXAMPLETOKENc2Vzc2lvbi10b2tlbg=="

    @Test func decodedCredentialsDescribeThemselvesWithoutSecretOrToken() throws {
        let credentials = CreateSessionResponseBody.Credentials(accessKeyId: "ASIAEXAMPLE", expiration: "2030-01-01T00:00:00Z",
                                                                secretAccessKey: Self.secret, sessionToken: Self.token)
        let body = CreateSessionResponseBody(credentialSet: [.init(assumedRoleUser: nil, credentials: credentials, packedPolicySize: nil,
                                                                   roleArn: nil, sourceIdentity: nil)], subjectArn: nil)
        var dumped = ""
        dump(body, to: &dumped)
        for text in [String(describing: credentials), String(reflecting: credentials), String(describing: body), dumped] {
            expectNone(of: [Self.secret, Self.token], in: text, "CreateSessionResponseBody.Credentials")
        }
        #expect("\(credentials)".contains("ASIAEXAMPLE"))
    }

    /// Answers with `response` and keeps the request, so the test knows the signature it must not see.
    final class Recording: HTTPTransport, @unchecked Sendable {
        let lock = NSLock()
        var headers: [(name: String, value: String)] = []
        let response: TransportResponse
        init(_ response: TransportResponse) { self.response = response }
        func send(_ request: TransportRequest) async throws -> TransportResponse {
            lock.withLock { headers = request.headers }
            return response
        }
    }

    static func credentialsJSON(expiration: String, secret: String = secret) -> String {
        #"{"credentialSet":[{"credentials":{"accessKeyId":"ASIAEXAMPLE","expiration":"\#(expiration)","secretAccessKey":"\#(secret)","sessionToken":"\#(token)"}}]}"#
    }

    static let answers: [(String, Int, String)] = [
        ("refused", 403, #"{"message":"Signature validation failed: the signature does not match"}"#),
        ("invalid", 400, #"{"message":"durationSeconds must be between 900 and 3600"}"#),
        ("failed", 500, #"{"message":"Internal failure"}"#),
        ("bad JSON holding credentials", 201, String(credentialsJSON(expiration: "2030-01-01T00:00:00Z").dropLast(3))),
        ("bad expiration", 201, credentialsJSON(expiration: "tomorrow")),
        ("expired", 201, credentialsJSON(expiration: "2001-01-01T00:00:00Z")),
        ("secret outside base64", 201, credentialsJSON(expiration: "2030-01-01T00:00:00Z", secret: Self.secret + " ; x")),
    ]

    @Test(arguments: answers)
    func clientErrorsHoldNoSignatureCertificateSecretOrToken(name: String, status: Int, body: String) async throws {
        let transport = Recording(TransportResponse(status: status, headers: [("x-amzn-RequestId", "req-1")], body: Array(body.utf8)))
        let pki = try TestPKI.make()
        let key = SigningKey.p256(.init())
        let identity = SigningIdentity(certificate: try pki.leaf(for: key), key: key, isSingleUse: true)
        let client = CreateSessionClient(endpoint: try Endpoint(parsing: "https://rolesanywhere.us-east-1.amazonaws.com"),
                                         region: "us-east-1", transport: transport)
        do {
            _ = try await client.createSession(CreateSessionRequest(durationSeconds: 900, profileArn: "p", roleArn: "r", trustAnchorArn: "t"),
                                               identity: identity)
            Issue.record("\(name): expected an error")
        } catch {
            let forbidden = try Self.forbidden(in: transport.lock.withLock { transport.headers }) + [Self.secret, Self.token]
            expectNone(of: forbidden, in: String(describing: error), name)
            expectNone(of: forbidden, in: String(reflecting: error), name)
            #expect(error.httpStatus == status)
        }
    }
}
