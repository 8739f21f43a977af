#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Issuance
import IssuerProtocol
import RolesAnywhere

/// `rolecall login` and `rolecall logout`: a login session with the team issuer on disk (the
/// token, 0600) and a profile per allowed role, bound to that issuer.
public struct TeamLogin: Sendable {
    public struct Result: Sendable {
        public let login: IssuerLogin
        public let profiles: [Profile]
        /// Names of roles not written because one of the user's own profiles has that name.
        public let skipped: [String]
        /// Profiles of an earlier login that this one does not give, kept because chained profiles
        /// start from them.
        public let keptForChains: [String]
    }

    private let context: SessionContext

    public init(context: SessionContext) { self.context = context }

    /// `newPassword` replaces the password (the issuer asks for one while the password is the
    /// one-time password from `issuer user add`: `IssuanceRefusal.Reason.passwordChangeRequired`).
    /// `settings` say where (remembered for the next `rolecall login`), and how the profiles are
    /// named and which endpoints they use.
    public func login(_ settings: IssuerSettings, password: String, totp: String?, newPassword: String? = nil) async throws -> Result {
        let (urls, user, pinSHA256) = (settings.urls, settings.user, settings.pinSHA256)
        try Self.validate(urls)
        try Self.validate(prefix: settings.profilePrefix)
        let pinned = try await pinSHA256.asyncMap { try await IssuerTLS.pinnedCertificate(urls: urls, expected: $0, environment: context.environment) }
        let connection = IssuerConnection(urls: urls, transport: try context.teamIssuerTransport(pinnedCertificatePEM: pinned))
        let answer = try await connection.post(IssuerAPI.loginPath, IssuerAPI.LoginRequest(user: user, password: password, totp: totp, newPassword: newPassword),
                                               as: IssuerAPI.LoginResponse.self)
        // The name is printed and becomes part of file contents: it must be the one asked for.
        guard answer.user == user else {
            throw IssuanceRefusal(reason: .unavailable, message: "the team issuer answered for another user than \(printableExcerpt(user, limit: 100))")
        }
        let login = IssuerLogin(urls: urls, user: answer.user, token: answer.token, expiresAt: answer.expiresAt, mfa: answer.mfa, pinnedCertificatePEM: pinned)
        let profiles = Self.profiles(for: answer.roles, issuer: urls[0], prefix: settings.profilePrefix ?? "", endpoints: settings.endpoints ?? .init())
        // Checked before anything is written, so a bad role leaves the previous login as it was.
        for profile in profiles { try profile.validate() }
        try context.home.create()
        try context.loginStore.save(login)
        var remembered = settings
        remembered.pinSHA256 = pinSHA256.flatMap(CertificateFingerprint.normalized)
        try context.loginStore.remember(remembered)
        let changes = try context.config.replaceIssuerProfiles(with: profiles)
        return Result(login: login, profiles: profiles.filter { !changes.skipped.contains($0.name) }, skipped: changes.skipped,
                      keptForChains: changes.keptForChains)
    }

    /// Deletes the login token; false when there was none. The profiles stay (they say to log in).
    public func logout() throws -> Bool {
        try context.loginStore.remove()
    }

    /// Profiles named after their roles, after `prefix`; a role name that two grants share (`dev`
    /// in two accounts) gets its account added for the second, and a number after that while the
    /// name is taken.
    static func profiles(for roles: [IssuerAPI.Role], issuer: String, prefix: String = "", endpoints: ServiceEndpoints = .init()) -> [Profile] {
        var taken: Set<String> = []
        return roles.map { role in
            var profile = profile(for: role, issuer: issuer)
            profile.name = String((prefix + profile.name).prefix(64))
            profile.endpoints = endpoints
            let base = profile.name
            let account = (try? ARN(role.roleArn, kind: .role))?.account ?? "other"
            var attempt = 0
            while taken.contains(profile.name) {
                attempt += 1
                let suffix = attempt == 1 ? "-\(account)" : "-\(account)-\(attempt)"
                profile.name = String(base.prefix(64 - suffix.count)) + suffix
            }
            taken.insert(profile.name)
            return profile
        }
    }

    /// A profile named after the role (the last part of its name), with the issuer's limits.
    static func profile(for role: IssuerAPI.Role, issuer: String) -> Profile {
        let roleName = (try? ARN(role.roleArn, kind: .role))?.shortName ?? "role"
        var name = String(roleName.filter { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }.prefix(64))
        if name.isEmpty { name = "role" }
        return Profile(
            name: name, roleArn: role.roleArn,
            kind: .teamIssuer(issuer: issuer, .init(profileArn: role.profileArn, trustAnchorArn: role.trustAnchorArn)), region: role.region,
            durationSeconds: min(max(role.maxDurationSeconds, SessionDurationPolicy.minimumSeconds), SessionDurationPolicy.maximumSeconds),
            mfa: Profile.MFAMode(issuerRequirement: role.mfa)
        )
    }

    /// The longest `--prefix`: room is left for a role's name after it.
    public static let longestPrefix = 32

    /// A prefix makes valid profile names: the letters a name may have, and room after it.
    public static func validate(prefix: String?) throws(ConfigError) {
        guard let prefix, !prefix.isEmpty else { return }
        guard prefix.count <= longestPrefix, Profile.isValidName(prefix) else {
            throw .invalidPrefix(prefix, longest: longestPrefix)
        }
    }

    /// HTTPS only: the password and the token travel to these URLs. An `@` anywhere is refused: a
    /// password typed with a `/` or `#` in it would otherwise parse as a host, port and path.
    static func validate(_ urls: [String]) throws(ConfigError) {
        guard !urls.isEmpty else { throw .noIssuer() }
        for url in urls {
            guard let components = URLComponents(string: url), components.scheme == "https", let host = components.host, !host.isEmpty,
                  components.user == nil, components.password == nil, components.query == nil, components.fragment == nil,
                  !url.unicodeScalars.contains("@")
            else {
                throw .invalidIssuerURL(url)
            }
        }
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}

extension Profile.MFAMode {
    /// The client side of a grant's MFA requirement. Only the two values that need no code per
    /// session turn it off: anything else (a newer server's value, a typo) fails closed, so
    /// `credential-process` stays refused.
    init(issuerRequirement: WireValue<MFARequirement>) {
        switch issuerRequirement.known {
        case .off?, .login?: self = .off
        case .perSession?, nil: self = .required
        }
    }
}
