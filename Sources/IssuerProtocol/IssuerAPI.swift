#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The team issuer's JSON API (docs/issuer-api.md), shared by the service and its client so the
/// two cannot drift apart. Field names are the contract.
public enum IssuerAPI {
    public static let loginPath = "/v1/login"
    public static let certificatesPath = "/v1/certificates"
    public static let serverCertificatePath = "/v1/server-certificate"

    /// Lengths (UTF-8 bytes) of a password a person chooses: at least 12, and at most 72, where
    /// bcrypt stops reading (a longer one would be cut without a word).
    public static let newPasswordBytes = 12...72

    /// Why a password cannot be chosen, or nil. Control characters are refused: bcrypt reads up to
    /// the first NUL, so one would cut the password short behind the length check.
    public static func newPasswordProblem(_ password: String) -> String? {
        guard newPasswordBytes.contains(password.utf8.count) else {
            return "a new password must be \(newPasswordBytes.lowerBound) to \(newPasswordBytes.upperBound) bytes long"
        }
        guard !password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            return "a new password must not contain control characters"
        }
        return nil
    }

    /// `GET /v1/server-certificate`: the TLS certificate the service presents, so that a client
    /// given its SHA-256 fingerprint can pin it (and from then on verify TLS against it alone).
    public struct ServerCertificate: Codable, Sendable {
        public var certificate: String
        public init(certificate: String) { self.certificate = certificate }
    }

    /// `POST /v1/login`.
    public struct LoginRequest: Codable, Sendable, CustomStringConvertible {
        public var user: String
        public var password: String
        /// Needed for roles with `login` MFA; a login without it can use `off` roles, and
        /// `per-session` roles with a code sent with each certificate request.
        public var totp: String?
        /// Replaces the password; needs `totp`. Required while the password is the one-time
        /// password `issuer user add` or `issuer user reset` printed.
        public var newPassword: String?

        public init(user: String, password: String, totp: String?, newPassword: String? = nil) {
            self.user = user
            self.password = password
            self.totp = totp
            self.newPassword = newPassword
        }

        public var description: String {
            "LoginRequest(user: \(user), password: <redacted>, totp: \(totp == nil ? "none" : "<redacted>"), newPassword: \(newPassword == nil ? "none" : "<redacted>"))"
        }
    }

    /// A role the user may use, with what the client needs to write a profile for it.
    public struct Role: Codable, Sendable, Equatable {
        public var roleArn: String
        public var profileArn: String
        public var trustAnchorArn: String
        public var region: String?
        public var maxDurationSeconds: Int
        /// "per-session", "login" or "off"; any other value (a newer issuer's) counts as per-session.
        public var mfa: WireValue<MFARequirement>

        public init(roleArn: String, profileArn: String, trustAnchorArn: String, region: String?, maxDurationSeconds: Int, mfa: WireValue<MFARequirement>) {
            self.roleArn = roleArn
            self.profileArn = profileArn
            self.trustAnchorArn = trustAnchorArn
            self.region = region
            self.maxDurationSeconds = maxDurationSeconds
            self.mfa = mfa
        }
    }

    public struct LoginResponse: Codable, Sendable, CustomStringConvertible {
        public var token: String
        public var user: String
        public var expiresAt: Date
        /// Whether this login session passed a TOTP check.
        public var mfa: Bool
        public var roles: [Role]

        public init(token: String, user: String, expiresAt: Date, mfa: Bool, roles: [Role]) {
            self.token = token
            self.user = user
            self.expiresAt = expiresAt
            self.mfa = mfa
            self.roles = roles
        }

        public var description: String { "LoginResponse(user: \(user), token: <redacted>, expiresAt: \(expiresAt), roles: \(roles.count))" }
    }

    /// `POST /v1/certificates`, with `Authorization: Bearer <login token>`.
    public struct CertificateRequest: Codable, Sendable, CustomStringConvertible {
        /// PKCS#10, PEM.
        public var csr: String
        public var roleArn: String
        /// "single-use", "in-memory" or "standard"; the issuer refuses any other.
        public var kind: WireValue<CertificateKindName>
        /// For in-memory certificates: the MFA verification interval asked for.
        public var lifetimeSeconds: Int?
        /// For standard certificates: the AWS session length the profile asks for.
        public var sessionSeconds: Int?
        /// Required when the role needs per-session MFA.
        public var totp: String?

        public init(csr: String, roleArn: String, kind: WireValue<CertificateKindName>, lifetimeSeconds: Int?, sessionSeconds: Int?, totp: String?) {
            self.csr = csr
            self.roleArn = roleArn
            self.kind = kind
            self.lifetimeSeconds = lifetimeSeconds
            self.sessionSeconds = sessionSeconds
            self.totp = totp
        }

        public var description: String { "CertificateRequest(role: \(roleArn), kind: \(kind), totp: \(totp == nil ? "none" : "<redacted>"))" }
    }

    public struct CertificateResponse: Codable, Sendable {
        /// PEM certificates, leaf first.
        public var certificateChain: [String]
        /// The duration-policy inputs: what is left of the login session, and the role's limit.
        public var loginSecondsLeft: Int
        public var roleMaxDurationSeconds: Int

        public init(certificateChain: [String], loginSecondsLeft: Int, roleMaxDurationSeconds: Int) {
            self.certificateChain = certificateChain
            self.loginSecondsLeft = loginSecondsLeft
            self.roleMaxDurationSeconds = roleMaxDurationSeconds
        }
    }

    /// Every non-2xx answer.
    public struct ErrorResponse: Codable, Sendable {
        /// Why; a reason this build does not know (a newer issuer's) is taken as "unavailable".
        public var error: WireValue<IssuanceRefusal.Reason>
        public var message: String
        /// With `wrong-code`: wrong codes left before the lockout. Optional, so an older client
        /// ignores it and an older issuer leaves it out.
        public var attemptsLeft: Int?

        public init(error: WireValue<IssuanceRefusal.Reason>, message: String, attemptsLeft: Int? = nil) {
            self.error = error
            self.message = message
            self.attemptsLeft = attemptsLeft
        }
    }

    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
