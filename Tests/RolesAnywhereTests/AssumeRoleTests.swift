import Foundation
import HTTPSTransport
import RolesAnywhere
import RolesAnywhereEmulator
@testable import SecurityTokenService
import Testing
import TestSupport

/// Role chaining's STS call: signed as botocore signs, read with libxml2, judged by the emulator.
@Suite(.removesTemporaryFiles) struct AssumeRoleTests {
    static let source = AWSCredentials(accessKeyId: "ASIAEXAMPLESOURCE000", secretAccessKey: SecretBytes("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                                       sessionToken: SecretBytes("FwoGZXIvYXdzEXAMPLE+token/=="), expiration: Date().addingTimeInterval(900))

    @Test func theSignatureIsBotocoresByteForByte() async throws {
        let date = Date(timeIntervalSince1970: 1_796_000_000)
        let request = AssumeRoleRequest(roleArn: EmulatorHarness.partnerRoleArn, roleSessionName: "rolecall-alice", durationSeconds: 3600,
                                        externalId: EmulatorHarness.partnerExternalId)
        let contentType = "application/x-www-form-urlencoded; charset=utf-8"
        let signed = HMACSigV4.sign(SignableRequest(method: "POST", path: "/", headers: [("Content-Type", contentType)], body: request.formBody),
                                    host: "sts.eu-west-1.amazonaws.com", credentials: Self.source, region: "eu-west-1", service: "sts", at: date)
        let answer = try await Python.crosscheck("sigv4", [
            "accessKeyId": Self.source.accessKeyId, "secretAccessKey": Self.source.secretAccessKey.unsafeStringValue(),
            "sessionToken": Self.source.sessionToken.unsafeStringValue(), "service": "sts", "region": "eu-west-1",
            "url": "https://sts.eu-west-1.amazonaws.com/", "body": String(decoding: request.formBody, as: UTF8.self),
            "headers": ["Content-Type": contentType], "amzDate": AmzDate.string(from: date),
        ])
        let botocore = try #require(answer["headers"] as? [String: String])
        #expect(signed.header("authorization") == botocore["Authorization"])
        #expect(signed.header("x-amz-security-token") == botocore["X-Amz-Security-Token"])
        #expect(String(decoding: request.formBody, as: UTF8.self).hasSuffix("&DurationSeconds=3600&ExternalId=partner-7f3e"))
        #expect(String(decoding: request.formBody, as: UTF8.self).hasPrefix("Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A210987654321%3Arole%2Fpartner-role&"))
    }

    @Test func anAnswerIsReadWithItsSecretsOnlyAsSecretBytes() throws {
        let xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <AssumeRoleResult>
            <!-- a comment -->
            <Credentials><AccessKeyId>ASIATARGET</AccessKeyId><SecretAccessKey>s3cr&amp;t</SecretAccessKey>
              <SessionToken><![CDATA[tok<en>]]></SessionToken><Expiration>2026-12-03T18:00:00Z</Expiration></Credentials>
            <AssumedRoleUser><Arn>arn:aws:sts::210987654321:assumed-role/target-role/rolecall-alice</Arn><AssumedRoleId>AROA:x</AssumedRoleId></AssumedRoleUser>
            <PackedPolicySize/>
          </AssumeRoleResult>
        </AssumeRoleResponse>
        """
        let root = try XMLReader.parse(Array(xml.utf8), secretElements: ["SecretAccessKey", "SessionToken"])
        #expect(root.name == "AssumeRoleResponse")
        let credentials = try #require(root.descendant("AssumeRoleResult", "Credentials"))
        #expect(credentials.child("AccessKeyId")?.text == "ASIATARGET")
        #expect(credentials.child("SecretAccessKey")?.text == "")
        #expect(credentials.child("SecretAccessKey")?.secret?.unsafeStringValue() == "s3cr&t")
        #expect(credentials.child("SessionToken")?.secret?.unsafeStringValue() == "tok<en>")
        #expect(root.descendant("AssumeRoleResult", "AssumedRoleUser", "Arn")?.text == "arn:aws:sts::210987654321:assumed-role/target-role/rolecall-alice")
        #expect(root.descendant("AssumeRoleResult", "PackedPolicySize")?.children.isEmpty == true)
    }

    static let hostileXML: [(String, XMLReadError.Code)] = [
        ("<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x \"boom\">]><a>&x;</a>", .markupDeclared),
        ("<!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]><l>&c;</l>", .markupDeclared),
        ("<!DOCTYPE a [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]><a/>", .markupDeclared),
        ("<a><!ENTITY x \"y\"></a>", .markupDeclared),
        ("<a>&amp;&unknown;</a>", .notWellFormed),
        ("<!DOCTYPE a SYSTEM \"http://127.0.0.1:9/evil.dtd\"><a/>", .markupDeclared),
        ("<a><b></a>", .notWellFormed),
        ("<a/><b/>", .notWellFormed),
        ("", .notWellFormed),
    ]

    @Test(arguments: hostileXML)
    func hostileOrBrokenXMLIsRefused(xml: String, refusal: XMLReadError.Code) {
        #expect {
            _ = try XMLReader.parse(Array(xml.utf8))
        } throws: { error in
            (error as? XMLReadError)?.code == refusal
        }
    }

    @Test func onlyCommentsOrCDATAMayOpenWithABang() {
        #expect(!XMLReader.declaresMarkup(Array("<a><!-- x --><![CDATA[<b>]]></a>".utf8)))
        #expect(XMLReader.declaresMarkup(Array("<?xml version=\"1.0\"?>\n<!DOCTYPE a><a/>".utf8)))
        #expect(XMLReader.declaresMarkup(Array("<a><!ELEMENT a ANY></a>".utf8)))
    }

    @Test func theEndpointIsTheRegionsUnlessTheSDKsVariablesSayOtherwise() throws {
        #expect(try STSEndpoint.resolve(region: "eu-west-1", environment: [:]).description == "https://sts.eu-west-1.amazonaws.com")
        #expect(try STSEndpoint.resolve(region: "cn-north-1", environment: [:]).description == "https://sts.cn-north-1.amazonaws.com.cn")
        #expect(try STSEndpoint.resolve(region: "eu-west-1", environment: ["AWS_ENDPOINT_URL": "http://127.0.0.1:4566"]).description == "http://127.0.0.1:4566")
        let both = ["AWS_ENDPOINT_URL": "http://127.0.0.1:4566", "AWS_ENDPOINT_URL_STS": "https://sts.example.test"]
        #expect(try STSEndpoint.resolve(region: "eu-west-1", environment: both).description == "https://sts.example.test")
        #expect(try STSEndpoint.resolve(region: "eu-west-1", environment: both.merging(["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"]) { $1 }).description
                == "https://sts.eu-west-1.amazonaws.com")
        #expect(throws: RolesAnywhereError.self, "credentials never go to a non-loopback http:// endpoint") {
            _ = try STSEndpoint.resolve(region: "eu-west-1", environment: ["AWS_ENDPOINT_URL_STS": "http://sts.example.test"])
        }
    }

    @Test func theDefaultSessionNameIsOneAssumeRoleAccepts() {
        #expect(AssumeRoleRequest.defaultSessionName(user: "alice") == "rolecall-alice")
        #expect(AssumeRoleRequest.defaultSessionName(user: "Zoë O'Brien@corp") == "rolecall-ZoOBrien@corp")
        #expect(AssumeRoleRequest.defaultSessionName(user: nil) == "rolecall-user")
        let long = AssumeRoleRequest.defaultSessionName(user: String(repeating: "x", count: 100))
        #expect(long.count == 64 && RoleSessionName.isValid(long))
    }

    /// The client against the emulator, which verifies the signature with the source credentials it
    /// issued: `body` gets the client, the source credentials and the emulator's records.
    func againstTheEmulator(_ body: (AssumeRoleClient, AWSCredentials, EmulatorHarness) async throws -> Void) async throws {
        let pki = try TestPKI.make()
        let directory = try Paths.temporaryDirectory()
        let harness = try await EmulatorHarness.start(try EmulatorHarness.standardConfig(caPEM: pki.root.certificate.pem, directory: directory))
        defer { harness.stop() }
        let source = try await sourceCredentials(harness, pki)
        try await body(AssumeRoleClient(endpoint: try Endpoint(parsing: harness.url), region: "us-east-1", transport: NIOClientTransport()), source, harness)
    }

    func assume(_ client: AssumeRoleClient, _ source: AWSCredentials, _ role: String, duration: Int = 3600,
                externalId: String? = nil) async throws(STSError) -> AssumeRoleResult {
        try await client.assumeRole(AssumeRoleRequest(roleArn: role, roleSessionName: "rolecall-alice", durationSeconds: duration, externalId: externalId),
                                    with: source, retry: .never)
    }

    func assumeRoleStatuses(_ harness: EmulatorHarness) -> [Int] { harness.records.filter { $0.action == "sts:AssumeRole" }.map(\.status) }

    @Test func theEmulatorGrantsTheTargetRoles() async throws {
        try await againstTheEmulator { client, source, harness in
            let granted = try await assume(client, source, EmulatorHarness.targetRoleArn)
            #expect(granted.assumedRoleArn == "arn:aws:sts::210987654321:assumed-role/target-role/rolecall-alice")
            #expect(abs(granted.credentials.expiration.timeIntervalSinceNow - 3600) < 60)
            #expect(try await assume(client, source, EmulatorHarness.partnerRoleArn, externalId: EmulatorHarness.partnerExternalId)
                .credentials.accessKeyId.hasPrefix("ASIA"))
            #expect(assumeRoleStatuses(harness) == [200, 200])
        }
    }

    static let refusals: [(role: String, duration: Int, externalId: String?, code: STSError.Code, words: String, status: Int)] = [
        (EmulatorHarness.partnerRoleArn, 3600, "wrong-id", .accessDenied, "check --external-id", 403),
        (EmulatorHarness.partnerRoleArn, 3600, nil, .accessDenied, "trust policy must allow sts:AssumeRole for the source role (if it asks for an external ID, give the profile one: `rolecall profile add NAME --source-profile SOURCE --role-arn ARN --external-id ID --force`)", 403),
        (EmulatorHarness.otherRoleArn, 3600, nil, .accessDenied, "trust policy must allow sts:AssumeRole", 403),
        (EmulatorHarness.targetRoleArn, 3601, nil, .validation, "1 hour session limit for roles assumed by role chaining", 400),
        (EmulatorHarness.targetRoleArn, 899, nil, .validation, "greater than or equal to 900", 400),
    ]

    @Test(arguments: refusals)
    func theEmulatorRefusesWhatAWSRefuses(refusal: (role: String, duration: Int, externalId: String?, code: STSError.Code, words: String, status: Int)) async throws {
        try await againstTheEmulator { client, source, harness in
            await #expect {
                _ = try await assume(client, source, refusal.role, duration: refusal.duration, externalId: refusal.externalId)
            } throws: { error in
                guard let error = error as? STSError else { return false }
                return error.code == refusal.code && error.description.contains(refusal.words) && !error.description.contains(source.secretAccessKey.unsafeStringValue())
            }
            #expect(assumeRoleStatuses(harness) == [refusal.status])
        }
    }

    @Test func theEmulatorRefusesAForgedSignature() async throws {
        try await againstTheEmulator { client, source, harness in
            let forged = AWSCredentials(accessKeyId: source.accessKeyId, secretAccessKey: SecretBytes("not-the-secret"), sessionToken: source.sessionToken,
                                        expiration: source.expiration)
            await #expect(throws: STSError.self) {
                _ = try await client.assumeRole(AssumeRoleRequest(roleArn: EmulatorHarness.targetRoleArn, roleSessionName: "x1", durationSeconds: 900), with: forged, retry: .never)
            }
            #expect(assumeRoleStatuses(harness) == [403])
        }
    }

    /// Credentials from the emulator's own CreateSession, which AssumeRole must be signed with.
    private func sourceCredentials(_ harness: EmulatorHarness, _ pki: TestPKI) async throws -> AWSCredentials {
        let key = SigningKey.p256(.init())
        let identity = SigningIdentity(certificate: try pki.leaf(for: key), key: key, isSingleUse: false)
        let client = CreateSessionClient(endpoint: try Endpoint(parsing: harness.url), region: "us-east-1", transport: NIOClientTransport())
        return try await client.createSession(CreateSessionRequest(durationSeconds: 900, profileArn: EmulatorHarness.profileArn, roleArn: EmulatorHarness.roleArn,
                                                                   trustAnchorArn: EmulatorHarness.trustAnchorArn), identity: identity).credentials
    }
}
