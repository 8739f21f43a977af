#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Issuance
import RolesAnywhere
import SecurityTokenService

/// A named way to get credentials for one role.
public struct Profile: Sendable, Equatable {
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
    /// Where the session comes from, and with it the Roles Anywhere profile and trust anchor
    /// (none for a chained profile).
    public var kind: Kind
    public var region: String?
    /// The longest AWS session this profile asks for (900…43 200 s; a chained one's, 900…3 600 s).
    public var durationSeconds: Int
    /// A chained profile's is its source's, filled in when the config is read.
    public var mfa: MFAMode
    /// Roles Anywhere's endpoint (CreateSession only); `stsEndpoint` and `signinEndpoint` are the
    /// others a profile may set (`ServiceEndpoints`).
    public var endpoint: String?
    public var stsEndpoint: String?
    public var signinEndpoint: String?
    public var roleSessionName: String?
    /// How long one MFA check lets `exec --server` keep refreshing (default 1 h, at most 12 h).
    public var mfaVerificationIntervalSeconds: Int?
    /// Where the token's PIN comes from when the command gives no `--pin-command` (a command, not
    /// the PIN: for `--mfa off` profiles whose CA is on a token, run by `credential_process`).
    public var pinCommand: String?

    public init(name: String, roleArn: String, kind: Kind, region: String? = nil,
                durationSeconds: Int = SessionDurationPolicy.defaultSeconds, mfa: MFAMode = .required,
                endpoint: String? = nil, roleSessionName: String? = nil, mfaVerificationIntervalSeconds: Int? = nil,
                pinCommand: String? = nil) {
        self.name = name
        self.roleArn = roleArn
        self.kind = kind
        self.region = region
        self.durationSeconds = durationSeconds
        self.mfa = mfa
        self.endpoint = endpoint
        self.roleSessionName = roleSessionName
        self.mfaVerificationIntervalSeconds = mfaVerificationIntervalSeconds
        self.pinCommand = pinCommand
    }

    /// The profile's own endpoints (a chained profile's source may set more: `SessionStarter.endpoints(of:)`).
    public var endpoints: ServiceEndpoints {
        get { ServiceEndpoints(rolesAnywhere: endpoint, sts: stsEndpoint, signin: signinEndpoint) }
        set { (endpoint, stsEndpoint, signinEndpoint) = (newValue.rolesAnywhere, newValue.sts, newValue.signin) }
    }

    /// A chained profile: `roleArn` assumed with the session of `sourceProfile`.
    public static func chained(name: String, sourceProfile: String, roleArn: String, externalId: String? = nil, region: String? = nil,
                               durationSeconds: Int = AssumeRoleRequest.chainedMaximumSeconds, roleSessionName: String? = nil) -> Profile {
        Profile(name: name, roleArn: roleArn, kind: .chained(RoleChain(sourceProfile: sourceProfile, externalId: externalId)), region: region,
                durationSeconds: durationSeconds, roleSessionName: roleSessionName)
    }

    /// Checks every field, with messages that show the expected form.
    public func validate() throws(ConfigError) {
        guard Self.isValidName(name) else {
            throw .invalidName(name)
        }
        switch kind {
        case .localCA(let target):
            try validateRolesAnywhere(target)
        case .teamIssuer(let issuer, let target):
            try validateRolesAnywhere(target)
            do { try TeamLogin.validate([issuer]) } catch { throw .invalidIssuer(error) }
            if mfa == .token { throw .mfaTokenWithIssuer() }
        case .ownCertificate(let own, let target):
            try validateRolesAnywhere(target)
            try own.validate()
            switch mfa {
            case .required: throw .mfaRequiredWithOwnCertificate()
            case .token where !own.keyIsOnToken: throw .mfaTokenNeedsTokenKey()
            default: break
            }
        case .chained(let chain):
            try validateChained(chain)
        }
    }

    private func validateRolesAnywhere(_ target: RolesAnywhereTarget) throws(ConfigError) {
        do {
            try ARN.checkSessionTarget(roleArn: roleArn, profileArn: target.profileArn, trustAnchorArn: target.trustAnchorArn)
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
    }

    /// The kind leaves no room for a chained profile's ARNs, issuer or certificate; the settings
    /// it still may not have are those of the Roles Anywhere call its source makes.
    private func validateChained(_ chain: RoleChain) throws(ConfigError) {
        do { _ = try ARN(roleArn, kind: .role) } catch { throw .invalidARN(error) }
        guard Self.isValidName(chain.sourceProfile) else { throw .invalidSourceProfile(chain.sourceProfile) }
        guard chain.sourceProfile != name else { throw .ownSourceProfile() }
        guard endpoint == nil, pinCommand == nil, mfaVerificationIntervalSeconds == nil else {
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
        if kind.isTeamIssuer, mfa == .off { return .login }
        return MFAShown(rawValue: mfa.rawValue) ?? .required
    }

    /// The region to use: the profile's, else the trust anchor ARN's (none for a chained profile).
    public var effectiveRegion: String {
        region ?? kind.rolesAnywhere.flatMap { try? ARN($0.trustAnchorArn, kind: .trustAnchor).region } ?? ""
    }

    static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.count) && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }
}

