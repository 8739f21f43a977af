#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Issuance
import IssuanceCore
import RolesAnywhere
import X509

/// Steps 2–4 of the flow: one MFA check, a fresh in-memory key certified by the issuer, one
/// CreateSession sized by the duration policy.
public struct CredentialBroker: Sendable {
    public struct Request: Sendable {
        public let profile: Profile
        /// What CreateSession names. A chained profile has none: its source's session is asked for.
        public let target: Profile.RolesAnywhereTarget
        public var requestedDurationSeconds: Int?
        public var region: String?
        public var endpoint: String?
        public var loginSecondsLeft: Int?

        public init(profile: Profile, requestedDurationSeconds: Int? = nil, region: String? = nil, endpoint: String? = nil,
                    loginSecondsLeft: Int? = nil) throws(ConfigError) {
            guard let target = profile.kind.rolesAnywhere else { throw .chainedWithoutTarget(profile) }
            self.profile = profile
            self.target = target
            self.requestedDurationSeconds = requestedDurationSeconds
            self.region = region
            self.endpoint = endpoint
            self.loginSecondsLeft = loginSecondsLeft
        }
    }

    /// A session's credentials and what produced them.
    public struct Issued: Sendable {
        public let credentials: AWSCredentials
        public let assumedRoleArn: String?
        public let region: String
        public let durationSeconds: Int
        /// Nil for credentials an agent served (its certificate stays in the agent).
        public let certificate: Certificate?
        /// What was left, when it was issued, of the login session or of the profile's own
        /// certificate: no session made with these credentials (a chained one) may last longer.
        public let limitSeconds: Int?
    }

    /// A key and certificate kept by a supervisor to call CreateSession again (`exec --server`).
    public struct HeldIdentity: Sendable {
        public let identity: SigningIdentity
        public let client: CreateSessionClient
        public let request: CreateSessionRequest
        /// What is left of the login session or of the profile's own certificate (nil: no limit).
        public var limitSeconds: Int?
        /// Ends what the identity holds open: a token's session, for a profile's own key on one.
        public var release: @Sendable () -> Void = {}
    }

    private let context: SessionContext
    /// Nil: the profile's own issuer (`SessionContext.issuer(for:)`).
    private let issuer: (any Issuer)?

    public init(context: SessionContext, issuer: (any Issuer)?) {
        self.context = context
        self.issuer = issuer
    }

    /// Per-session flow: a single-use certificate (or a standard one for profiles without MFA)
    /// signs exactly one CreateSession.
    public func obtain(_ request: Request, mfaCode: () throws -> String) async throws -> Issued {
        let profile = request.profile
        let kind: CertificateKind = profile.mfa.isPerSession
            ? .singleUse
            : .standard(sessionDuration: TimeInterval(profile.durationSeconds))
        let held = try await certify(request, kind: kind, mfaCode: mfaCode)
        defer { held.release() }
        let result = try await held.client.createSession(
            held.request, identity: held.identity, retry: kind.isSingleUse ? .never : RetryPolicy()
        )
        return Issued(
            credentials: result.credentials, assumedRoleArn: result.assumedRoleArn,
            region: held.client.region, durationSeconds: held.request.durationSeconds, certificate: held.identity.certificate,
            limitSeconds: held.limitSeconds
        )
    }

    /// Everything up to CreateSession: duration, endpoint, MFA check, key, certificate of `kind`.
    public func certify(_ request: Request, kind: CertificateKind, mfaCode: () throws -> String) async throws -> HeldIdentity {
        if case .ownCertificate(let own, _) = request.profile.kind { return try ownIdentity(own, request, client: try client(for: request)) }
        return try await certifyMany([(request, kind)], mfaCode: mfaCode)[0]
    }

    /// Several profiles of one issuer and one kind of factor behind one MFA check (`exec --server`
    /// and the agent with several profiles): each request is checked before the code is asked for,
    /// the code is asked for once, and the issuer certifies every key or none. One request goes
    /// to the issuer's single-certificate call, which every issuer version has.
    public func certifyMany(_ asked: [(request: Request, kind: CertificateKind)], mfaCode: () throws -> String) async throws -> [HeldIdentity] {
        guard let (first, firstKind) = asked.first else { return [] }
        let clients = try asked.map { try client(for: $0.request) }
        let issuer = try self.issuer ?? context.issuer(for: first.profile)
        // Checked before the MFA code is spent; checked again with the issuer's own figures.
        for (request, _) in asked { _ = try duration(request, issued: nil) }
        // An endpoint that cannot be reached fails here, before a code is spent on requests that cannot leave.
        var prepared = Set<String>()
        for client in clients where prepared.insert(client.endpoint.description).inserted { try await client.prepare() }
        // A team issuer decides per role; the embedded one per kind.
        let proof: MFAProof? = switch first.profile.mfa {
        case .required: .totp(code: try mfaCode())
        case .token: .token
        case .off: !first.profile.kind.isTeamIssuer && firstKind.requiresMFA ? .totp(code: try mfaCode()) : nil
        }
        let keys = asked.map { _ in SigningKey.generateP256() }
        let requests = try zip(asked, keys).map { try IssuanceRequest(key: $1, kind: $0.kind, roleArn: $0.request.profile.roleArn, mfaProof: proof) }
        let certificates = requests.count == 1 ? [try await issuer.issue(requests[0])] : try await issuer.issueMany(requests, mfaProof: proof)
        return try zip(asked.indices, certificates).map { index, issued in
            let (request, kind) = asked[index]
            guard let leaf = issued.chain.first else { throw MFAError.unavailable("the issuer returned no certificate") }
            let identity = SigningIdentity(certificate: leaf, intermediates: Array(issued.chain.dropFirst()), key: keys[index], isSingleUse: kind.isSingleUse)
            let createSession = Self.createSession(request, durationSeconds: try duration(request, issued: issued, announce: true))
            return HeldIdentity(identity: identity, client: clients[index], request: createSession, limitSeconds: limit(request, issued: issued))
        }
    }

