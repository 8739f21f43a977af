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

    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// The longest URI accepted; a real one is about 150 characters.
    static let maximumLength = 2048
    static let maximumSecretBytes = 64

    /// Parses `text`; errors name the problem, never the secret.
    public init(parsing text: String) throws(Invalid) {
        func invalid(_ problem: String) -> Invalid { Invalid(description: "invalid otpauth URI: \(problem)") }
        guard text.utf8.count <= Self.maximumLength else { throw invalid("longer than \(Self.maximumLength) characters") }
        guard let components = URLComponents(string: text),
              components.scheme?.lowercased() == "otpauth", components.host?.lowercased() == "totp"
        else { throw invalid("expected otpauth://totp/LABEL?secret=…") }
        let label = String(components.path.dropFirst())
        guard !label.isEmpty else { throw invalid("the label is empty") }

        var parameters: [String: String] = [:]
        for item in components.queryItems ?? [] {
            guard parameters[item.name.lowercased()] == nil else { throw invalid("parameter \(printableExcerpt(item.name, limit: 20)) appears twice") }
            parameters[item.name.lowercased()] = item.value ?? ""
        }
        let expected = ["algorithm": "SHA1", "digits": String(TOTP.digits), "period": String(Int(TOTP.period))]
        for (name, value) in expected {
            if let given = parameters[name], given.uppercased() != value {
                throw invalid("\(name) must be \(value) (rolecall's TOTP is SHA-1, 6 digits, 30 s)")
            }
        }
        guard let secretText = parameters["secret"], !secretText.isEmpty else { throw invalid("no secret parameter") }
        guard let secret = try? TOTPSecret.fromBase32(secretText), secret.count >= 10 else {
            throw invalid("the secret is not base32 of at least 80 bits")
        }
        // RFC 4226 asks for 128 bits and recommends 160; nothing real exceeds 512. Fuzzing found a
        // kilobyte seed whose URI, written back, no longer fit the length limit.
        guard secret.count <= Self.maximumSecretBytes else {
            throw invalid("the secret is longer than \(Self.maximumSecretBytes * 8) bits")
        }
        self.label = label
        self.issuer = parameters["issuer"]
        self.secret = secret
    }

    public var description: String { "OTPAuthURI(label: \(label), secret: <redacted>)" }
}
