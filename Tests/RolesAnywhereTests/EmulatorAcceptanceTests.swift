import Foundation
import RolesAnywhere
import RolesAnywhereEmulator
import Testing
import TestSupport
import X509

/// The emulator judged by requests signed by AWS's own Python signer, then tampered with.
@Suite(.removesTemporaryFiles) struct EmulatorAcceptanceTests {
    let pki: TestPKI
    let emulator: Emulator
    let directory: String

    init() throws {
        pki = try TestPKI.make()
        directory = try Paths.temporaryDirectory()
        emulator = Emulator(config: try EmulatorHarness.standardConfig(caPEM: pki.root.certificate.pem, directory: directory))
    }

    struct Body {
        var durationSeconds = 3600
        var profileArn = EmulatorHarness.profileArn
        var roleArn = EmulatorHarness.roleArn
        var trustAnchorArn = EmulatorHarness.trustAnchorArn
        var roleSessionName: String?

        var json: String {
            var object: [String: Any] = ["durationSeconds": durationSeconds, "profileArn": profileArn, "roleArn": roleArn, "trustAnchorArn": trustAnchorArn]
            if let roleSessionName { object["roleSessionName"] = roleSessionName }
            return String(decoding: try! JSONSerialization.data(withJSONObject: object, options: .sortedKeys), as: UTF8.self)
        }
    }

    /// A request signed by `iam-rolesanywhere-session`. `query` and `rawBody` give the shape AWS's
    /// signing helper sends: the ARNs in the query, only the duration in the body.
    func pythonSigned(body: Body = Body(), key: SigningKey? = nil, leaf: Certificate? = nil, chain: Certificate? = nil, at time: Date = Date(),
                      region: String = "us-east-1", query: String = "", rawBody: String? = nil) async throws -> SignableRequest {
        let signingKey = key ?? .p256(.init())
        let certificate = try leaf ?? pki.leaf(for: signingKey)
        let sent = rawBody ?? body.json
        var request: [String: Any] = [
            "certificate": certificate.pem, "privateKey": signingKey.testPEM, "region": region,
            "url": "https://rolesanywhere.us-east-1.amazonaws.com/sessions" + (query.isEmpty ? "" : "?" + query), "body": sent,
            "amzDate": AmzDate.string(from: time),
        ]
        if let chain { request["chain"] = chain.pem }
        let answer = try await Python.crosscheck("sign", request)
        let headers = (answer["headers"] as? [String: String] ?? [:]).map { (name: $0.key, value: $0.value) }
        return SignableRequest(method: "POST", path: "/sessions", query: query, headers: headers, body: Array(sent.utf8))
    }

    /// The signing helper's shape: `POST /sessions?profileArn=…&roleArn=…&trustAnchorArn=…` with
    /// `{"durationSeconds":3600}`.
    static var helperQuery: String {
        var components = URLComponents()
        components.queryItems = [URLQueryItem(name: "profileArn", value: EmulatorHarness.profileArn),
                                 URLQueryItem(name: "roleArn", value: EmulatorHarness.roleArn),
                                 URLQueryItem(name: "trustAnchorArn", value: EmulatorHarness.trustAnchorArn)]
        // SigV4's encoding: only unreserved characters stay as they are.
        return components.queryItems!.map { item in
            let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
            return item.name + "=" + item.value!.addingPercentEncoding(withAllowedCharacters: unreserved)!
        }.joined(separator: "&")
    }

