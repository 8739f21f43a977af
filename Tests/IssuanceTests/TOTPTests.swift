import Foundation
import Issuance
import RolesAnywhere
import Testing
import TestSupport

@Suite struct TOTPTests {
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

    @Test func agreesWithPyotpOnRandomSecretsAndTimes() async throws {
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

    @Test func acceptsPreviousCurrentAndNextStepOnly() {
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
