#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Issuance
import IssuanceCore
import RolesAnywhere
import X509

/// The profiles a supervisor or an agent serves, certified after one per-session check for each
/// kind of factor (`exec --server --profile A --profile B`, `rolecall agent`): the keys and
/// certificates in locked memory, each profile's sessions bounded by its own MFA window.
///
/// Profiles that share an issuer and a factor (this machine's TOTP code, the team issuer's code,
/// the CA token's PIN) share one check; each other factor is asked for once, and the line before
/// it says which profiles it is for. A chained profile is served through its source's
/// certificate, which is made once however many profiles chain from it.
struct HeldProfiles: Sendable {
    /// One served profile and where its sessions come from.
    struct Held: Sendable {
        let profile: Profile
        /// The profile whose certificate signs (a chained profile's source).
        let base: Profile
        let link: ChainLink?
        let source: CredentialSource
    }

    let starter: SessionStarter
    let report: @Sendable (String) -> Void

    /// Every profile of `selections`, in order (a profile named twice is served once). Everything
    /// that can be refused is checked before any code is asked for; when a later check fails, what
    /// the earlier ones made is wiped.
    func certify(_ selections: [SessionStarter.Selection], mfa: MFACodeSource) async throws -> [Held] {
        let resolved = try resolve(selections)
        var sources: [String: CredentialSource] = [:]
        do {
            // Those that need no code first: a refusal among them spends none.
            for entry in uniqueBases(resolved) {
                if case .ownCertificate = entry.base.kind {
                    sources[entry.base.name] = try await ownCertificate(entry.base, entry.selection)
                } else if entry.base.mfa == .off {
                    sources[entry.base.name] = try await standardCertificates(entry.base, entry.selection)
                }
            }
            for group in factorGroups(uniqueBases(resolved).filter { sources[$0.base.name] == nil }) {
                let names = group.map(\.base.name)
                if resolved.count > 1 { report("rolecall: \(Self.factorName(group[0].base)) for \(names.joined(separator: ", ")), \(Self.windowText(group.map(\.base)))") }
                let held = try await mfa.withAttempts(warn: report) {
                    try await certifyIntoLockedMemory(group, mfa: resolved.count > 1 ? mfa.labelled(names.joined(separator: ", ")) : mfa)
                }
                for (name, source) in zip(names, held) { sources[name] = source }
            }
        } catch {
            sources.values.forEach { $0.wipe() }
            throw error
        }
        // Each failure once, however many profiles' buffers it hit (RLIMIT_MEMLOCK is 64 KiB on many systems).
        var warned = Set<String>()
        for source in sources.values { for warning in source.warnings where warned.insert(warning).inserted { report("rolecall: warning: \(warning)") } }
        return resolved.map { entry in
            var source = sources[entry.base.name]!
            if let link = entry.link { source = source.chained(through: link, now: starter.context.now) }
            return Held(profile: entry.profile, base: entry.base, link: entry.link, source: source)
        }
    }

    /// When the last of the profiles' MFA windows ends; nil when one has none (it is served as
    /// long as the command runs).
    static func lastWindowEnd(_ held: [HeldProfiles.Held]) -> Date? {
        let ends = held.map(\.source.windowEnd)
        return ends.contains { $0 == nil } ? nil : ends.compactMap { $0 }.max()
    }

    private struct Resolved {
        let profile: Profile
        let link: ChainLink?
        var base: Profile { link?.source ?? profile }
        /// What the base's certificate is asked with.
        let selection: SessionStarter.Selection
    }

    /// Each profile, its chain link, and the window check, before anything is asked of an issuer.
    private func resolve(_ selections: [SessionStarter.Selection]) throws -> [Resolved] {
        var resolved: [Resolved] = []
        for selection in selections {
            let profile = try starter.profile(for: selection)
            guard !resolved.contains(where: { $0.profile.name == profile.name }) else { continue }
            let link = try starter.chainLink(profile, selection)
            let base = link?.source ?? profile
            // Credentials never outlive the certificate, and CreateSession grants no less than 900 s:
            // a shorter MFA window could serve nothing.
            if base.mfa != .off, let interval = base.mfaVerificationIntervalSeconds, interval < Profile.minimumMFAIntervalSeconds {
                throw SessionError.mfaWindowTooShort(base.name, seconds: interval)
            }
            resolved.append(Resolved(profile: profile, link: link, selection: link?.sourceSelection(selection) ?? selection))
        }
        return resolved
    }

    /// The profiles whose certificates are made, each once (two chained profiles may share one source).
    private func uniqueBases(_ resolved: [Resolved]) -> [Resolved] {
        var seen = Set<String>()
        return resolved.filter { seen.insert($0.base.name).inserted }
    }

    /// Bases that one check covers: the same issuer (this machine's, or the team's) and factor.
    private func factorGroups(_ bases: [Resolved]) -> [[Resolved]] {
        var groups: [[Resolved]] = []
        for entry in bases {
            if let index = groups.firstIndex(where: { $0[0].base.kind.isTeamIssuer == entry.base.kind.isTeamIssuer && $0[0].base.mfa == entry.base.mfa }) {
                groups[index].append(entry)
            } else {
                groups.append([entry])
            }
        }
        return groups
    }