    private static func createSession(_ request: Request, durationSeconds: Int) -> CreateSessionRequest {
        CreateSessionRequest(durationSeconds: durationSeconds, profileArn: request.target.profileArn, roleArn: request.profile.roleArn,
                             trustAnchorArn: request.target.trustAnchorArn, roleSessionName: request.profile.roleSessionName)
    }

    /// The CreateSession client for the request's region and endpoint.
    private func client(for request: Request) throws -> CreateSessionClient {
        let profile = request.profile
        let region = try RegionResolver.resolve(explicit: request.region ?? profile.region ?? profile.effectiveRegion, environment: context.environment)
        let endpoint = try Endpoint.resolve(explicit: request.endpoint ?? profile.endpoint, region: region, environment: context.environment)
        return CreateSessionClient(endpoint: endpoint, region: region, transport: context.transport, now: context.now)
    }

    /// A bring-your-own-certificate profile: its own key signs (the token's PIN asked here, once);
    /// the certificate's notAfter bounds the session as a login session would.
    private func ownIdentity(_ own: Profile.OwnCertificate, _ request: Request, client: CreateSessionClient) throws -> HeldIdentity {
        _ = try duration(request, issued: nil)
        let opened = try OwnIdentity.open(own, tokens: context.tokens(for: request.profile), pin: context.pinSource(for: request.profile), asking: context)
        do {
            let certificate = opened.identity.certificate
            let left = Int(certificate.notValidAfter.timeIntervalSince(context.now()).rounded(.down))
            guard certificate.notValidBefore <= context.now(), left > 0 else {
                throw OwnCertificateError.notValidNow(from: certificate.notValidBefore, to: certificate.notValidAfter)
            }
            guard left >= SessionDurationPolicy.minimumSeconds else {
                throw OwnCertificateError.expiresTooSoon(certificate.notValidAfter, secondsLeft: left)
            }
            let createSession = Self.createSession(request, durationSeconds: try duration(request, issued: nil, certificateSecondsLeft: left, announce: true))
            return HeldIdentity(identity: opened.identity, client: client, request: createSession,
                                limitSeconds: limit(request, issued: nil, certificateSecondsLeft: left), release: opened.release)
        } catch {
            opened.release()
            throw error
        }
    }

    /// The AWS session length: the request, the profile, and what the issuer says is left of the
    /// login session and allowed for the role (or, for a profile's own certificate, what is left of it).
    /// `announce`: say when the session is shorter than asked, and what cut it.
    private func duration(_ request: Request, issued: IssuedCertificate?, certificateSecondsLeft: Int? = nil, announce: Bool = false) throws -> Int {
        let inputs = SessionDurationPolicy.Inputs(
            requestedSeconds: request.requestedDurationSeconds,
            loginSecondsLeft: limit(request, issued: issued, certificateSecondsLeft: certificateSecondsLeft),
            profileLimitSeconds: request.profile.durationSeconds,
            roleLimitSeconds: issued?.roleMaxDurationSeconds
        )
        let seconds = try SessionDurationPolicy.durationSeconds(for: inputs)
        if announce, let requested = inputs.requestedSeconds, let cause = SessionDurationPolicy.shortenedBy(inputs, to: seconds) {
            context.warn("rolecall: warning: a session of \(DurationText.format(requested)) was asked for; it lasts \(DurationText.format(seconds)), \(cause)")
        }
        return seconds
    }

    /// The least of what the request and the issuer say is left of the login session, and of
    /// what is left of the profile's own certificate.
    private func limit(_ request: Request, issued: IssuedCertificate?, certificateSecondsLeft: Int? = nil) -> Int? {
        [request.loginSecondsLeft, issued?.loginSecondsLeft, certificateSecondsLeft].compactMap { $0 }.min()
    }
}
