#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Issuance
import RolesAnywhere

/// What `exec`, `env` and `credential-process` share: choose the profile, refuse a nested session,
/// get credentials through the broker.
public struct SessionStarter: Sendable {
    public struct Selection: Sendable {
        public var profileName: String?
        public var roleArn: String?
        public var durationSeconds: Int?
        public var region: String?
        public var endpoint: String?

        public init(profileName: String? = nil, roleArn: String? = nil, durationSeconds: Int? = nil, region: String? = nil, endpoint: String? = nil) {
            self.profileName = profileName
            self.roleArn = roleArn
            self.durationSeconds = durationSeconds
            self.region = region
            self.endpoint = endpoint
        }
    }

    public struct Started: Sendable {
        public let profile: Profile
        public let issued: CredentialBroker.Issued
        /// The profile's endpoints, a chained profile's filled from its source's.
        public let endpoints: ServiceEndpoints

        /// The variables the child gets (ARCHITECTURE.md, "How a request flows"), for the child or for printing.
        public var variables: [(name: String, value: String)] {
            SessionEnvironment.staticCredentials(issued.credentials, region: issued.region, session: profile.name, roleArn: profile.roleArn)
                + SessionEnvironment.endpoints(endpoints)
        }
    }

    public let context: SessionContext
    /// Nil: each profile's own issuer.
    let issuer: (any Issuer)?

    public init(context: SessionContext, issuer: (any Issuer)? = nil) {
        self.context = context
        self.issuer = issuer
    }

    public func refuseNesting() throws {
        if let current = context.environment[SessionEnvironment.sessionVariable], !current.isEmpty {
            throw SessionError.nestedSession(current: current)
        }
    }

    public func profile(for selection: Selection) throws -> Profile {
        try context.home.checkDirectory()
        return try ProfileSelection.select(
            name: selection.profileName, roleArn: selection.roleArn,
            environment: context.environment, from: try context.config.profiles()
        )
    }

    /// The endpoints `profile`'s sessions use: its own, and for a chained profile its source's
    /// where it sets none (the source's Roles Anywhere endpoint gets the source's session).
    public func endpoints(of profile: Profile) throws -> ServiceEndpoints {
        guard let source = try context.config.source(of: profile) else { return profile.endpoints }
        return profile.endpoints.filled(from: source.endpoints)
    }

    /// For a team issuer's profile, what is left of the login session bounds the AWS session.
    public func brokerRequest(_ profile: Profile, _ selection: Selection) throws -> CredentialBroker.Request {
        if let missing = context.missingMFAState(profiles: [profile]) {
            context.warn("rolecall: warning: \(missing)")
        }
        return try .init(profile: profile, requestedDurationSeconds: selection.durationSeconds, region: selection.region,
                         endpoint: selection.endpoint, loginSecondsLeft: try loginSecondsLeft(for: profile))
    }

    private func loginSecondsLeft(for profile: Profile) throws -> Int? {
        guard profile.kind.isTeamIssuer else { return nil }
        return try context.loginStore.loadIfPresent()?.secondsLeft(at: context.now())
    }

    /// A chained profile's link to its source, checked before any code is spent; nil for others.
    public func chainLink(_ profile: Profile, _ selection: Selection) throws -> ChainLink? {
        guard let source = try context.config.source(of: profile) else { return nil }
        return try ChainLink(profile: profile, source: source, selection: selection, context: context,
                             loginSecondsLeft: try loginSecondsLeft(for: source))
    }

    /// The per-session flow for `exec` and `env`; for a chained profile, the source's flow and
    /// then one AssumeRole, with the source's credentials wiped at once.
    /// At a terminal a wrong, used or mistyped code is asked for again, three times in all.
    /// Inside the tree of an agent (or of `exec --server` with several profiles) that serves the
    /// profile, the credentials come from it: no second code, and no nesting refusal.
    public func start(_ selection: Selection, mfa: MFACodeSource) async throws -> Started {
        if let served = try await fromAgent(selection) { return served }
        try refuseNesting()
        let profile = try profile(for: selection)
        let endpoints = try endpoints(of: profile)
        return try await mfa.withAttempts(warn: context.warn) {
            Started(profile: profile, issued: try await obtain(profile, selection, mfaCode: { try mfa.obtain(on: context.terminal, environment: context.environment) }), endpoints: endpoints)
        }
    }

    /// The agent's credentials for the selected profile, when this tree's agent serves it.
    private func fromAgent(_ selection: Selection) async throws -> Started? {
        guard context.environment[AgentAddress.variable] != nil else { return nil }
        let profile = try profile(for: selection)
        guard let address = try AgentAddress.serving(profile: profile.name, environment: context.environment) else { return nil }
        let credentials = try await DedicatedThread.value { try AgentClient.credentials(profile: profile.name, address: address) }
        let region = try RegionResolver.resolve(explicit: selection.region ?? profile.region ?? profile.effectiveRegion, environment: context.environment)
        let seconds = Int(credentials.expiration.timeIntervalSince(context.now()))
        return Started(profile: profile, issued: .init(credentials: credentials, assumedRoleArn: nil, region: region, durationSeconds: seconds,
                                                       certificate: nil, limitSeconds: nil),
                       endpoints: try endpoints(of: profile))
    }

    /// `credential-process`: only for profiles without per-session MFA (a chained profile's is its source's).
    public func credentialProcess(profileName: String) async throws -> AWSCredentials {
        let profile = try profile(for: Selection(profileName: profileName))
        guard profile.mfa == .off else { throw CredentialProcessRefused(profile: profile.name) }
        return try await obtain(profile, Selection(profileName: profileName), mfaCode: {
            throw MFAError.unavailable("profile needs no MFA")
        }).credentials
    }

    private func obtain(_ profile: Profile, _ selection: Selection, mfaCode: () throws -> String) async throws -> CredentialBroker.Issued {
        let broker = CredentialBroker(context: context, issuer: issuer)
        guard let link = try chainLink(profile, selection) else {
            return try await broker.obtain(try brokerRequest(profile, selection), mfaCode: mfaCode)
        }
        try await link.prepare()
        let source = try await broker.obtain(try brokerRequest(link.source, link.sourceSelection(selection)), mfaCode: mfaCode)
        defer { source.credentials.wipe() }
        let assumed = try await link.assume(with: source.credentials, until: link.end(afterSeconds: source.limitSeconds))
        return CredentialBroker.Issued(credentials: assumed.credentials, assumedRoleArn: assumed.assumedRoleArn, region: link.region,
                                       durationSeconds: link.durationSeconds, certificate: source.certificate, limitSeconds: source.limitSeconds)
    }
}

/// credential-process asked for a per-session-MFA profile.
public struct CredentialProcessRefused: Error, Sendable, CustomStringConvertible {
    public let profile: String
    public var description: String { CredentialProcessOutput.refusal(profile: profile) }
}
