#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RolesAnywhere

/// An `otpauth://totp/…` URI as an authenticator reads it: the label and the seed, with the
/// parameters rolecall's TOTP uses (SHA-1, 6 digits, 30 s) checked rather than assumed.
public struct OTPAuthURI: Sendable, CustomStringConvertible {
    public let label: String
    public let issuer: String?
    public let secret: SecretBytes

    /// Why a URI was refused: never its secret.
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Code: String, Sendable {
            case tooLong, notTOTP, emptyLabel, repeatedParameter, unsupportedParameter, noSecret, weakSecret, secretTooLong
        }

        public let code: Code
        public let description: String

        private init(_ code: Code, _ problem: String) {
            self.code = code
            self.description = "invalid otpauth URI: \(problem)"
        }

        static func tooLong() -> Invalid { .init(.tooLong, "longer than \(maximumLength) characters") }
        static func notTOTP() -> Invalid { .init(.notTOTP, "expected otpauth://totp/LABEL?secret=…") }
        static func emptyLabel() -> Invalid { .init(.emptyLabel, "the label is empty") }
        static func repeatedParameter(_ name: String) -> Invalid {
            .init(.repeatedParameter, "parameter \(printableExcerpt(name, limit: 20)) appears twice")
        }
        static func unsupportedParameter(_ name: String, expected value: String) -> Invalid {
            .init(.unsupportedParameter, "\(name) must be \(value) (rolecall's TOTP is SHA-1, 6 digits, 30 s)")
        }
        static func noSecret() -> Invalid { .init(.noSecret, "no secret parameter") }
        static func weakSecret() -> Invalid { .init(.weakSecret, "the secret is not base32 of at least 80 bits") }
        static func secretTooLong() -> Invalid { .init(.secretTooLong, "the secret is longer than \(maximumSecretBytes * 8) bits") }
    }

    /// The longest URI accepted; a real one is about 150 characters.
    static let maximumLength = 2048
    static let maximumSecretBytes = 64

    /// Parses `text`; errors name the problem, never the secret.
    public init(parsing text: String) throws(Invalid) {
        guard text.utf8.count <= Self.maximumLength else { throw .tooLong() }
        guard let components = URLComponents(string: text),
              components.scheme?.lowercased() == "otpauth", components.host?.lowercased() == "totp"
        else { throw .notTOTP() }
        let label = String(components.path.dropFirst())
        guard !label.isEmpty else { throw .emptyLabel() }

        var parameters: [String: String] = [:]
        for item in components.queryItems ?? [] {
            guard parameters[item.name.lowercased()] == nil else { throw .repeatedParameter(item.name) }
            parameters[item.name.lowercased()] = item.value ?? ""
        }
        let expected = ["algorithm": "SHA1", "digits": String(TOTP.digits), "period": String(Int(TOTP.period))]
        for (name, value) in expected {
            if let given = parameters[name], given.uppercased() != value {
                throw .unsupportedParameter(name, expected: value)
            }
        }
        guard let secretText = parameters["secret"], !secretText.isEmpty else { throw .noSecret() }
        guard let secret = try? TOTPSecret.fromBase32(secretText), secret.count >= 10 else {
            throw .weakSecret()
        }
        // RFC 4226 asks for 128 bits and recommends 160; nothing real exceeds 512. Fuzzing found a
        // kilobyte seed whose URI, written back, no longer fit the length limit.
        guard secret.count <= Self.maximumSecretBytes else {
            throw .secretTooLong()
        }
        self.label = label
        self.issuer = parameters["issuer"]
        self.secret = secret
    }

    public var description: String { "OTPAuthURI(label: \(label), secret: <redacted>)" }
}
