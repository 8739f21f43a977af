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

        func validate() throws(ConfigError) {
            for (flag, value) in [("--certificate", certificate), ("--private-key", privateKey), ("--intermediates", intermediates)] {
                guard let value else { continue }
                if PKCS11URI.isURI(value) {
                    guard flag != "--intermediates" else { throw .intermediatesOnToken() }
                    do { _ = try PKCS11URI(parsing: value) } catch { throw .invalidPKCS11URI(flag, error) }
                } else if !value.hasPrefix("/") {
                    throw .relativeCredentialPath(flag, value)
                }
            }
            if PKCS11URI.isURI(certificate) && !keyIsOnToken {
                throw .mixedCredentialStorage()
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
    public func validate() throws(ConfigError) {
        guard Self.isValidName(name) else {
            throw .invalidName(name)
        }
        if let chain { return try validateChained(chain) }
        do {
            try ARN.checkSessionTarget(roleArn: roleArn, profileArn: profileArn, trustAnchorArn: trustAnchorArn)
        } catch {
            throw .invalidARN(error)
        }
        if let region, !RegionResolver.isValidRegion(region) {
            throw .invalidRegion(region)
        }
        guard SessionDurationPolicy.range.contains(durationSeconds) else {
            throw .invalidDuration(durationSeconds)
        }
        if let interval = mfaVerificationIntervalSeconds, !(Self.minimumMFAIntervalSeconds...SessionDurationPolicy.maximumSeconds).contains(interval) {
            throw .invalidMFAInterval(interval)
        }
        do { try endpoints.validate() } catch { throw .invalidEndpoint(error) }
        if let roleSessionName {
            guard RoleSessionName.isValid(roleSessionName) else { throw .invalidRoleSessionName() }
        }
        if let issuer {
            do { try TeamLogin.validate([issuer]) } catch { throw .invalidIssuer(error) }
            if mfa == .token { throw .mfaTokenWithIssuer() }
        }
        if let ownCertificate {
            try ownCertificate.validate()
            if issuer != nil { throw .certificateAndIssuer() }
            switch mfa {
            case .required:
                throw .mfaRequiredWithOwnCertificate()
            case .token where !ownCertificate.keyIsOnToken:
                throw .mfaTokenNeedsTokenKey()
            default:
                break
            }
        }
    }

    private func validateChained(_ chain: RoleChain) throws(ConfigError) {
        do { _ = try ARN(roleArn, kind: .role) } catch { throw .invalidARN(error) }
        guard Self.isValidName(chain.sourceProfile) else { throw .invalidSourceProfile(chain.sourceProfile) }
        guard chain.sourceProfile != name else { throw .ownSourceProfile() }
        guard profileArn.isEmpty, trustAnchorArn.isEmpty, issuer == nil, ownCertificate == nil, endpoint == nil, pinCommand == nil,
              mfaVerificationIntervalSeconds == nil else {
            throw .chainedFlag()
        }
        if let region, !RegionResolver.isValidRegion(region) {
            throw .invalidRegion(region)
        }
        do { try endpoints.validate() } catch { throw .invalidEndpoint(error) }
        guard (AssumeRoleRequest.minimumSeconds...AssumeRoleRequest.chainedMaximumSeconds).contains(durationSeconds) else {
            throw .invalidChainedDuration(durationSeconds)
        }
        if let externalId = chain.externalId, !AssumeRoleRequest.isValidExternalId(externalId) {
            throw .invalidExternalId()
        }
        if let roleSessionName, !RoleSessionName.isValid(roleSessionName) {
            throw .invalidRoleSessionName()
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

