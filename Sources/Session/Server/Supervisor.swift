import Crypto
import Dispatch
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
import Issuance
import IssuanceCore
import RolesAnywhere
import Synchronization
import X509

/// `exec --server`: one MFA check, an in-memory certificate bounded by the MFA verification interval,
/// and a supervising parent that serves refreshed credentials to its child over a loopback
/// container-credentials endpoint until the child exits.
public struct Supervisor: Sendable {
    public static let forwardedSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH]

    private let starter: SessionStarter
    private let report: @Sendable (String) -> Void

    public init(starter: SessionStarter, report: @escaping @Sendable (String) -> Void) {
        self.starter = starter
        self.report = report
    }

    /// Which protocol the child's SDKs are served: the container one (`--server`), or EC2's
    /// instance metadata (`--imds`).
    public enum Served: Sendable {
        case container, instanceMetadata
    }

    /// Runs the whole supervised session; returns the child's exit status (128 + signal if killed).
    /// The first profile is served at the endpoint; every profile (the first too) to
    /// `credential-process` anywhere in the tree, through the agent socket the child is told of.
    public func run(_ selections: [SessionStarter.Selection], mfa: MFACodeSource, command: [String], quiet: Bool,
                    served: Served = .container) async throws -> Int32 {
        let context = starter.context
        try starter.refuseNesting()
        // The tree is what starts from here: children this process already had are outside it.
        let boundAt = BootClock.ticks()
        let coreLimit = CoreLimit.current()
        for warning in ProcessHardening.hardenProcess() { report("rolecall: warning: \(warning)") }
        let held = try await HeldProfiles(starter: starter, report: report).certify(selections, mfa: mfa)
        let certified = held[0]
        let source = certified.source
        let cache = CredentialCache(windowEnd: source.windowEnd ?? .distantFuture, policyDurationSeconds: source.durationSeconds,
                                    format: served == .instanceMetadata ? .instanceMetadata : .container, now: context.now, fetch: source.fetch)
        let first = try await cache.credentials()
        // Refreshes happen while the child writes to the same terminal: no progress lines for them.
        ForegroundWaits.end()
        // Who is inside: the endpoint and the agent socket answer the same processes.
        let tree = SessionTree(root: try TreeRoot(pid: getpid()), boundAt: boundAt)
        let endpoint = try await startEndpoint(served, cache: cache, profile: certified.profile, region: source.region, tree: tree)
        let agent = try AgentService(held, tree: tree, context: context, report: report,
                                     stop: { report("rolecall: `agent --stop` stops an agent, not an `exec --server` session: exit its command instead") })
        var variables = childVariables(endpoint, certified: certified, windowEnd: HeldProfiles.lastWindowEnd(held)) + agent.variables
        if !quiet { announce(certified, on: endpoint.uri, firstExpiring: first.expiration, others: held.dropFirst()) }

        let terminal: Int32? = isatty(STDIN_FILENO) == 1 && tcgetpgrp(STDIN_FILENO) == getpgrp() ? STDIN_FILENO : nil
        signal(SIGTTOU, SIG_IGN)
        let target = command.isEmpty ? ProcessLauncher.defaultCommand(environment: context.environment) : command
        // Handlers before the child exists: a signal sent as soon as the child runs must reach it,
        // not end the supervisor with the child orphaned (a test caught exactly that race).
        SignalRelay.install(recording: [], relaying: Self.forwardedSignals)
        // Without a child (it could not start, or it is gone) nothing may outlive it.
        func releaseEverything() async {
            SignalRelay.stopRelaying()
            endpoint.stop()
            await agent.stop()
            await cache.wipe()
            held.forEach { $0.source.wipe() }
            for index in variables.indices { variables[index].value = "" }
        }
        if let warning = ProcessTree.adoptOrphans() { report("rolecall: warning: \(warning)") }
        let earlier = ProcessTree.children() ?? []
        // The endpoints refresh until the MFA windows end; what they gave last expires a session later.
        let servingEnds = held.map { $0.source.windowEnd?.addingTimeInterval(TimeInterval($0.source.durationSeconds)) ?? .distantFuture }.max() ?? .distantFuture
        let pid: pid_t
        do {
            pid = try ProcessLauncher.spawn(command: target, environment: SessionEnvironment.child(of: context.environment, adding: variables),
                                            coreLimit: coreLimit, ownProcessGroup: terminal != nil, terminal: terminal)
        } catch {
            await releaseEverything()
            throw error
        }
        SignalRelay.relay(to: terminal != nil ? -pid : pid)
        let status = await serveTree(direct: pid, terminal: terminal, earlier: earlier, servingEnds: servingEnds)
        await releaseEverything()
        return status
    }

    /// The loopback endpoint the child's SDKs ask, listening; the variables that point at it.
    struct ServedEndpoint: Sendable {
        let uri: String
        let variables: [(name: String, value: String)]
        let stop: @Sendable () -> Void
    }

    private func startEndpoint(_ served: Served, cache: CredentialCache, profile: Profile, region: String, tree: SessionTree) async throws -> ServedEndpoint {
        let now = starter.context.now
        let (urls, continuation) = AsyncStream.makeStream(of: String.self)
        var variables: [(name: String, value: String)]
        let run: @Sendable (@escaping @Sendable (String) async -> Void) async throws -> Void
        let reportRemainingRefusals: @Sendable () -> Void
        switch served {
        case .container:
            let endpoint = ContainerCredentialsEndpoint(cache: cache, now: now, tree: tree, report: report)
            variables = [("AWS_CONTAINER_AUTHORIZATION_TOKEN", endpoint.token.unsafeStringValue())]
            run = { try await endpoint.run(onListening: $0) }
            reportRemainingRefusals = { endpoint.reportRemainingRefusals() }
        case .instanceMetadata:
            let endpoint = InstanceMetadataEndpoint(cache: cache, identity: .init(roleArn: profile.roleArn, region: region), now: now, tree: tree, report: report)
            variables = [("AWS_EC2_METADATA_V1_DISABLED", "true"), ("AWS_EC2_METADATA_DISABLED", "false")]
            run = { try await endpoint.run(onListening: $0) }
            reportRemainingRefusals = { endpoint.reportRemainingRefusals() }
        }
        let server = Task {
            // A bind that fails ends the stream too, so the wait below ends with the error.
            defer { continuation.finish() }
            try await run { continuation.yield($0) }
        }
        var iterator = urls.makeAsyncIterator()
        guard let uri = await iterator.next() else {
            if case .failure(let error) = await server.result { throw SessionError.endpointDidNotStart(error) }
            throw SessionError.endpointDidNotStart(nil)
        }
        variables.append((served == .container ? "AWS_CONTAINER_CREDENTIALS_FULL_URI" : "AWS_EC2_METADATA_SERVICE_ENDPOINT", uri))
        return ServedEndpoint(uri: uri, variables: variables, stop: {
            server.cancel()
            reportRemainingRefusals()
        })
    }

    /// What the child gets besides the endpoint's variables.
    private func childVariables(_ endpoint: ServedEndpoint, certified: HeldProfiles.Held, windowEnd: Date?) -> [(name: String, value: String)] {
        var variables = endpoint.variables
        // Keys in ~/.aws/credentials come before both endpoints in the SDKs' provider chain: the
        // child would run as someone else without a word. An empty file has none.
        variables.append(("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"))
        if let warning = DefaultProfileCheck.warning(environment: starter.context.environment) { report("rolecall: warning: \(warning)") }
        if let windowEnd { variables.append((SessionEnvironment.mfaWindowVariable, RFC3339.string(from: windowEnd))) }
        variables += SessionEnvironment.common(region: certified.source.region, session: certified.profile.name, roleArn: certified.profile.roleArn)
        // The profile's STS endpoint, for the child's `aws sts …` as `exec` gives it.
        if let endpoints = try? starter.endpoints(of: certified.profile) { variables += SessionEnvironment.endpoints(endpoints) }
        return variables
    }

    /// The line saying what is served, where, and until when.
    private func announce(_ certified: HeldProfiles.Held, on uri: String, firstExpiring expiration: Date, others: ArraySlice<HeldProfiles.Held>) {
        let (profile, source) = (certified.profile, certified.source)
        let origin = URLComponents(string: uri).map { "\($0.host ?? ""):\($0.port ?? 0)" } ?? ""
        let chained = certified.link.map { " by AssumeRole with sessions of profile \($0.source.name)," } ?? ""
        let unwindowed = if case .ownCertificate = certified.base.kind { " refreshed with the profile's own certificate until the command exits" }
            else { " refreshed with a new certificate each time (the profile has no MFA) until the command exits" }
        // Credentials that already reach the window's end are said once, not as "until T, refreshed until T".
        let refreshed = chained + (source.windowEnd.map { abs($0.timeIntervalSince(expiration)) < 60
            ? " the end of the MFA window" : " refreshed until the MFA window ends at \(RFC3339.string(from: $0))" } ?? unwindowed)
        report("rolecall: \(profile.roleArn) (profile \(profile.name)) served on \(origin); credentials until \(RFC3339.string(from: expiration)),\(refreshed)")
        for other in others {
            let window = other.source.windowEnd.map { "until its MFA window ends at \(RFC3339.string(from: $0))" } ?? "until the command exits"
            report("rolecall: \(other.profile.roleArn) (profile \(other.profile.name)) served to `rolecall credential-process --profile \(other.profile.name)` in this tree, \(window)")
        }
    }

    /// Waits for the direct child, then for the processes it left running, until none is left, INT,
    /// TERM or HUP says to stop, or `servingEnds` (when the last credentials the endpoint can give
    /// expire); returns the direct child's status. Children rolecall had before the command (`earlier`)
    /// are not the session's.
    private func serveTree(direct: pid_t, terminal: Int32?, earlier: Set<pid_t>, servingEnds: Date) async -> Int32 {
        let (events, continuation) = AsyncStream.makeStream(of: ProcessTree.Event.self)
        ProcessTree.reap(direct: direct, terminal: terminal) { continuation.yield($0) }
        // Started once the direct child has exited: while it runs, its exit is all there is to wait for.
        var ticks: Task<Void, Never>?
        defer { ticks?.cancel() }
        let now = starter.context.now
        func servingIsOver() -> Bool {
            SignalRelay.stopRequested || now() >= servingEnds || !ProcessTree.hasChildren(besides: earlier)
        }
        var directStatus: Int32?
        for await event in events {
            switch event {
            case .directExited(let status):
                directStatus = status
                // From here on signals are no longer the child's: INT, TERM or HUP stops the serving.
                SignalRelay.stopRelaying()
                if let terminal { tcsetpgrp(terminal, getpgrp()) }
                if servingIsOver() { return status }
                ticks = Task {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .milliseconds(100))
                        continuation.yield(.tick)
                    }
                }
                report("rolecall: processes of this session are still running; serving them until they exit (at most until \(RFC3339.string(from: servingEnds))); Ctrl-C to stop")
            case .tick:
                if let directStatus, servingIsOver() { return directStatus }
            case .empty:
                // Without the direct child's exit only when waiting itself failed.
                return directStatus ?? 1
            }
        }
        return directStatus ?? 1
    }
}
