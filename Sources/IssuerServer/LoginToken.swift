import Crypto
import ExtrasBase64
import Foundation
import IssuerProtocol

/// Login session tokens: `v1.<base64url JSON claims>.<base64url HMAC-SHA256>`, signed with a key
/// every replica shares (sealed in the database). Stateless, so any replica checks any token.
struct LoginTokenSigner: Sendable {
    struct Claims: Codable, Sendable, Equatable {
        var user: String
        /// When the user's account was created (`accountStamp`): a token outlives neither the
        /// account nor a later account of the same name.
        var userCreated: Int64
        /// The user's token generation at login: a disable or a password reset since then raised
        /// it, and the token is refused.
        var generation: Int64
        var issuedAt: Date
        var expiresAt: Date
        /// Whether the login passed a TOTP check.
        var mfa: Bool
        /// Random, so two logins in the same second differ.
        var id: String

        /// Microseconds since 1970, the precision the database keeps times in: an account removed
        /// and added again within the same second is still another account.
        static func accountStamp(_ created: Date) -> Int64 {
            Int64((created.timeIntervalSince1970 * 1_000_000).rounded())
        }
    }

    private static let prefix = "v1."
    private let key: SymmetricKey

    init(key: SymmetricKey) { self.key = key }

    func token(for claims: Claims) throws -> String {
        let payload = try JSONEncoder.issuer.encode(claims)
        let mac = HMAC<SHA256>.authenticationCode(for: Array(Self.prefix.utf8) + Array(payload), using: key)
        return Self.prefix + Self.encode(Array(payload)) + "." + Self.encode(Array(mac))
    }

    /// The claims of an authentic, unexpired token.
    func verify(_ token: String, now: Date) throws(IssuanceRefusal) -> Claims {
        let invalid = IssuanceRefusal(reason: .tokenInvalid, message: "the login token is not valid: run `rolecall login` again")
        guard token.utf8.count < 4096, token.hasPrefix(Self.prefix) else { throw invalid }
        let parts = token.dropFirst(Self.prefix.count).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2,
              let payload = try? Base64.decode(string: String(parts[0]), options: [.base64UrlAlphabet, .omitPaddingCharacter]),
              let mac = try? Base64.decode(string: String(parts[1]), options: [.base64UrlAlphabet, .omitPaddingCharacter]),
              // One spelling per token: the decoder also takes padding, the standard alphabet and
              // stray low bits, so only what `encode` gives back is accepted.
              Self.encode(payload) == parts[0], Self.encode(mac) == parts[1],
              // Constant time.
              HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Array(Self.prefix.utf8) + payload, using: key),
              let claims = try? JSONDecoder.issuer.decode(Claims.self, from: Data(payload))
        else { throw invalid }
        guard claims.expiresAt > now else {
            throw IssuanceRefusal(reason: .tokenExpired, message: "the login session ended at \(ISO8601DateFormatter().string(from: claims.expiresAt)): run `rolecall login` again")
        }
        return claims
    }

    private static func encode(_ bytes: [UInt8]) -> String {
        Base64.encodeToString(bytes: bytes, options: [.base64UrlAlphabet, .omitPaddingCharacter])
    }
}

extension JSONEncoder {
    static var issuer: JSONEncoder { IssuerAPI.encoder() }
}

extension JSONDecoder {
    static var issuer: JSONDecoder { IssuerAPI.decoder() }
}
