#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Issuance
import RolesAnywhere
import SecurityTokenService
import TokenKeys

/// A named way to get credentials for one role.
public struct Profile: Codable, Sendable, Equatable {
    public enum MFAMode: String, Codable, Sendable, CaseIterable {
        /// Per-session MFA: a single-use certificate per session, no credential_process.
        case required
        /// Per-session, with the token that holds the CA's key as the factor: its PIN (or touch)
        /// each session, no TOTP code; no credential_process.
        case token
        case off

        /// One factor per session, so single-use certificates and no credential_process.
        public var isPerSession: Bool { self != .off }
    }

    public var name: String
    public var roleArn: String
    public var profileArn: String
    public var trustAnchorArn: String
    public var region: String?
    /// The longest AWS session this profile asks for (900…43 200 s).
    public var durationSeconds: Int
    public var mfa: MFAMode
    /// Roles Anywhere's endpoint (CreateSession only); `stsEndpoint` and `signinEndpoint` are the
    /// others a profile may set (`ServiceEndpoints`).
    public var endpoint: String?
    public var stsEndpoint: String?
    public var signinEndpoint: String?
    public var roleSessionName: String?
    /// How long one MFA check lets `exec --server` keep refreshing (default 1 h, at most 12 h).
    public var mfaVerificationIntervalSeconds: Int?
    /// Set for profiles written by `rolecall login`: certificates come from the team issuer of
    /// the current login (this is its first URL, for display), not from the local CA.
    public var issuer: String?
    /// Where the token's PIN comes from when the command gives no `--pin-command` (a command, not
    /// the PIN: for `--mfa off` profiles whose CA is on a token, run by `credential_process`).
    public var pinCommand: String?
    /// Set for a bring-your-own-certificate profile: its own certificate and key sign CreateSession,
    /// no CA of rolecall's is involved.
    public var ownCertificate: OwnCertificate?
    /// Set for a chained profile (`--source-profile`): `roleArn` is assumed with STS AssumeRole,
    /// signed with the source profile's session. It has no Roles Anywhere ARNs of its own, and its
    /// `mfa` is the source's, filled in when the config is read.
    public var chain: RoleChain?

    /// The second link of a role chain.
    public struct RoleChain: Codable, Sendable, Equatable {
        /// The profile whose session signs AssumeRole; not itself chained.
        public var sourceProfile: String
        /// The `sts:ExternalId` the target role's trust policy asks for.
        public var externalId: String?

        public init(sourceProfile: String, externalId: String? = nil) {
            self.sourceProfile = sourceProfile
            self.externalId = externalId
        }
    }

    /// A certificate from elsewhere (a corporate PKI) and its key: files, or objects on a token.
    public struct OwnCertificate: Codable, Sendable, Equatable {
        /// An absolute path (PEM or DER; PEM may hold the intermediates after the leaf), or a
        /// `pkcs11:` URI of a certificate object.
        public var certificate: String
        /// An absolute path (PEM, 0600; PKCS#8, SEC 1 or PKCS#1; an encrypted PKCS#8 file asks for
        /// its passphrase), or a `pkcs11:` URI of a private key.
        public var privateKey: String
        /// An absolute path of PEM intermediates, leaf-most first.
        public var intermediates: String?
        /// The module the token objects were found with (`profile add`), remembered.
        public var pkcs11Module: String?

        public init(certificate: String, privateKey: String, intermediates: String? = nil, pkcs11Module: String? = nil) {
            self.certificate = certificate
            self.privateKey = privateKey
            self.intermediates = intermediates
            self.pkcs11Module = pkcs11Module
        }

        public var keyIsOnToken: Bool { PKCS11URI.isURI(privateKey) }

