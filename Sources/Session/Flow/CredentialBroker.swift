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
        public var profile: Profile
        public var requestedDurationSeconds: Int?
        public var region: String?
        public var endpoint: String?
        public var loginSecondsLeft: Int?

        public init(profile: Profile, requestedDurationSeconds: Int? = nil, region: String? = nil, endpoint: String? = nil, loginSecondsLeft: Int? = nil) {
            self.profile = profile
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
        public let certificate: Certificate
    }

    /// A key and certificate kept by a supervisor to call CreateSession again (`exec --server`).
    public struct HeldIdentity: Sendable {
        public let identity: SigningIdentity
        public let client: CreateSessionClient
        public let request: CreateSessionRequest
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
        let result = try await held.client.createSession(
            held.request, identity: held.identity, retry: kind.isSingleUse ? .never : RetryPolicy()
        )
        return Issued(
            credentials: result.credentials, assumedRoleArn: result.assumedRoleArn,
            region: held.client.region, durationSeconds: held.request.durationSeconds, certificate: held.identity.certificate
        )
    }

    /// Everything up to CreateSession: duration, endpoint, MFA check, key, certificate of `kind`.
    public func certify(_ request: Request, kind: CertificateKind, mfaCode: () throws -> String) async throws -> HeldIdentity {
        let profile = request.profile
        let region = try RegionResolver.resolve(explicit: request.region ?? profile.region ?? profile.effectiveRegion, environment: context.environment)
        let endpoint = try Endpoint.resolve(explicit: request.endpoint ?? profile.endpoint, region: region, environment: context.environment)
        let issuer = try self.issuer ?? context.issuer(for: profile)
        // Checked before the MFA code is spent; checked again with the issuer's own figures.
        _ = try duration(request, issued: nil)
        // A team issuer decides per role; the embedded one per kind.
        let proof: MFAProof? = switch profile.mfa {
        case .required: .totp(code: try mfaCode())
        case .token: .token
        case .off: profile.issuer == nil && kind.requiresMFA ? .totp(code: try mfaCode()) : nil
        }
        let key = SigningKey.generateP256()
        let issued = try await issuer.issue(IssuanceRequest(key: key, kind: kind, roleArn: profile.roleArn, mfaProof: proof))
        guard let leaf = issued.chain.first else { throw MFAError.unavailable("the issuer returned no certificate") }
        let identity = SigningIdentity(certificate: leaf, intermediates: Array(issued.chain.dropFirst()), key: key, isSingleUse: kind.isSingleUse)
        let client = CreateSessionClient(endpoint: endpoint, region: region, transport: context.transport, now: context.now)
        let createSession = CreateSessionRequest(
            durationSeconds: try duration(request, issued: issued), profileArn: profile.profileArn, roleArn: profile.roleArn,
            trustAnchorArn: profile.trustAnchorArn, roleSessionName: profile.roleSessionName
        )
        return HeldIdentity(identity: identity, client: client, request: createSession)
    }

    /// The AWS session length: the request, the profile, and what the issuer says is left of the
    /// login session and allowed for the role.
    private func duration(_ request: Request, issued: IssuedCertificate?) throws -> Int {
        var loginLeft = request.loginSecondsLeft
        if let left = issued?.loginSecondsLeft { loginLeft = min(loginLeft ?? .max, left) }
        return try SessionDurationPolicy.durationSeconds(for: .init(
            requestedSeconds: request.requestedDurationSeconds,
            loginSecondsLeft: loginLeft,
            profileLimitSeconds: request.profile.durationSeconds,
            roleLimitSeconds: issued?.roleMaxDurationSeconds
        ))
    }
}
