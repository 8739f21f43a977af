import Issuance
import RolesAnywhere

/// A profile or a setting of one that rolecall refuses, with what to do next. Built from names,
/// ARNs, flags and paths only: never from a credential.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        // Which profile.
        case unknownProfile, unknownEnvironmentProfile, noProfile, severalProfiles, noProfileForRole, severalProfilesForRole
        // The profiles in config.json together.
        case profileExists, sourceOfOthers, unknownSourceProfile, sourceIsChained, noProfileForTrustAnchor
        // One profile's fields.
        case invalidName, invalidARN, invalidRegion, invalidDuration, invalidMFAInterval, invalidEndpoint, invalidRoleSessionName
        case invalidIssuer, invalidPrefix, mfaTokenWithIssuer, certificateAndIssuer, mfaRequiredWithOwnCertificate, mfaTokenNeedsTokenKey
        case mfaTokenNeedsTokenCA, invalidCredentialPath, mixedCredentialStorage
        // A chained profile's fields.
        case invalidSourceProfile, ownSourceProfile, chainedFlag, invalidChainedDuration, invalidExternalId, chainedWithoutTarget
    }

    public let code: Code
    public let description: String

    init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }

    private static let addExample = "rolecall profile add NAME --role-arn ARN --profile-arn ARN --trust-anchor-arn ARN"
    static let nameRule = "1 to 64 letters, digits, '.', '_' or '-'"

    // MARK: Which profile

    /// `among`: the profiles to list after the name (selection); nil points at `profile list` instead.
    static func unknownProfile(_ name: String, among profiles: [Profile]? = nil) -> ConfigError {
        guard let profiles else { return .init(.unknownProfile, "no profile named \(Profile.shown(name)): see `rolecall profile list`") }
        return .init(.unknownProfile, "no profile named \(Profile.shown(name))\(listing(profiles))")
    }

    static func unknownEnvironmentProfile(_ name: String, among profiles: [Profile]) -> ConfigError {
        .init(.unknownEnvironmentProfile, "ROLECALL_PROFILE names \(Profile.shown(name)), which does not exist\(listing(profiles))")
    }

    static func noProfile() -> ConfigError { .init(.noProfile, "no profile yet: add one with `\(addExample)`") }

    static func severalProfiles(_ profiles: [Profile]) -> ConfigError {
        .init(.severalProfiles, "several profiles exist: choose one with --profile or --aws-role\(listing(profiles))")
    }

    static func noProfileForRole(_ roleArn: String, among profiles: [Profile]) -> ConfigError {
        let role = printableExcerpt(roleArn, limit: 200)
        return .init(.noProfileForRole, "no profile uses role \(role): add one with `rolecall profile add NAME --role-arn \(shellQuoted(role)) --profile-arn ARN --trust-anchor-arn ARN`\(listing(profiles))")
    }

    static func severalProfilesForRole(_ roleArn: String, _ names: [String]) -> ConfigError {
        .init(.severalProfilesForRole, "several profiles use role \(printableExcerpt(roleArn, limit: 200)): pick one with --profile \(names.map(shellQuoted).joined(separator: " or --profile "))")
    }

    private static func listing(_ profiles: [Profile]) -> String {
        profiles.isEmpty ? "" : "; profiles: " + profiles.map { "\($0.name) (\($0.roleArn))" }.joined(separator: ", ")
    }

    // MARK: The profiles together

    static func profileExists(_ name: String) -> ConfigError {
        .init(.profileExists, "a profile named \(shellQuoted(name)) already exists: add --force to replace it (rolecall says what changed), or remove it first with `rolecall profile remove \(shellQuoted(name))`")
    }

    /// `becomingChained`: the profile would become chained (else it would be removed).
    static func sourceOfOthers(_ name: String, _ dependents: [String], becomingChained: Bool) -> ConfigError {
        let sourceOf = "profile \(Profile.shown(name)) is the source of \(dependents.map(Profile.shown).joined(separator: ", "))"
        if becomingChained { return .init(.sourceOfOthers, "\(sourceOf), so it cannot become a chained profile (rolecall chains one role only)") }
        return .init(.sourceOfOthers, "\(sourceOf): remove \(dependents.count == 1 ? "that profile" : "those profiles") first")
    }

    static func unknownSourceProfile(_ name: String) -> ConfigError {
        .init(.unknownSourceProfile, "no profile named \(Profile.shown(name)) to chain from: add it first, or see `rolecall profile list`")
    }

    static func sourceIsChained(_ name: String) -> ConfigError {
        .init(.sourceIsChained, "profile \(Profile.shown(name)) is itself chained: give --source-profile a profile with a certificate (rolecall chains one role only)")
    }

    static func noProfileForTrustAnchor(_ from: String?) -> ConfigError {
        .init(.noProfileForTrustAnchor, "no profile of rolecall's CA uses \(from.map { "trust anchor \(printableExcerpt($0, limit: 200))" } ?? "another trust anchor"): see `rolecall profile list`")
    }

    // MARK: One profile's fields

    static func invalidName(_ name: String) -> ConfigError {
        .init(.invalidName, "invalid profile name \(Profile.shown(name)): use \(nameRule)")
    }

    /// An ARN refused by `ARN`, whose message names the ARN's expected form.
    static func invalidARN(_ error: any Error) -> ConfigError { .init(.invalidARN, "\(error)") }

    static func invalidRegion(_ region: String) -> ConfigError {
        .init(.invalidRegion, "invalid region \"\(printableExcerpt(region, limit: 40))\": expected a name such as us-east-1")
    }

    static func invalidDuration(_ seconds: Int) -> ConfigError {
        .init(.invalidDuration, "--duration must be between 15m and 12h (\(SessionDurationPolicy.minimumSeconds) to \(SessionDurationPolicy.maximumSeconds) seconds), got \(seconds) s")
    }

    static func invalidMFAInterval(_ seconds: Int) -> ConfigError {
        .init(.invalidMFAInterval, "--mfa-interval must be between 16m and 12h, got \(DurationText.format(seconds)): `exec --server` needs room for one AWS session of at least 15m")
    }

    static func invalidEndpoint(_ error: any Error) -> ConfigError { .init(.invalidEndpoint, "\(error)") }

    static func invalidRoleSessionName() -> ConfigError {
        .init(.invalidRoleSessionName, "--role-session-name must be \(RoleSessionName.rule)")
    }

    /// The profile's stored issuer URL, refused as `--issuer` would be.
    static func invalidIssuer(_ error: ConfigError) -> ConfigError { .init(.invalidIssuer, "the profile's issuer: \(error)") }

    static func noIssuer() -> ConfigError { .init(.invalidIssuer, "give at least one --issuer URL") }

    static func invalidIssuerURL(_ url: String) -> ConfigError {
        .init(.invalidIssuer, "--issuer must be an https:// URL without credentials, got \"\(printableExcerpt(Endpoint.shown(url), limit: 200))\"")
    }

    static func invalidPrefix(_ prefix: String, longest: Int) -> ConfigError {
        .init(.invalidPrefix, "--prefix must be 1 to \(longest) letters, digits, '.', '_' or '-' (for example team-), got \(Profile.shown(prefix))")
    }

    static func mfaTokenWithIssuer() -> ConfigError {
        .init(.mfaTokenWithIssuer, "--mfa token is for profiles of the local CA on a token; a team issuer checks TOTP codes")
    }

    static func certificateAndIssuer() -> ConfigError {
        .init(.certificateAndIssuer, "a profile signs with its own certificate or gets one from a team issuer, not both")
    }

    static func mfaRequiredWithOwnCertificate() -> ConfigError {
        .init(.mfaRequiredWithOwnCertificate, "--mfa required needs rolecall's CA to check a TOTP code, and this profile brings its own certificate: use --mfa token (its key on a token, the PIN asked each session) or --mfa off")
    }

    static func mfaTokenNeedsTokenKey() -> ConfigError {
        .init(.mfaTokenNeedsTokenKey, "--mfa token needs the private key on a token (--private-key pkcs11:URI); with a key file use --mfa off")
    }

    static func mfaTokenNeedsTokenCA(_ storePath: String) -> ConfigError {
        .init(.mfaTokenNeedsTokenCA, "--mfa token needs the local CA's key on a token, and it is in \(storePath): use --mfa required, or move the CA to a token with `rolecall ca rotate --ca-key pkcs11:URI`")
    }

    static func intermediatesOnToken() -> ConfigError {
        .init(.invalidCredentialPath, "--intermediates takes a PEM file, not a pkcs11: URI")
    }

    static func invalidPKCS11URI(_ flag: String, _ error: any Error) -> ConfigError { .init(.invalidCredentialPath, "\(flag): \(error)") }

    static func relativeCredentialPath(_ flag: String, _ value: String) -> ConfigError {
        .init(.invalidCredentialPath, "\(flag) must be an absolute path or a pkcs11: URI, got \(printableExcerpt(value, limit: 80))")
    }

    static func mixedCredentialStorage() -> ConfigError {
        .init(.mixedCredentialStorage, "--certificate names a token object but --private-key a file: keep both on the token, or both in files")
    }

    // MARK: A chained profile's fields

    static func invalidSourceProfile(_ name: String) -> ConfigError {
        .init(.invalidSourceProfile, "invalid --source-profile \(Profile.shown(name))")
    }

    static func ownSourceProfile() -> ConfigError { .init(.ownSourceProfile, "a profile cannot be its own --source-profile") }

    /// The flags a chained profile takes: its certificate, issuer, MFA and Roles Anywhere settings
    /// come from its source profile.
    public static let chainedProfileFlags = ["--role-arn", "--external-id", "--role-session-name", "--duration", "--region",
                                             "--sts-endpoint", "--signin-endpoint", "--emulator"]

    /// `given`: the flags given that a chained profile does not take; none when a stored profile
    /// has such a setting.
    public static func chainedFlag(_ given: [String] = []) -> ConfigError {
        let only = "a chained profile takes only \(chainedProfileFlags.dropLast().joined(separator: ", ")) and \(chainedProfileFlags.last ?? "")"
        guard !given.isEmpty else {
            return .init(.chainedFlag, "\(only): its certificate, issuer, MFA and Roles Anywhere settings come from --source-profile")
        }
        return .init(.chainedFlag, "\(given.joined(separator: ", ")) \(given.count == 1 ? "comes" : "come") from the source profile: \(only)")
    }

    /// A chained profile where a Roles Anywhere one is needed: its source's session is.
    static func chainedWithoutTarget(_ profile: Profile) -> ConfigError {
        let source = profile.kind.chain.map { " \(Profile.shown($0.sourceProfile))" } ?? ""
        return .init(.chainedWithoutTarget, "profile \(Profile.shown(profile.name)) is chained: it has no Roles Anywhere profile of its own; use its source profile\(source)")
    }

    static func invalidChainedDuration(_ seconds: Int) -> ConfigError {
        .init(.invalidChainedDuration, "--duration of a chained profile must be between 15m and 1h (AWS's limit for role chaining), got \(DurationText.format(seconds))")
    }

    static func invalidExternalId() -> ConfigError {
        .init(.invalidExternalId, "--external-id must be 2 to 1224 characters of letters, digits and +=,.@:/-_")
    }
}
