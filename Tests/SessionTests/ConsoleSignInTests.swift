import Foundation
import RolesAnywhere
import Session
import Synchronization
import Testing

/// The console session asked of `getSigninToken`: what the credentials have left, within 12 h, and
/// within 1 h for credentials of role chaining.
@Suite struct ConsoleSignInTests {
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
        let context = SessionContext(environment: [ConsoleSignIn.endpointVariable: "http://127.0.0.1:9"], now: { now }, transport: stub)
        let credentials = AWSCredentials(accessKeyId: "ASIASTUB", secretAccessKey: SecretBytes("secret"), sessionToken: SecretBytes("token"),
                                         expiration: now.addingTimeInterval(TimeInterval(left)))
        let url = try await ConsoleSignIn(context: context).signInURL(credentials: credentials, roleArn: "arn:aws:iam::123456789012:role/r",
                                                                    region: "us-east-1", destination: nil, chained: chained)
        #expect(url.unsafeStringValue().hasSuffix("&SigninToken=stub-token"))
        #expect(stub.sessionDurations == [asked])
    }
}
