import Foundation
import Issuance
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
    private let issuer: any Issuer

    public init(context: SessionContext, issuer: any Issuer) {
        self.context = context
        self.issuer = issuer
    }

    /// Per-session flow: a single-use certificate (or a standard one for profiles without MFA)
    /// signs exactly one CreateSession.
    public func obtain(_ request: Request, mfaCode: () throws -> String) async throws -> Issued {
        let profile = request.profile
        let kind: CertificateKind = profile.mfa == .required
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
        let duration = try SessionDurationPolicy.durationSeconds(for: .init(
            requestedSeconds: request.requestedDurationSeconds,
            loginSecondsLeft: request.loginSecondsLeft,
            profileLimitSeconds: profile.durationSeconds
        ))
        let proof: MFAProof? = kind.requiresMFA ? .totp(code: try mfaCode()) : nil
        let key = SigningKey.generateP256()
        let chain = try await issuer.issue(
            publicKey: key.certificatePublicKey, kind: kind, identity: try context.issuerStore.user(), mfaProof: proof
        )
        guard let leaf = chain.first else { throw MFAError.unavailable("the issuer returned no certificate") }
        let identity = SigningIdentity(certificate: leaf, intermediates: Array(chain.dropFirst()), key: key, isSingleUse: kind.isSingleUse)
        let client = CreateSessionClient(endpoint: endpoint, region: region, transport: context.transport, now: context.now)
        let createSession = CreateSessionRequest(
            durationSeconds: duration, profileArn: profile.profileArn, roleArn: profile.roleArn,
            trustAnchorArn: profile.trustAnchorArn, roleSessionName: profile.roleSessionName
        )
        return HeldIdentity(identity: identity, client: client, request: createSession)
    }
}
