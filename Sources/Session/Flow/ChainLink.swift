#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RolesAnywhere
import SecurityTokenService
import Synchronization

/// A chained profile's second link: STS AssumeRole of its role, signed with a session of its
/// source profile. Built before the source's MFA code is spent, so that what cannot work (more
/// than 1 h, no region, a bad STS endpoint) is said first.
public struct ChainLink: Sendable {
    public let profile: Profile
    public let source: Profile
    let client: AssumeRoleClient
    let request: AssumeRoleRequest
    let now: @Sendable () -> Date

    /// The chained session lasts `--duration` or the profile's, at most 1 h (AWS's limit for role
    /// chaining; longer is refused, not cut) and at most what is left of the source's login session.
    init(profile: Profile, source: Profile, selection: SessionStarter.Selection, context: SessionContext, loginSecondsLeft: Int?) throws {
        if let requested = selection.durationSeconds, requested > AssumeRoleRequest.chainedMaximumSeconds {
            throw SessionError.chainedDurationTooLong(requested, profile: profile.name, source: source.name)
        }
        let duration = try SessionDurationPolicy.durationSeconds(for: .init(
            requestedSeconds: selection.durationSeconds, loginSecondsLeft: loginSecondsLeft, profileLimitSeconds: profile.durationSeconds
        ))
        let region = try RegionResolver.resolve(explicit: selection.region ?? profile.region ?? source.region ?? source.effectiveRegion,
                                                environment: context.environment)
        self.profile = profile
        self.source = source
        now = context.now
        let stsEndpoint = profile.endpoints.filled(from: source.endpoints).sts
        client = AssumeRoleClient(endpoint: try STSEndpoint.resolve(explicit: stsEndpoint, region: region, environment: context.environment), region: region,
                                  transport: context.transport, now: context.now)
        request = AssumeRoleRequest(
            roleArn: profile.roleArn,
            roleSessionName: profile.roleSessionName ?? AssumeRoleRequest.defaultSessionName(user: context.environment["USER"] ?? context.environment["LOGNAME"]),
            durationSeconds: duration, externalId: profile.kind.chain?.externalId
        )
    }

    public var region: String { client.region }
    public var durationSeconds: Int { request.durationSeconds }

    /// What the source profile's own flow is asked for: the shortest session, since it signs one
    /// AssumeRole and is then wiped. `--region` and `--duration` are the chained session's.
    func sourceSelection(_ selection: SessionStarter.Selection) -> SessionStarter.Selection {
        SessionStarter.Selection(profileName: source.name, durationSeconds: SessionDurationPolicy.minimumSeconds, endpoint: selection.endpoint)
    }

    /// Connects to STS now, before the source's session spends a code (`AssumeRoleClient.prepare`).
    func prepare() async throws { try await client.prepare() }

    /// One AssumeRole with `sourceCredentials`, for `durationSeconds` (default: the link's) and
    /// never past `end`: the end of the source's login session or certificate.
    public func assume(with sourceCredentials: AWSCredentials, durationSeconds: Int? = nil, until end: Date? = nil) async throws -> AssumeRoleResult {
        var request = self.request
        if let durationSeconds { request.durationSeconds = min(durationSeconds, request.durationSeconds) }
        if let end {
            let left = Int(end.timeIntervalSince(now()).rounded(.down))
            guard left >= AssumeRoleRequest.minimumSeconds else {
                throw SessionError.sourceSessionEnding(source.name, at: end)
            }
            request.durationSeconds = min(request.durationSeconds, left)
        }
        return try await client.assumeRole(request, with: sourceCredentials)
    }

    /// `limitSeconds` from now, as the end `assume` keeps to.
    func end(afterSeconds limitSeconds: Int?) -> Date? {
        limitSeconds.map { now().addingTimeInterval(TimeInterval($0)) }
    }
}

/// The source session a supervisor signs AssumeRole with between refreshes: kept while it has
/// more than two minutes left, wiped when replaced or at the end.
final class SourceSession: Sendable {
    private let current = Mutex<AWSCredentials?>(nil)
    private let now: @Sendable () -> Date

    init(now: @escaping @Sendable () -> Date) { self.now = now }

    func credentials(fetch: () async throws -> AWSCredentials) async throws -> AWSCredentials {
        let deadline = now().addingTimeInterval(120)
        if let held = current.withLock({ $0 }), held.expiration > deadline { return held }
        let fresh = try await fetch()
        current.withLock {
            $0?.wipe()
            $0 = fresh
        }
        return fresh
    }

    func wipe() {
        current.withLock {
            $0?.wipe()
            $0 = nil
        }
    }
}