        func validate() throws(ProfileError) {
            for (flag, value) in [("--certificate", certificate), ("--private-key", privateKey), ("--intermediates", intermediates)] {
                guard let value else { continue }
                if PKCS11URI.isURI(value) {
                    guard flag != "--intermediates" else { throw ProfileError("--intermediates takes a PEM file, not a pkcs11: URI") }
                    do { _ = try PKCS11URI(parsing: value) } catch { throw ProfileError("\(flag): \(error)") }
                } else if !value.hasPrefix("/") {
                    throw ProfileError("\(flag) must be an absolute path or a pkcs11: URI, got \(printableExcerpt(value, limit: 80))")
                }
            }
            if PKCS11URI.isURI(certificate) && !keyIsOnToken {
                throw ProfileError("--certificate names a token object but --private-key a file: keep both on the token, or both in files")
            }
        }
    }

    public init(name: String, roleArn: String, profileArn: String, trustAnchorArn: String, region: String? = nil,
                durationSeconds: Int = SessionDurationPolicy.defaultSeconds, mfa: MFAMode = .required,
                endpoint: String? = nil, roleSessionName: String? = nil, mfaVerificationIntervalSeconds: Int? = nil,
                issuer: String? = nil, pinCommand: String? = nil, ownCertificate: OwnCertificate? = nil, chain: RoleChain? = nil) {
        self.name = name
        self.roleArn = roleArn
        self.profileArn = profileArn
        self.trustAnchorArn = trustAnchorArn
        self.region = region
        self.durationSeconds = durationSeconds
        self.mfa = mfa
        self.endpoint = endpoint
        self.roleSessionName = roleSessionName
        self.mfaVerificationIntervalSeconds = mfaVerificationIntervalSeconds
        self.issuer = issuer
        self.pinCommand = pinCommand
        self.ownCertificate = ownCertificate
        self.chain = chain
    }

    /// The profile's own endpoints (a chained profile's source may set more: `SessionStarter.endpoints(of:)`).
    public var endpoints: ServiceEndpoints {
        get { ServiceEndpoints(rolesAnywhere: endpoint, sts: stsEndpoint, signin: signinEndpoint) }
        set { (endpoint, stsEndpoint, signinEndpoint) = (newValue.rolesAnywhere, newValue.sts, newValue.signin) }
    }

    /// A chained profile: `roleArn` assumed with the session of `chain.sourceProfile`.
    public static func chained(name: String, sourceProfile: String, roleArn: String, externalId: String? = nil, region: String? = nil,
                               durationSeconds: Int = AssumeRoleRequest.chainedMaximumSeconds, roleSessionName: String? = nil) -> Profile {
        Profile(name: name, roleArn: roleArn, profileArn: "", trustAnchorArn: "", region: region, durationSeconds: durationSeconds,
                roleSessionName: roleSessionName, chain: RoleChain(sourceProfile: sourceProfile, externalId: externalId))
    }

    /// Checks every field, with messages that show the expected form.
    public func validate() throws(ProfileError) {
        guard Self.isValidName(name) else {
            throw ProfileError("invalid profile name \(Self.shown(name)): use 1 to 64 letters, digits, '.', '_' or '-'")
        }
        if let chain { return try validateChained(chain) }
        do {
            try ARN.checkSessionTarget(roleArn: roleArn, profileArn: profileArn, trustAnchorArn: trustAnchorArn)
        } catch {
            throw ProfileError(error.description)
        }
        if let region, !RegionResolver.isValidRegion(region) {
            throw ProfileError("invalid region \"\(printableExcerpt(region, limit: 40))\": expected a name such as us-east-1")
        }
        guard SessionDurationPolicy.range.contains(durationSeconds) else {
            throw ProfileError("--duration must be between 15m and 12h (900 to 43200 seconds), got \(durationSeconds) s")
        }
        if let interval = mfaVerificationIntervalSeconds, !(Self.minimumMFAIntervalSeconds...SessionDurationPolicy.maximumSeconds).contains(interval) {
            throw ProfileError("--mfa-interval must be between 16m and 12h, got \(DurationText.format(interval)): `exec --server` needs room for one AWS session of at least 15m")
        }
        do { try endpoints.validate() } catch { throw ProfileError(error.description) }
        if let roleSessionName {
            guard RoleSessionName.isValid(roleSessionName) else { throw ProfileError("--role-session-name must be \(RoleSessionName.rule)") }
        }
        if let issuer {
            do { try TeamLogin.validate([issuer]) } catch { throw ProfileError("the profile's issuer: \(error)") }
            if mfa == .token { throw ProfileError("--mfa token is for profiles of the local CA on a token; a team issuer checks TOTP codes") }
        }
        if let ownCertificate {
            try ownCertificate.validate()
            if issuer != nil { throw ProfileError("a profile signs with its own certificate or gets one from a team issuer, not both") }
            switch mfa {
            case .required:
                throw ProfileError("--mfa required needs rolecall's CA to check a TOTP code, and this profile brings its own certificate: use --mfa token (its key on a token, the PIN asked each session) or --mfa off")
            case .token where !ownCertificate.keyIsOnToken:
                throw ProfileError("--mfa token needs the private key on a token (--private-key pkcs11:URI); with a key file use --mfa off")
            default:
                break
            }
        }
    }

