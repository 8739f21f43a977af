import Foundation
import RolesAnywhere
import Testing

@Suite struct ResponseDecoderTests {
    static let now = Date(timeIntervalSince1970: 1_799_990_000)

    static func body(accessKey: String = "ASIAEXAMPLE", secret: String = "c2VjcmV0", token: String = "dG9rZW4=", expiration: String = "2027-01-15T08:00:00Z") -> [UInt8] {
        let credentials: [String: String] = ["accessKeyId": accessKey, "secretAccessKey": secret, "sessionToken": token, "expiration": expiration]
        let object: [String: Any] = ["credentialSet": [["credentials": credentials, "assumedRoleUser": ["arn": "arn:aws:sts::1:assumed-role/r/s", "assumedRoleId": "AROA:s"]]], "subjectArn": "s"]
        return Array(try! JSONSerialization.data(withJSONObject: object))
    }

    @Test func decodesAWSShape() throws {
        let result = try CreateSessionResponseDecoder.decode(TransportResponse(status: 201, body: Self.body()), now: Self.now)
        #expect(result.credentials.accessKeyId == "ASIAEXAMPLE")
        #expect(result.credentials.sessionToken.unsafeStringValue() == "dG9rZW4=")
        #expect(RFC3339.string(from: result.credentials.expiration) == "2027-01-15T08:00:00Z")
        #expect(result.assumedRoleArn == "arn:aws:sts::1:assumed-role/r/s")
    }

    static let hostile: [(String, [UInt8], String)] = [
        ("invalid JSON", Array("{not json".utf8), "the body is not CreateSession JSON"),
        ("empty set", Array(#"{"credentialSet":[]}"#.utf8), "holds no credential set"),
        ("newline in token", body(token: "abc\necho pwned"), "characters AWS never uses"),
        ("quote in secret", body(secret: "a'b"), "characters AWS never uses"),
        ("space in key id", body(accessKey: "ASIA X"), "characters AWS never uses"),
        ("expired", body(expiration: "2020-01-01T00:00:00Z"), "before they arrived; check the machine's clock"),
        ("bad expiration", body(expiration: "tomorrow"), "not an RFC 3339 time"),
    ]

    @Test(arguments: hostile)
    func refusesHostileResponses(name: String, bytes: [UInt8], message: String) {
        #expect("\(name)") {
            try CreateSessionResponseDecoder.decode(TransportResponse(status: 201, body: bytes), now: Self.now)
        } throws: { error in
            let text = "\(error)"
            return error is RolesAnywhereError && text.contains(message) && !text.contains("pwned")
        }
    }

    @Test func errorTextIsPrintableAndBounded() {
        let message = String(repeating: "A", count: 5000) + "\u{1b}[31m"
        do {
            _ = try CreateSessionResponseDecoder.decode(TransportResponse(status: 400, body: Array("{\"message\":\"\(message)\"}".utf8)), now: Self.now)
            Issue.record("a 400 must be an error")
        } catch {
            #expect(error.code == .validation)
            #expect(error.description.count < 500)
            #expect(!error.description.contains("\u{1b}"))
        }
    }

    @Test func credentialsDescriptionHidesSecrets() throws {
        let result = try CreateSessionResponseDecoder.decode(TransportResponse(status: 201, body: Self.body()), now: Self.now)
        let text = "\(result.credentials) \(result.credentials.secretAccessKey) \(String(reflecting: result.credentials))"
        #expect(!text.contains("c2VjcmV0") && !text.contains("dG9rZW4="))
        result.credentials.wipe()
        #expect(result.credentials.sessionToken.isEmpty)
    }
}
