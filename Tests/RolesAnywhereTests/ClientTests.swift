import Foundation
import HTTPSTransport
import RolesAnywhere
import TestSupport
import Testing
import X509

/// Our CreateSession client against our emulator over real HTTP, then the `aws` CLI with the result.
@Suite(.removesTemporaryFiles) struct ClientTests {
    @Test func endToEndThenAWSCLIGetsAssumedRoleIdentity() async throws {
        let pki = try TestPKI.make()
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let harness = try await EmulatorHarness.start(try EmulatorHarness.standardConfig(caPEM: pki.root.certificate.pem, directory: directory))
        defer { harness.stop() }
        let key = SigningKey.p256(.init())
        let identity = SigningIdentity(certificate: try pki.leaf(for: key), key: key, isSingleUse: true)
        let client = CreateSessionClient(endpoint: try Endpoint(parsing: harness.url), region: "us-east-1", transport: NIOClientTransport())
        let result = try await client.createSession(
            CreateSessionRequest(durationSeconds: 900, profileArn: EmulatorHarness.profileArn, roleArn: EmulatorHarness.roleArn, trustAnchorArn: EmulatorHarness.trustAnchorArn),
            identity: identity
        )
        #expect(result.credentials.accessKeyId.hasPrefix("ASIA"))
        #expect(abs(result.credentials.expiration.timeIntervalSinceNow - 900) < 60, "900 s from now, give or take a busy machine")
        #expect(!"\(result)".contains(result.credentials.sessionToken.unsafeStringValue()))
        #expect(!"\(result)".contains(result.credentials.secretAccessKey.unsafeStringValue()))

        var environment = ProcessInfo.processInfo.environment
        for name in ["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE"] { environment[name] = nil }
        environment["AWS_ACCESS_KEY_ID"] = result.credentials.accessKeyId
        environment["AWS_SECRET_ACCESS_KEY"] = result.credentials.secretAccessKey.unsafeStringValue()
        environment["AWS_SESSION_TOKEN"] = result.credentials.sessionToken.unsafeStringValue()
        environment["AWS_DEFAULT_REGION"] = "us-east-1"
        environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"
        let outcome = try await ProcessRunner.run("aws", ["sts", "get-caller-identity", "--endpoint-url", harness.url, "--output", "json"], environment: environment)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("arn:aws:sts::123456789012:assumed-role/test-role/"))

