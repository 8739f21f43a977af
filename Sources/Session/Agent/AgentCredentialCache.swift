#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Issuance
import RolesAnywhere

/// The credentials an agent serves, one `CredentialCache` per profile: the cached credentials while
/// more than 15 minutes are left, else one refresh that concurrent callers share.
///
/// 15 minutes because botocore re-runs `credential_process` on every call once fewer than 15
/// minutes are left: with a smaller margin, every SDK call near the end would start a process.
public struct AgentCredentialCache: Sendable {
    public static let refreshMargin: TimeInterval = 900

    private let caches: [String: CredentialCache]

    public init(_ caches: [String: CredentialCache]) {
        self.caches = caches
    }

    /// One profile's cache as the agent needs it: `credential_process` JSON, the 15-minute margin.
    public static func profileCache(windowEnd: Date, policyDurationSeconds: Int, now: @escaping @Sendable () -> Date = Date.init,
                                    fetch: @escaping @Sendable (_ durationSeconds: Int) async throws -> AWSCredentials) -> CredentialCache {
        CredentialCache(windowEnd: windowEnd, policyDurationSeconds: policyDurationSeconds, format: .credentialProcess,
                        margin: refreshMargin, now: now, fetch: fetch)
    }

    public var profiles: [String] { caches.keys.sorted() }

    /// `profile`'s credentials as `credential_process` JSON in locked memory, or the refusal to answer.
    public func credentials(profile: String) async throws(AgentProtocol.Failure) -> CredentialCache.Entry {
        guard let cache = caches[profile] else {
            throw AgentProtocol.Failure(.unknownProfile, "this agent serves \(profiles.joined(separator: ", ")), not \(shellQuoted(profile)): start one that serves it with eval \"$(rolecall agent --profile \(shellQuoted(profile)))\"")
        }
        do {
            return try await cache.credentials()
        } catch CredentialCache.Failure.windowOver(let end) {
            throw AgentProtocol.Failure(.windowOver, "the MFA window of profile \(shellQuoted(profile)) ended at \(RFC3339.string(from: end)): start a new agent with eval \"$(rolecall agent --profile \(shellQuoted(profile)))\"")
        } catch {
            throw AgentProtocol.Failure(.refreshFailed, "\(error)")
        }
    }

    /// Zeroes every profile's credentials: when the agent ends.
    public func wipe() async {
        for cache in caches.values { await cache.wipe() }
    }
}