    private func validateChained(_ chain: RoleChain) throws(ProfileError) {
        do { _ = try ARN(roleArn, kind: .role) } catch { throw ProfileError(error.description) }
        guard Self.isValidName(chain.sourceProfile) else { throw ProfileError("invalid --source-profile \(Self.shown(chain.sourceProfile))") }
        guard chain.sourceProfile != name else { throw ProfileError("a profile cannot be its own --source-profile") }
        guard profileArn.isEmpty, trustAnchorArn.isEmpty, issuer == nil, ownCertificate == nil, endpoint == nil, pinCommand == nil,
              mfaVerificationIntervalSeconds == nil else {
            throw ProfileError("a chained profile takes its certificate, issuer, MFA and Roles Anywhere settings from --source-profile: give only --role-arn, --external-id, --role-session-name, --duration, --region, --sts-endpoint and --signin-endpoint")
        }
        if let region, !RegionResolver.isValidRegion(region) {
            throw ProfileError("invalid region \"\(printableExcerpt(region, limit: 40))\": expected a name such as us-east-1")
        }
        do { try endpoints.validate() } catch { throw ProfileError(error.description) }
        guard (AssumeRoleRequest.minimumSeconds...AssumeRoleRequest.chainedMaximumSeconds).contains(durationSeconds) else {
            throw ProfileError("--duration of a chained profile must be between 15m and 1h (AWS's limit for role chaining), got \(DurationText.format(durationSeconds))")
        }
        if let externalId = chain.externalId, !AssumeRoleRequest.isValidExternalId(externalId) {
            throw ProfileError("--external-id must be 2 to 1224 characters of letters, digits and +=,.@:/-_")
        }
        if let roleSessionName, !RoleSessionName.isValid(roleSessionName) {
            throw ProfileError("--role-session-name must be \(RoleSessionName.rule)")
        }
    }

    /// A name as a message may show it, quoted for a shell where it needs it: printable ASCII only,
    /// since it may come from the command line or a hand-edited file (terminal escapes, newlines).
    public static func shown(_ name: String) -> String {
        shellQuoted(printableExcerpt(name, limit: 64))
    }

    /// The shortest MFA window `exec --server` can use: CreateSession's 900 s floor, which no
    /// credentials may outlive the certificate by, plus a minute for the time between certifying
    /// and the first CreateSession (and the certificate's whole-second notAfter).
    public static let minimumMFAIntervalSeconds = SessionDurationPolicy.minimumSeconds + 60

    /// The MFA a person meets, as `profile list`, `profile show` and `status` name it.
    public enum MFAShown: String, Sendable {
        case required, token, off
        /// A team role granted `--mfa login`: no code per session, but not "off": the login checked one.
        case login
    }

    public var mfaShown: MFAShown {
        if issuer != nil, chain == nil, mfa == .off { return .login }
        return MFAShown(rawValue: mfa.rawValue) ?? .required
    }

    /// The region to use: the profile's, else the trust anchor ARN's.
    public var effectiveRegion: String {
        region ?? (try? ARN(trustAnchorArn, kind: .trustAnchor).region) ?? ""
    }

    static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.count) && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }
}

public struct ProfileError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