        // A wrong secret is caught by the emulator's STS signature check.
        environment["AWS_SECRET_ACCESS_KEY"] = "wrong" + result.credentials.secretAccessKey.unsafeStringValue()
        let refused = try await ProcessRunner.run("aws", ["sts", "get-caller-identity", "--endpoint-url", harness.url], environment: environment)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("SignatureDoesNotMatch"))
        // Unknown credentials.
        environment["AWS_ACCESS_KEY_ID"] = "ASIAUNKNOWNUNKNOWN00"
        let unknown = try await ProcessRunner.run("aws", ["sts", "get-caller-identity", "--endpoint-url", harness.url], environment: environment)
        #expect(unknown.stderr.contains("InvalidClientTokenId"))
    }

    /// Answers every request with the same response and counts them.
    final class CannedTransport: HTTPTransport, @unchecked Sendable {
        let lock = NSLock()
        var count = 0
        var seen: [TransportRequest] = []
        let response: @Sendable () throws -> TransportResponse
        init(_ response: @escaping @Sendable () throws -> TransportResponse) { self.response = response }
        func send(_ request: TransportRequest) async throws -> TransportResponse {
            lock.withLock { count += 1; seen.append(request) }
            return try response()
        }
        var calls: Int { lock.withLock { count } }
    }

    func client(_ transport: any HTTPTransport) throws -> CreateSessionClient {
        CreateSessionClient(endpoint: try Endpoint(parsing: "https://rolesanywhere.us-east-1.amazonaws.com"), region: "us-east-1", transport: transport)
    }

    func identity(singleUse: Bool) throws -> SigningIdentity {
        let key = SigningKey.p256(.init())
        return SigningIdentity(certificate: try TestPKI.make().leaf(for: key), key: key, isSingleUse: singleUse)
    }

    let request = CreateSessionRequest(durationSeconds: 3600, profileArn: "p", roleArn: "r", trustAnchorArn: "t")

    @Test func singleUseCertificateIsNeverRetried() async throws {
        let transport = CannedTransport { TransportResponse(status: 503, body: Array(#"{"message":"busy"}"#.utf8)) }
        await #expect(throws: RolesAnywhereError.self) {
            try await client(transport).createSession(request, identity: try identity(singleUse: true), retry: RetryPolicy(maximumAttempts: 3, baseDelayMilliseconds: 0))
        }
        #expect(transport.calls == 1)
    }

    @Test func throttlingIsRetriedAtMostThreeTimes() async throws {
        let throttled = CannedTransport { TransportResponse(status: 429, body: Array(#"{"message":"slow down"}"#.utf8)) }
        await #expect(throws: RolesAnywhereError.self) {
            try await client(throttled).createSession(request, identity: try identity(singleUse: false), retry: RetryPolicy(maximumAttempts: 10, baseDelayMilliseconds: 1))
        }
        #expect(throttled.calls == 3)
    }

    @Test func connectionErrorsAreRetriedUpToTheAttemptsAllowed() async throws {
        let refused = CannedTransport { throw TransportError("connection refused") }
        await #expect(throws: RolesAnywhereError.self) {
            try await client(refused).createSession(request, identity: try identity(singleUse: false), retry: RetryPolicy(maximumAttempts: 2, baseDelayMilliseconds: 1))
        }
        #expect(refused.calls == 2)
    }

    @Test func aRefusalIsNotRetried() async throws {
        let denied = CannedTransport { TransportResponse(status: 403, body: Array(#"{"message":"Untrusted signing certificate"}"#.utf8)) }
        await #expect(throws: RolesAnywhereError.self) {
            try await client(denied).createSession(request, identity: try identity(singleUse: false), retry: RetryPolicy())
        }
        #expect(denied.calls == 1)
    }

    @Test func requestBodyHasOnlyAskedFields() async throws {
        let transport = CannedTransport { TransportResponse(status: 500, body: []) }
        _ = try? await client(transport).createSession(request, identity: try identity(singleUse: true))
        let body = try #require(transport.seen.first?.body)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        #expect(Set(object.keys) == ["durationSeconds", "profileArn", "roleArn", "trustAnchorArn"])
        #expect(transport.seen.first?.url == "https://rolesanywhere.us-east-1.amazonaws.com/sessions")
    }

    /// AWS's messages and the emulator's, each once naming one part and in its later clauses others.
    static let awsMessages = [
        "Untrusted signing certificate: it does not chain to the trust anchor's certificate",
        "Trust anchor is disabled: arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/t",
        "Profile not found: arn:aws:rolesanywhere:us-east-1:123456789012:profile/p",
        "Unable to assume role arn:aws:iam::123456789012:role/r: the profile does not list it",
        "Signature validation failed: the signature does not match the request and the certificate's key",
        "Invalid certificate: the signing certificate is expired or not yet valid",
        "Credential scope region us-west-2 does not match the trust anchor's region us-east-1: signature rejected",
    ]

    static let anchorInUSEast1 = "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/t"
    static let profileBesideIt = "arn:aws:rolesanywhere:us-east-1:123456789012:profile/p"
    static let roleBesideIt = "arn:aws:iam::123456789012:role/r"

    /// The error CreateSession throws for a 403 with this message and error type, request id req-1.
    func refusal(saying awsMessage: String, errorType: String = "AccessDeniedException", region: String = "us-east-1",
                 trustAnchorArn: String = anchorInUSEast1, profileArn: String = profileBesideIt, roleArn: String = roleBesideIt,
                 identity given: SigningIdentity? = nil) async throws -> RolesAnywhereError {
        let transport = CannedTransport {
            TransportResponse(status: 403, headers: [("x-amzn-RequestId", "req-1"), ("x-amzn-ErrorType", "\(errorType):")],
                              body: Array("{\"message\":\"\(awsMessage)\"}".utf8))
        }
        let client = CreateSessionClient(endpoint: try Endpoint(parsing: "https://rolesanywhere.\(region).amazonaws.com"), region: region, transport: transport)
        let request = CreateSessionRequest(durationSeconds: 3600, profileArn: profileArn, roleArn: roleArn, trustAnchorArn: trustAnchorArn)
        do {
            _ = try await client.createSession(request, identity: try given ?? identity(singleUse: true))
        } catch let error as RolesAnywhereError {
            return error
        }
        throw ExpectedARefusal()
    }

    struct ExpectedARefusal: Error {}

    /// AWS's words are shown, not read: a request the client knows nothing wrong of names no part.
    @Test(arguments: awsMessages)
    func aMessagesWordingNamesNoPart(awsMessage: String) async throws {
        let error = try await refusal(saying: awsMessage)
        #expect(error.refusedPart == nil)
        #expect(error.message.hasPrefix("IAM Roles Anywhere refused the session: check that the trust anchor holds the CA"), "\(error)")
        #expect(error.message.hasSuffix(": " + awsMessage), "\(error)")
    }

    @Test(arguments: ["InvalidSignatureException", "SignatureDoesNotMatch", "IncompleteSignature"])
    func aSignatureErrorCodeNamesTheSignatureWhateverTheMessageSays(errorType: String) async throws {
        for awsMessage in Self.awsMessages {
            let error = try await refusal(saying: awsMessage, errorType: errorType)
            #expect(error.refusedPart == .signature, "\(awsMessage)")
            #expect(error.message.hasPrefix("the request signature was refused: check the region and the machine's clock"), "\(error)")
        }
    }

    /// Signed for us-west-2 while the trust anchor's ARN says us-east-1: what the client sent says so.
    @Test(arguments: awsMessages)
    func aRequestSignedForAnotherRegionThanTheTrustAnchorsNamesTheSignature(awsMessage: String) async throws {
        let error = try await refusal(saying: awsMessage, region: "us-west-2")
        #expect(error.refusedPart == .signature)
        #expect(error.message.hasPrefix("the request was signed for us-west-2, but the trust anchor is in us-east-1: pass --region us-east-1"), "\(error)")
    }

    @Test(arguments: awsMessages)
    func aProfileOfAnotherAccountOrRegionThanTheTrustAnchorsNamesTheProfile(awsMessage: String) async throws {
        let otherAccount = try await refusal(saying: awsMessage, profileArn: "arn:aws:rolesanywhere:us-east-1:210987654321:profile/p")
        #expect(otherAccount.refusedPart == .profile)
        #expect(otherAccount.message.hasPrefix("the profile is in us-east-1, account 210987654321, but the trust anchor in us-east-1, account 123456789012"), "\(otherAccount)")
        let otherRegion = try await refusal(saying: awsMessage, profileArn: "arn:aws:rolesanywhere:eu-west-1:123456789012:profile/p")
        #expect(otherRegion.refusedPart == .profile)
    }

    @Test(arguments: awsMessages)
    func aRoleOfAnotherAccountThanTheProfilesNamesTheRole(awsMessage: String) async throws {
        let error = try await refusal(saying: awsMessage, roleArn: "arn:aws:iam::210987654321:role/r")
        #expect(error.refusedPart == .role)
        #expect(error.message.hasPrefix("the role is in account 210987654321, but the profile in 123456789012"), "\(error)")
    }

    @Test(arguments: awsMessages)
    func aCertificateNotValidWhenSignedNamesTheCertificate(awsMessage: String) async throws {
        let key = SigningKey.p256(.init())
        let expired = try TestPKI.make().leaf(for: key, notBefore: Date().addingTimeInterval(-7200), notAfter: Date().addingTimeInterval(-3600))
        let error = try await refusal(saying: awsMessage, identity: SigningIdentity(certificate: expired, key: key, isSingleUse: true))
        #expect(error.refusedPart == .certificate)
        #expect(error.message.hasPrefix("the certificate was not valid when the request was signed"), "\(error)")
    }

    /// A trust anchor ARN the client cannot read gives no region to compare: no part, not a guess.
    @Test func anUnreadableTrustAnchorArnNamesNoPart() async throws {
        #expect(try await refusal(saying: Self.awsMessages[0], region: "us-west-2", trustAnchorArn: "t").refusedPart == nil)
    }

    @Test(arguments: awsMessages)
    func aRefusalKeepsAWSsErrorDetails(awsMessage: String) async throws {
        let error = try await refusal(saying: awsMessage)
        #expect(error.httpStatus == 403 && error.requestId == "req-1" && error.awsErrorCode == "AccessDeniedException")
        #expect(error.description.contains("request id req-1"))
    }
}
