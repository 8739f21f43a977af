import Foundation
import RolesAnywhere
import Session
import Synchronization
import Testing

/// The console session asked of `getSigninToken`: what the credentials have left, within 12 h, and
/// within 1 h for credentials of role chaining.
@Suite struct AWSConsoleSignInTests {
    /// Answers every request with a sign-in token and keeps the URLs it was asked for.
    final class FederationStub: HTTPTransport {
        let urls = Mutex<[String]>([])

        func send(_ request: TransportRequest) async throws -> TransportResponse {
            urls.withLock { $0.append(request.url) }
            return TransportResponse(status: 200, body: Array(#"{"SigninToken":"stub-token"}"#.utf8))
        }

        var sessionDurations: [Int] {
            urls.withLock { $0 }.compactMap { URLComponents(string: $0)?.queryItems?.first { $0.name == "SessionDuration" }?.value }.compactMap { Int($0) }
        }
    }

    @Test(arguments: [(7200, false, 7200), (7200, true, 3600), (50_000, false, 43_200), (600, true, 900)])
    func theSessionLastsWhatTheCredentialsHaveLeftWithinTheLimits(left: Int, chained: Bool, asked: Int) async throws {
        let now = Date()
        let stub = FederationStub()
        let context = SessionContext(environment: [AWSConsoleSignIn.endpointVariable: "http://127.0.0.1:9"], now: { now }, transport: stub)
        let credentials = AWSCredentials(accessKeyId: "ASIASTUB", secretAccessKey: SecretBytes("secret"), sessionToken: SecretBytes("token"),
                                         expiration: now.addingTimeInterval(TimeInterval(left)))
        let url = try await AWSConsoleSignIn(context: context).signInURL(credentials: credentials, roleArn: "arn:aws:iam::123456789012:role/r",
                                                                    region: "us-east-1", destination: nil, chained: chained)
        #expect(url.unsafeStringValue().hasSuffix("&SigninToken=stub-token"))
        #expect(stub.sessionDurations == [asked])
    }

    /// `ROLECALL_SIGNIN_ENDPOINT` passes the rules of every endpoint before anything is sent: the
    /// session's secret key and token travel in the query string.
    @Test(arguments: [
        ("http://127.1:9", RolesAnywhereError.Code.insecureEndpoint),
        ("http://signin.example.com", .insecureEndpoint),
        ("https://ci-bot:Zx9Qp7@signin.example.com", .invalidEndpoint),
        ("https://signin.example.com/federation?Action=x", .invalidEndpoint),
    ])
    func anOverrideOutsideTheEndpointRulesIsRefusedBeforeAnythingIsSent(override: String, code: RolesAnywhereError.Code) async throws {
        let now = Date()
        let stub = FederationStub()
        let signIn = AWSConsoleSignIn(context: SessionContext(environment: [AWSConsoleSignIn.endpointVariable: override], now: { now }, transport: stub))
        let credentials = AWSCredentials(accessKeyId: "ASIASTUB", secretAccessKey: SecretBytes("secret"), sessionToken: SecretBytes("token"),
                                         expiration: now.addingTimeInterval(3600))
        let role = "arn:aws:iam::123456789012:role/r"
        let refusal = try #require(throws: RolesAnywhereError.self) { try signIn.checkSignInPossible(roleArn: role) }
        #expect(refusal.code == code)
        #expect(refusal.description.hasPrefix(AWSConsoleSignIn.endpointVariable + ": "), "\(refusal)")
        #expect(!refusal.description.contains("Zx9Qp7"), "\(refusal)")
        await #expect(throws: RolesAnywhereError.self) {
            _ = try await signIn.signInURL(credentials: credentials, roleArn: role, region: nil, destination: nil)
        }
        #expect(stub.urls.withLock { $0 }.isEmpty)
    }

    /// A loopback override with a path keeps it, and `/federation` is not added twice.
    @Test(arguments: [("http://127.0.0.1:9", "http://127.0.0.1:9/federation?"), ("http://[::1]:9/aws/federation/", "http://[::1]:9/aws/federation?")])
    func aLoopbackOverrideIsUsed(override: String, expected: String) async throws {
        let now = Date()
        let stub = FederationStub()
        let signIn = AWSConsoleSignIn(context: SessionContext(environment: [AWSConsoleSignIn.endpointVariable: override], now: { now }, transport: stub))
        let credentials = AWSCredentials(accessKeyId: "ASIASTUB", secretAccessKey: SecretBytes("secret"), sessionToken: SecretBytes("token"),
                                         expiration: now.addingTimeInterval(3600))
        let url = try await signIn.signInURL(credentials: credentials, roleArn: "arn:aws:iam::123456789012:role/r", region: nil, destination: nil)
        #expect(url.unsafeStringValue().hasPrefix(expected))
        #expect(stub.urls.withLock { $0 }.allSatisfy { $0.hasPrefix(expected) })
    }
}
