#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RolesAnywhere

/// The held profiles served on an agent socket: `rolecall agent`, and `exec --server`, whose child
/// gets the same `ROLECALL_AGENT` an agent's shell does. One credential cache per profile (the
/// agent's 15-minute margin), each bounded by its profile's MFA window.
final class AgentService: Sendable {
    let address: AgentAddress
    let profiles: [String]
    private let directory: AgentDirectory
    private let server: AgentServer
    private let caches: AgentCredentialCache

    /// Listens in a fresh private directory; `stop` is what an `agent --stop` request asks for.
    init(_ held: [HeldProfiles.Held], tree: SessionTree, context: SessionContext,
         report: @escaping @Sendable (String) -> Void, stop: @escaping @Sendable () -> Void) throws {
        let now = context.now
        var caches: [String: CredentialCache] = [:]
        for entry in held {
            caches[entry.profile.name] = AgentCredentialCache.profileCache(
                windowEnd: entry.source.windowEnd ?? .distantFuture, policyDurationSeconds: entry.source.durationSeconds, now: now, fetch: entry.source.fetch)
        }
        let served = AgentCredentialCache(caches)
        let directory = try AgentDirectory.create(environment: context.environment)
        var generator = SystemRandomNumberGenerator()
        let address = AgentAddress.generate(socketPath: directory.socketPath, using: &generator)
        let info = AgentInfo(pid: getpid(), profiles: held.map { ($0.profile.name, $0.source.windowEnd) })
        do {
            server = try AgentServer(address: address, root: tree.root, boundAt: tree.boundAt, now: now, report: report,
                                     provider: { try await served.credentials(profile: $0) },
                                     controls: .init(info: { info }, stop: stop))
        } catch {
            directory.remove()
            address.wipe()
            throw error
        }
        self.address = address
        self.profiles = held.map(\.profile.name)
        self.directory = directory
        self.caches = served
    }

    /// What the served tree gets: the socket and token, and the profiles' names for `rolecall prompt`.
    var variables: [(name: String, value: String)] {
        [(AgentAddress.variable, address.unsafeValue()), (PromptSegment.agentProfilesVariable, profiles.joined(separator: ","))]
    }

    /// Stops listening, removes the socket and its directory, wipes every cached credential and the token.
    func stop() async {
        server.stop()
        directory.remove()
        await caches.wipe()
        address.wipe()
    }
}