    /// What the check is, as the line before it says.
    static func factorName(_ base: Profile) -> String {
        if base.kind.isTeamIssuer { return "one code for the team issuer" }
        return base.mfa == .token ? "the CA token's PIN, once," : "one code from your authenticator"
    }

    static func windowText(_ bases: [Profile]) -> String {
        let windows = Set(bases.map { $0.mfaVerificationIntervalSeconds ?? Int(CertificateKind.defaultVerificationInterval) })
        return "each served for an MFA window of " + windows.sorted().map(DurationText.format).joined(separator: " or ")
    }

    /// One MFA check and in-memory certificates held in locked memory for the whole MFA window;
    /// the swift-crypto key objects the broker made are released when this returns, leaving the
    /// locked copies as the only long-lived ones.
    private func certifyIntoLockedMemory(_ group: [Resolved], mfa: MFACodeSource) async throws -> [CredentialSource] {
        let asked = try group.map { entry in
            let interval = TimeInterval(entry.base.mfaVerificationIntervalSeconds ?? Int(CertificateKind.defaultVerificationInterval))
            return (request: try starter.brokerRequest(entry.base, entry.selection),
                    kind: CertificateKind.inMemory(verificationInterval: interval, holderLifetime: nil))
        }
        let held = try await CredentialBroker(context: starter.context, issuer: starter.issuer).certifyMany(asked, mfaCode: { try mfa.obtain(on: starter.context.terminal, environment: starter.context.environment) })
        return try held.map { try CredentialSource.lockedMemory(held: $0, now: starter.context.now) }
    }

    /// A profile that brings its own certificate: its key (a token's, with the PIN asked once here,
    /// or a key file's) signs every CreateSession until the command exits; the token is logged out
    /// at the end.
    private func ownCertificate(_ profile: Profile, _ selection: SessionStarter.Selection) async throws -> CredentialSource {
        let held = try await CredentialBroker(context: starter.context, issuer: starter.issuer).certify(
            try starter.brokerRequest(profile, selection), kind: .standard(sessionDuration: TimeInterval(profile.durationSeconds)),
            mfaCode: { throw MFAError.unavailable("a profile with its own certificate takes no MFA code") }
        )
        let (client, baseRequest, identity) = (held.client, held.request, held.identity)
        let ends = held.limitSeconds.map { starter.context.now().addingTimeInterval(TimeInterval($0)) }
        return CredentialSource(client, baseRequest, windowEnd: nil, ends: ends, warnings: [], fetch: { duration in
            var request = baseRequest
            request.durationSeconds = duration
            return try await client.createSession(request, identity: identity, retry: RetryPolicy()).credentials
        }, wipe: held.release)
    }

    /// A profile without MFA (`--mfa off`): no code and no window. Each session gets a fresh key
    /// and a standard certificate, as `credential-process` does; the key is moved to locked memory
    /// at once and wiped after its one CreateSession. The first certificate is asked for here, so
    /// that a refusal ends the command before the child starts.
    private func standardCertificates(_ profile: Profile, _ selection: SessionStarter.Selection) async throws -> CredentialSource {
        let broker = CredentialBroker(context: starter.context, issuer: starter.issuer)
        let starter = self.starter
        @Sendable func certified(_ durationSeconds: Int?) async throws -> (LockedSigningKey, Certificate, [Certificate], CreateSessionClient, CreateSessionRequest) {
            var selection = selection
            if let durationSeconds { selection.durationSeconds = durationSeconds }
            let request = try starter.brokerRequest(profile, selection)
            let held = try await broker.certify(request, kind: .standard(sessionDuration: TimeInterval(durationSeconds ?? profile.durationSeconds)),
                                                mfaCode: { throw MFAError.unavailable("profile needs no MFA") })
            return (try LockedSigningKey(held.identity.key), held.identity.certificate, held.identity.intermediates, held.client, held.request)
        }
        @Sendable func session(_ certified: (LockedSigningKey, Certificate, [Certificate], CreateSessionClient, CreateSessionRequest)) async throws -> AWSCredentials {
            let (key, certificate, intermediates, client, request) = certified
            defer { key.wipe() }
            let identity = SigningIdentity(certificate: certificate, intermediates: intermediates, key: try key.signingKey(), isSingleUse: false)
            return try await client.createSession(request, identity: identity, retry: RetryPolicy()).credentials
        }
        let first = try await certified(nil)
        let pending = PendingFirst(first)
        let ends = profile.kind.isTeamIssuer ? try starter.context.loginStore.loadIfPresent()?.expiresAt : nil
        return CredentialSource(first.3, first.4, windowEnd: nil, ends: ends, warnings: first.0.warnings, fetch: { duration in
            // The cache's first fetch uses the certificate asked for above.
            if let first = pending.take() { return try await session(first) }
            return try await session(try await certified(duration))
        }, wipe: { pending.take()?.0.wipe() })
    }
}
