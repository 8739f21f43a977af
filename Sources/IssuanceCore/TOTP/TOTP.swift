import Crypto
import ExtrasBase64
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RolesAnywhere

/// RFC 6238 time-based one-time passwords: HMAC-SHA-1, 6 digits, 30-second steps.
public enum TOTP {
    public static let digits = 6
    public static let period: TimeInterval = 30

    /// The time step containing `time`.
    public static func step(at time: Date) -> Int64 {
        Int64((time.timeIntervalSince1970 / period).rounded(.down))
    }

    /// The code for `step` (RFC 4226 dynamic truncation), zero-padded.
    public static func code(secret: SecretBytes, step: Int64, digits: Int = digits) -> String {
        let counter = withUnsafeBytes(of: UInt64(bitPattern: step).bigEndian) { Array($0) }
        let mac = secret.withUnsafeBytes { key in
            Array(HMAC<Insecure.SHA1>.authenticationCode(for: counter, using: SymmetricKey(data: key)))
        }
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let binary = (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = String(binary % modulus)
        return String(repeating: "0", count: digits - value.count) + value
    }

    /// The step among previous, current and next whose code equals `code`, compared in constant time.
    public static func matchingStep(code: String, secret: SecretBytes, at time: Date) -> Int64? {
        let current = step(at: time)
        var match: Int64?
        for candidate in [current - 1, current, current + 1] {
            let expected = SecretBytes(self.code(secret: secret, step: candidate))
            if expected == SecretBytes(code) && match == nil { match = candidate }
        }
        return match
    }

    /// Exactly six ASCII digits.
    public static func isWellFormed(_ code: String) -> Bool {
        code.utf8.count == digits && code.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }
}

/// A TOTP seed: 160 random bits by default, kept as `SecretBytes`.
public enum TOTPSecret {
    public static func generate(byteCount: Int = 20, using generator: inout some RandomNumberGenerator) -> SecretBytes {
        SecretBytes((0..<byteCount).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    public static func base32(_ secret: SecretBytes) -> String {
        secret.withUnsafeBytes { String(base32Encoding: $0, options: .omitPaddingCharacter) }
    }

    public static func fromBase32(_ text: String) throws -> SecretBytes {
        let normalised = text.uppercased().filter { $0 != " " && $0 != "=" }
        return SecretBytes(try normalised.base32decoded())
    }

    /// `otpauth://totp/rolecall:<user>?secret=…&issuer=rolecall&algorithm=SHA1&digits=6&period=30`.
    public static func otpauthURI(user: String, secret: SecretBytes, issuer: String = "rolecall") -> String {
        // Issuer and user are percent-encoded (RFC 3986) apart; the colon between them stays literal.
        let label = "\(CanonicalRequest.uriEncode(issuer)):\(CanonicalRequest.uriEncode(user))"
        return "otpauth://totp/\(label)?secret=\(base32(secret))&issuer=\(CanonicalRequest.uriEncode(issuer))&algorithm=SHA1&digits=\(TOTP.digits)&period=\(Int(TOTP.period))"
    }
}
