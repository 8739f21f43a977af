import Foundation
import Issuance
import IssuanceCore
import RolesAnywhere
import Testing
import TestSupport

@Suite(.removesTemporaryFiles) struct TOTPTests {
    /// RFC 6238 Appendix B, SHA-1 rows (8 digits).
    static let vectors: [(TimeInterval, String)] = [
        (59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"), (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
    ]

    @Test(arguments: vectors)
    func rfc6238AppendixB(time: TimeInterval, code: String) {
        let secret = SecretBytes("12345678901234567890")
        #expect(TOTP.code(secret: secret, step: TOTP.step(at: Date(timeIntervalSince1970: time)), digits: 8) == code)
    }

    @Test func agreesWithPyotpOnRandomSecretsAtRandomTimes() async throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5 {
            let secret = TOTPSecret.generate(using: &generator)
            let times = (0..<20).map { _ in Int.random(in: 0...4_000_000_000, using: &generator) }
            let answer = try await Python.crosscheck("totp", ["secret": TOTPSecret.base32(secret), "times": times])
            let theirs = try #require(answer["codes"] as? [String])
            let ours = times.map { TOTP.code(secret: secret, step: TOTP.step(at: Date(timeIntervalSince1970: TimeInterval($0)))) }
            #expect(ours == theirs)
        }
    }

    @Test func acceptsOnlyCodesWithinOneStepOfNow() {
        let secret = SecretBytes("12345678901234567890")
        let now = Date(timeIntervalSince1970: 1_000_000_020)
        let current = TOTP.step(at: now)
        for offset in -3...3 {
            let code = TOTP.code(secret: secret, step: current + Int64(offset))
            let match = TOTP.matchingStep(code: code, secret: secret, at: now)
            #expect((match != nil) == (abs(offset) <= 1), "offset \(offset)")
        }
    }

    @Test func otpauthURIHasTheContractedForm() throws {
        let secret = SecretBytes(Array(repeating: 0xAB, count: 20))
        let uri = TOTPSecret.otpauthURI(user: "alice", secret: secret)
        #expect(uri == "otpauth://totp/rolecall:alice?secret=VOV2XK5LVOV2XK5LVOV2XK5LVOV2XK5L&issuer=rolecall&algorithm=SHA1&digits=6&period=30")
        #expect(try TOTPSecret.fromBase32("VOV2XK5LVOV2XK5LVOV2XK5LVOV2XK5L") == secret)
    }

    @Test(arguments: ["12345", "1234567", "12345a", "١٢٣٤٥٦", " 12345", ""])
    func malformedCodesAreRefusedBeforeAnyCheck(code: String) {
        #expect(!TOTP.isWellFormed(code))
    }
}

@Suite(.removesTemporaryFiles) struct OTPAuthURITests {
    /// What pyotp makes of the URI we build for alice@example.com, and the URI it builds for bob.
    func pyotpCrosscheck() async throws -> (secret: SecretBytes, answer: [String: Any]) {
        var generator = SystemRandomNumberGenerator()
        let secret = TOTPSecret.generate(using: &generator)
        let ours = TOTPSecret.otpauthURI(user: "alice@example.com", secret: secret)
        let answer = try await Python.crosscheck("otpauth", [
            "uri": ours, "secret": TOTPSecret.base32(secret), "name": "bob", "issuer": "rolecall", "time": 1_700_000_000,
        ])
        return (secret, answer)
    }

    @Test func pyotpReadsTheURIWeBuild() async throws {
        let (secret, answer) = try await pyotpCrosscheck()
        #expect(answer["code"] as? String == TOTP.code(secret: secret, step: TOTP.step(at: Date(timeIntervalSince1970: 1_700_000_000))))
        #expect(answer["name"] as? String == "alice@example.com")
        #expect(answer["issuer"] as? String == "rolecall")
    }

    @Test func ourParserReadsTheURIPyotpBuilds() async throws {
        let (secret, answer) = try await pyotpCrosscheck()
        let theirs = try OTPAuthURI(parsing: try #require(answer["built"] as? String))
        #expect(theirs.secret == secret)
        #expect(theirs.label == "rolecall:bob")
    }

    @Test func ourParserReadsTheURIWeBuild() throws {
        var generator = SystemRandomNumberGenerator()
        let secret = TOTPSecret.generate(using: &generator)
        #expect(try OTPAuthURI(parsing: TOTPSecret.otpauthURI(user: "alice@example.com", secret: secret)).secret == secret)
    }

    static let refused: [(String, OTPAuthURI.Invalid.Code, String)] = [
        ("https://totp/x?secret=VOV2XK5LVOV2XK5L", .notTOTP, "expected otpauth://totp/"),
        ("otpauth://hotp/x?secret=VOV2XK5LVOV2XK5L", .notTOTP, "expected otpauth://totp/"),
        ("otpauth://totp/?secret=VOV2XK5LVOV2XK5L", .emptyLabel, "label is empty"),
        ("otpauth://totp/x?issuer=rolecall", .noSecret, "no secret"),
        ("otpauth://totp/x?secret=VOV2XK5LVOV2XK5L&algorithm=SHA256", .unsupportedParameter, "algorithm must be SHA1"),
        ("otpauth://totp/x?secret=VOV2XK5LVOV2XK5L&digits=8", .unsupportedParameter, "digits must be 6"),
        ("otpauth://totp/x?secret=VOV2XK5LVOV2XK5L&period=60", .unsupportedParameter, "period must be 30"),
        ("otpauth://totp/x?secret=VOV2XK5L", .weakSecret, "at least 80 bits"),
        ("otpauth://totp/x?secret=not-base32!", .weakSecret, "not base32"),
        ("otpauth://totp/x?secret=VOV2XK5LVOV2XK5L&secret=AAAAAAAAAAAAAAAA", .repeatedParameter, "appears twice"),
        ("otpauth://totp/x?secret=" + String(repeating: "A", count: 3000), .tooLong, "longer than"),
        // Fuzzing: a seed so long that the URI written back from it no longer fit.
        ("otpauth://totp/x?secret=" + String(repeating: "A", count: 104), .secretTooLong, "longer than 512 bits"),
    ]

    @Test(arguments: refused)
    func malformedURIsAreRefusedWithAReasonThatOmitsTheSecret(uri: String, code: OTPAuthURI.Invalid.Code, reason: String) {
        #expect {
            try OTPAuthURI(parsing: uri)
        } throws: { error in
            let text = String(describing: error)
            return (error as? OTPAuthURI.Invalid)?.code == code && text.contains(reason) && !text.contains("VOV2XK5L") && !text.contains("AAAAAAAA")
        }
    }

    @Test func descriptionHidesTheSecret() throws {
        let uri = try OTPAuthURI(parsing: "otpauth://totp/rolecall:alice?secret=VOV2XK5LVOV2XK5LVOV2XK5LVOV2XK5L")
        #expect(!"\(uri)".contains("VOV2") && "\(uri)".contains("rolecall:alice"))
    }
}