    @Test func acceptsTheARNsAsURIParametersAsAWSsSigningHelperSendsThem() async throws {
        let request = try await pythonSigned(query: Self.helperQuery, rawBody: #"{"durationSeconds":1800}"#)
        let response = await emulator.handle(request)
        #expect(response.status == 201, "\(message(response))")
        // The signature covers the query: another role in it is refused.
        var tampered = request
        tampered.query = Self.helperQuery.replacingOccurrences(of: "test-role", with: "other-role")
        let refused = await emulator.handle(tampered)
        #expect(refused.status == 403)
        #expect(message(refused).contains("Signature"))
        // Missing both ways: a validation error naming both places.
        let missing = await emulator.handle(try await pythonSigned(rawBody: #"{"durationSeconds":1800}"#))
        #expect(missing.status == 400)
        #expect(message(missing).contains("URI parameters"))
    }

    /// Sent chunked over HTTP (no Content-Length), as the signing helper does; signed over the body.
    @Test func acceptsAChunkedBody() async throws {
        let harness = try await EmulatorHarness.start(try EmulatorHarness.standardConfig(caPEM: pki.root.certificate.pem, directory: directory))
        defer { harness.stop() }
        let request = try await pythonSigned(query: Self.helperQuery, rawBody: #"{"durationSeconds":900}"#)
        let bodyFile = directory + "/body.json"
        try Data(request.body).write(to: URL(fileURLWithPath: bodyFile))
        var arguments = ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + bodyFile]
        for header in request.headers { arguments += ["-H", "\(header.name): \(header.value)"] }
        // The signature names AWS's host; the emulator listens on loopback.
        arguments += ["-H", "Host: rolesanywhere.us-east-1.amazonaws.com", harness.url + "/sessions?" + request.query]
        let outcome = try await ProcessRunner.run("/usr/bin/curl", arguments)
        #expect(outcome.stdout == "201", "\(outcome.stdout) \(outcome.stderr)")
    }

    func message(_ response: EmulatorResponse) -> String {
        (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: String])?["message"] ?? ""
    }

    @Test func acceptsPythonSignedRequestWithAWSResponseShape() async throws {
        let response = await emulator.handle(try await pythonSigned())
        #expect(response.status == 201)
        let body = try JSONDecoder().decode(CreateSessionResponseBody.self, from: Data(response.body))
        let credentials = try #require(body.credentialSet.first?.credentials)
        #expect(credentials.accessKeyId.hasPrefix("ASIA"))
        #expect(!credentials.secretAccessKey.isEmpty && !credentials.sessionToken.isEmpty)
        #expect(body.credentialSet.first?.assumedRoleUser?.arn.hasPrefix("arn:aws:sts::123456789012:assumed-role/test-role/") == true)
    }

    @Test func acceptsRSAKeys() async throws {
        let rsa = try SigningKey.testRSA()
        #expect(await emulator.handle(try await pythonSigned(key: rsa)).status == 201)
    }

    @Test func acceptsALeafThroughAnIntermediateOnlyWithTheChain() async throws {
        let intermediate = try pki.intermediate()
        let key = SigningKey.p384(.init())
        let leaf = try pki.leaf(for: key, issuer: intermediate)
        let withChain = try await pythonSigned(key: key, leaf: leaf, chain: intermediate.certificate)
        #expect(withChain.header("x-amz-x509-chain") != nil)
        #expect(await emulator.handle(withChain).status == 201)
        let withoutChain = await emulator.handle(try await pythonSigned(key: key, leaf: leaf))
        #expect(withoutChain.status == 403)
        #expect(message(withoutChain).contains("Untrusted"))
    }

    @Test func durationDefaultsTo3600AsAWSDoes() async throws {
        var request = try await pythonSigned()
        // Re-sign a body without durationSeconds through the Python signer.
        let object: [String: String] = ["profileArn": EmulatorHarness.profileArn, "roleArn": EmulatorHarness.roleArn, "trustAnchorArn": EmulatorHarness.trustAnchorArn]
        let json = String(decoding: try JSONSerialization.data(withJSONObject: object, options: .sortedKeys), as: UTF8.self)
        let key = SigningKey.p256(.init())
        let answer = try await Python.crosscheck("sign", [
            "certificate": try pki.leaf(for: key).pem, "privateKey": key.testPEM, "region": "us-east-1",
            "url": "https://rolesanywhere.us-east-1.amazonaws.com/sessions", "body": json, "amzDate": AmzDate.string(from: Date()),
        ])
        request = SignableRequest(method: "POST", path: "/sessions", headers: (answer["headers"] as? [String: String] ?? [:]).map { ($0.key, $0.value) }, body: Array(json.utf8))
        let response = await emulator.handle(request)
        #expect(response.status == 201)
        let expiration = try JSONDecoder().decode(CreateSessionResponseBody.self, from: Data(response.body)).credentialSet.first?.credentials.expiration
        let expires = try #require(expiration.flatMap(RFC3339.date(from:)))
        #expect(abs(expires.timeIntervalSinceNow - 3600) < 60)
    }

    @Test func refusesTamperedBody() async throws {
        var request = try await pythonSigned()
        request.body = Array(Body(durationSeconds: 1800).json.utf8)
        let response = await emulator.handle(request)
        #expect(response.status == 403)
        #expect(message(response).contains("Signature"))
    }

    @Test func refusesTamperedHeader() async throws {
        var request = try await pythonSigned()
        let index = try #require(request.headers.firstIndex { $0.name.lowercased() == "content-type" })
        request.headers[index].value = "application/json"
        #expect(await emulator.handle(request).status == 403)
    }

    @Test func refusesCredentialSerialThatIsNotTheLeaf() async throws {
        var request = try await pythonSigned()
        let index = try #require(request.headers.firstIndex { $0.name.lowercased() == "authorization" })
        var authorization = try #require(AuthorizationHeader(parsing: request.headers[index].value))
        authorization.credential = "12345"
        request.headers[index].value = authorization.headerValue()
        let response = await emulator.handle(request)
        #expect(response.status == 403)
        #expect(message(response).contains("serial"))
    }

    /// What our client makes of an emulator refusal, knowing `sent` of its request: the part it names.
    func refusedPart(_ response: EmulatorResponse, sent: SentCreateSession? = nil) -> RolesAnywhereError.RefusedPart? {
        do {
            _ = try CreateSessionResponseDecoder.decode(TransportResponse(status: response.status, headers: response.headers, body: response.body), now: Date(), sent: sent)
            return nil
        } catch {
            return error.refusedPart
        }
    }

    @Test func credentialScopeInAnotherRegionIsASignatureRefusal() async throws {
        // Validly signed, but for us-west-2 while the trust anchor lives in us-east-1.
        let response = await emulator.handle(try await pythonSigned(region: "us-west-2"))
        #expect(response.status == 403)
        #expect(message(response).contains("us-west-2"), "\(message(response))")
        let body = CreateSessionRequest(durationSeconds: 3600, profileArn: EmulatorHarness.profileArn, roleArn: EmulatorHarness.roleArn,
                                        trustAnchorArn: EmulatorHarness.trustAnchorArn)
        let sent = SentCreateSession(body, signingRegion: "us-west-2", signedAt: Date(),
                                     certificateNotValidBefore: .distantPast, certificateNotValidAfter: .distantFuture)
        #expect(refusedPart(response, sent: sent) == .signature, "\(message(response))")
    }

    /// Nothing the client sent explains it, so it names no part; the emulator's words say which.
    @Test func credentialScopeForAnotherServiceIsRefusedInTheEmulatorsWords() async throws {
        var request = try await pythonSigned()
        let index = try #require(request.headers.firstIndex { $0.name.lowercased() == "authorization" })
        var authorization = try #require(AuthorizationHeader(parsing: request.headers[index].value))
        authorization.scope.service = "sts"
        request.headers[index].value = authorization.headerValue()
        let response = await emulator.handle(request)
        #expect(response.status == 403)
        #expect(message(response).hasPrefix("Signature rejected: the credential scope names service sts"), "\(message(response))")
        #expect(refusedPart(response) == nil, "\(message(response))")
    }

    @Test func credentialSerialThatIsNotTheLeafIsRefusedInTheEmulatorsWords() async throws {
        var request = try await pythonSigned()
        let index = try #require(request.headers.firstIndex { $0.name.lowercased() == "authorization" })
        var authorization = try #require(AuthorizationHeader(parsing: request.headers[index].value))
        authorization.credential = "12345"
        request.headers[index].value = authorization.headerValue()
        let response = await emulator.handle(request)
        #expect(message(response).hasPrefix("Signature rejected: the credential serial number does not match"), "\(message(response))")
        #expect(refusedPart(response) == nil)
    }

    @Test func refusesForeignCA() async throws {
        let foreign = try TestPKI.make(name: "Someone Else")
        let key = SigningKey.p256(.init())
        let response = await emulator.handle(try await pythonSigned(key: key, leaf: try foreign.leaf(for: key)))
        #expect(response.status == 403)
        #expect(message(response).contains("Untrusted"))
    }

    @Test func refusesExpiredLeaf() async throws {
        let key = SigningKey.p256(.init())
        let leaf = try pki.leaf(for: key, notBefore: Date().addingTimeInterval(-200), notAfter: Date().addingTimeInterval(-100))
        let response = await emulator.handle(try await pythonSigned(key: key, leaf: leaf))
        #expect(response.status == 403)
        #expect(message(response).contains("expired"))
    }

    @Test func refusesCAAsLeaf() async throws {
        let response = await emulator.handle(try await pythonSigned(key: pki.root.key, leaf: pki.root.certificate))
        #expect(response.status == 403)
        #expect(message(response).contains("CA certificate"))
    }

    @Test func refusesOldSignature() async throws {
        let response = await emulator.handle(try await pythonSigned(at: Date().addingTimeInterval(-600)))
        #expect(response.status == 403)
    }

    static let policyRefusals: [(String, Body, Int, String)] = [
        ("disabled anchor", Body(trustAnchorArn: EmulatorHarness.disabledTrustAnchorArn), 403, "Trust anchor is disabled"),
        ("unknown anchor", Body(trustAnchorArn: "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/none"), 403, "Trust anchor not found"),
        ("disabled profile", Body(profileArn: EmulatorHarness.disabledProfileArn), 403, "Profile is disabled"),
        ("unlisted role", Body(roleArn: EmulatorHarness.otherRoleArn), 403, "Unable to assume role"),
        ("duration 899", Body(durationSeconds: 899), 400, "durationSeconds"),
        ("duration above limit", Body(durationSeconds: 3601), 400, "durationSeconds"),
        ("session name not accepted", Body(roleSessionName: "me"), 400, "roleSessionName"),
    ]

    @Test(arguments: policyRefusals)
    func refusesWhatAWSRefuses(name: String, body: Body, status: Int, text: String) async throws {
        let response = await emulator.handle(try await pythonSigned(body: body))
        #expect(response.status == status, "\(name)")
        #expect(message(response).contains(text), "\(name): \(message(response))")
        let type = response.headers.first { $0.name == "x-amzn-ErrorType" }?.value ?? ""
        #expect(type.hasPrefix(status == 400 ? "ValidationException" : "AccessDeniedException"))
    }

    @Test func refusesAnUnsignedRequest() async {
        let response = await emulator.handle(SignableRequest(method: "POST", path: "/sessions", headers: [("host", "x")], body: Array("{}".utf8)))
        #expect(response.status == 403)
    }

    @Test func anUnknownPathIsNotFound() async {
        let unknown = await emulator.handle(SignableRequest(method: "POST", path: "/other", headers: [], body: []))
        #expect(unknown.status == 404)
    }
}

extension EmulatorAcceptanceTests.Body: CustomTestStringConvertible {
    var testDescription: String { json }
}
