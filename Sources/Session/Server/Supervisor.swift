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
    public func run(_ selection: SessionStarter.Selection, mfa: MFACodeSource, command: [String], quiet: Bool,
                    served: Served = .container) async throws -> Int32 {
        let context = starter.context
        try starter.refuseNesting()
        let coreLimit = CoreLimit.current()
        for warning in ProcessHardening.hardenProcess() { report("rolecall: warning: \(warning)") }
        let certified = try await certify(selection, mfa: mfa)
        let source = certified.source
        let cache = CredentialCache(windowEnd: source.windowEnd ?? .distantFuture, policyDurationSeconds: source.durationSeconds,
                                    format: served == .instanceMetadata ? .instanceMetadata : .container, now: context.now, fetch: source.fetch)
        let first = try await cache.credentials()
        let endpoint = try await startEndpoint(served, cache: cache, profile: certified.profile, region: source.region)
        let variables = childVariables(endpoint, certified: certified)
        if !quiet { announce(certified, on: endpoint.uri, firstExpiring: first.expiration) }

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
            await cache.wipe()
            source.wipe()
        }
        if let warning = ProcessTree.adoptOrphans() { report("rolecall: warning: \(warning)") }
        let earlier = ProcessTree.children() ?? []
        // The endpoint refreshes until the MFA window ends; what it gave last expires a session later.
        let servingEnds = source.windowEnd?.addingTimeInterval(TimeInterval(source.durationSeconds)) ?? .distantFuture
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

    /// The profile and where its sessions come from, after the one MFA check.
    struct Certified: Sendable {
        let profile: Profile
        /// The profile whose certificate signs (a chained profile's source).
        let base: Profile
        let link: ChainLink?
        let source: CredentialSource
    }

    /// The profile, its chain link and one MFA check; everything that can be refused is checked
    /// before the code is spent.
    private func certify(_ selection: SessionStarter.Selection, mfa: MFACodeSource) async throws -> Certified {
        let profile = try starter.profile(for: selection)
        let link = try starter.chainLink(profile, selection)
        let base = link?.source ?? profile
        // Credentials never outlive the certificate, and CreateSession grants no less than 900 s:
        // a shorter MFA window could serve nothing.
        if base.mfa != .off, let interval = base.mfaVerificationIntervalSeconds, interval < Profile.minimumMFAIntervalSeconds {
            throw ProfileError("profile \(shellQuoted(base.name)) has an MFA window of \(DurationText.format(interval)), too short for one AWS session of at least 15m: `exec --server` needs `--mfa-interval 16m` or more")
        }
        let baseSelection = link?.sourceSelection(selection) ?? selection
        var source = if base.ownCertificate != nil {
            try await ownCertificate(base, baseSelection)
        } else if base.mfa == .off {
            try await standardCertificates(base, baseSelection)
        } else {
            try await certifyIntoLockedMemory(base, baseSelection, mfa: mfa)
        }
        if let link { source = source.chained(through: link, now: starter.context.now) }
        for warning in source.warnings { report("rolecall: warning: \(warning)") }
        return Certified(profile: profile, base: base, link: link, source: source)
    }

    /// The loopback endpoint the child's SDKs ask, listening; the variables that point at it.
    struct ServedEndpoint: Sendable {
        let uri: String
        let variables: [(name: String, value: String)]
        let stop: @Sendable () -> Void
    }

    private func startEndpoint(_ served: Served, cache: CredentialCache, profile: Profile, region: String) async throws -> ServedEndpoint {
        let now = starter.context.now
        let (urls, continuation) = AsyncStream.makeStream(of: String.self)
        var variables: [(name: String, value: String)]
        let run: @Sendable (@escaping @Sendable (String) async -> Void) async throws -> Void
        let reportRemainingRefusals: @Sendable () -> Void
        switch served {
        case .container:
            let endpoint = ContainerCredentialsEndpoint(cache: cache, now: now, report: report)
            variables = [("AWS_CONTAINER_AUTHORIZATION_TOKEN", endpoint.token.unsafeStringValue())]
            run = { try await endpoint.run(onListening: $0) }
            reportRemainingRefusals = { endpoint.reportRemainingRefusals() }
        case .instanceMetadata:
            let endpoint = InstanceMetadataEndpoint(cache: cache, identity: .init(roleArn: profile.roleArn, region: region), now: now, report: report)
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
            if case .failure(let error) = await server.result { throw ProfileError("the credentials endpoint did not start: \(error)") }
            throw ProfileError("the credentials endpoint did not start")
        }
        variables.append((served == .container ? "AWS_CONTAINER_CREDENTIALS_FULL_URI" : "AWS_EC2_METADATA_SERVICE_ENDPOINT", uri))
        return ServedEndpoint(uri: uri, variables: variables, stop: {
            server.cancel()
            reportRemainingRefusals()
        })
    }

    /// What the child gets besides the endpoint's variables.
    private func childVariables(_ endpoint: ServedEndpoint, certified: Certified) -> [(name: String, value: String)] {
        var variables = endpoint.variables
        // Keys in ~/.aws/credentials come before both endpoints in the SDKs' provider chain: the
        // child would run as someone else without a word. An empty file has none.
        variables.append(("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"))
        if let warning = DefaultProfileCheck.warning(environment: starter.context.environment) { report("rolecall: warning: \(warning)") }
        if let windowEnd = certified.source.windowEnd { variables.append((SessionEnvironment.mfaWindowVariable, RFC3339.string(from: windowEnd))) }
        variables += SessionEnvironment.common(region: certified.source.region, session: certified.profile.name, roleArn: certified.profile.roleArn)
        return variables
    }

    /// The line saying what is served, where, and until when.
    private func announce(_ certified: Certified, on uri: String, firstExpiring expiration: Date) {
        let (profile, source) = (certified.profile, certified.source)
        let origin = URLComponents(string: uri).map { "\($0.host ?? ""):\($0.port ?? 0)" } ?? ""
        let chained = certified.link.map { " by AssumeRole with sessions of profile \($0.source.name)," } ?? ""
        // Credentials that already reach the window's end are said once, not as "until T, refreshed until T".
        let refreshed = chained + (source.windowEnd.map { abs($0.timeIntervalSince(expiration)) < 60
            ? " the end of the MFA window" : " refreshed until the MFA window ends at \(RFC3339.string(from: $0))" }
            ?? (certified.base.ownCertificate != nil ? " refreshed with the profile's own certificate until the command exits"
                : " refreshed with a new certificate each time (the profile has no MFA) until the command exits"))
        report("rolecall: \(profile.roleArn) (profile \(profile.name)) served on \(origin); credentials until \(RFC3339.string(from: expiration)),\(refreshed)")
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

    /// Where the endpoint's sessions come from: their region and longest duration, how to get one
    /// session of a given length, and until when (nil: as long as the command runs).
    struct CredentialSource: Sendable {
        let region: String
        let durationSeconds: Int
        let windowEnd: Date?
        /// When what signs the sessions ends: the login session, or the profile's own certificate
        /// (nil: no end of its own). A chained session is never asked to outlast it.
        let ends: Date?
        let warnings: [String]
        let fetch: @Sendable (_ durationSeconds: Int) async throws -> AWSCredentials
        let wipe: @Sendable () -> Void

        init(_ client: CreateSessionClient, _ request: CreateSessionRequest, windowEnd: Date?, ends: Date?, warnings: [String],
             fetch: @escaping @Sendable (_ durationSeconds: Int) async throws -> AWSCredentials, wipe: @escaping @Sendable () -> Void) {
            self.init(region: client.region, durationSeconds: request.durationSeconds, windowEnd: windowEnd, ends: ends, warnings: warnings,
                      fetch: fetch, wipe: wipe)
        }

        private init(region: String, durationSeconds: Int, windowEnd: Date?, ends: Date?, warnings: [String],
                     fetch: @escaping @Sendable (_ durationSeconds: Int) async throws -> AWSCredentials, wipe: @escaping @Sendable () -> Void) {
            self.region = region
            self.durationSeconds = durationSeconds
            self.windowEnd = windowEnd
            self.ends = ends
            self.warnings = warnings
            self.fetch = fetch
            self.wipe = wipe
        }

        /// Sessions of `link`'s role: each refresh is one AssumeRole, signed with a session of this
        /// source, which is fetched again only when it has less than two minutes left. The source's
        /// sessions are the shortest AWS grants (they only sign AssumeRole): the cache asks only
        /// while 900 s or more of the MFA window are left, so they end within it.
        func chained(through link: ChainLink, now: @escaping @Sendable () -> Date) -> CredentialSource {
            let held = SourceSession(now: now)
            let (fetchSource, ends) = (fetch, ends)
            return CredentialSource(region: link.region, durationSeconds: link.durationSeconds, windowEnd: windowEnd, ends: ends, warnings: warnings, fetch: { duration in
                let sourceCredentials = try await held.credentials { try await fetchSource(SessionDurationPolicy.minimumSeconds) }
                return try await link.assume(with: sourceCredentials, durationSeconds: duration, until: ends).credentials
            }, wipe: { [wipe] in
                held.wipe()
                wipe()
            })
        }
    }

    /// The MFA check and an in-memory certificate held in locked memory for the whole MFA window;
    /// the swift-crypto key object the broker made is released when this returns, leaving the
    /// locked copy as the only long-lived one.
    private func certifyIntoLockedMemory(_ profile: Profile, _ selection: SessionStarter.Selection, mfa: MFACodeSource) async throws -> CredentialSource {
        let interval = TimeInterval(profile.mfaVerificationIntervalSeconds ?? Int(CertificateKind.defaultVerificationInterval))
        let held = try await CredentialBroker(context: starter.context, issuer: starter.issuer).certify(
            try starter.brokerRequest(profile, selection),
            kind: .inMemory(verificationInterval: interval, holderLifetime: nil),
            mfaCode: { try mfa.obtain() }
        )
        let key = try LockedSigningKey(held.identity.key)
        let certificate = LockedBuffer(try held.identity.certificate.derBytes())
        let (client, baseRequest) = (held.client, held.request)
        let ends = held.limitSeconds.map { starter.context.now().addingTimeInterval(TimeInterval($0)) }
        return CredentialSource(client, baseRequest, windowEnd: held.identity.certificate.notValidAfter, ends: ends,
                                warnings: key.warnings + certificate.warnings, fetch: { duration in
            var request = baseRequest
            request.durationSeconds = duration
            let identity = SigningIdentity(certificate: try Certificate(derEncoded: certificate.bytes), key: try key.signingKey(), isSingleUse: false)
            return try await client.createSession(request, identity: identity, retry: RetryPolicy()).credentials
        }, wipe: {
            key.wipe()
            certificate.wipe()
        })
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
        let ends = profile.issuer == nil ? nil : try starter.context.loginStore.loadIfPresent()?.expiresAt
        return CredentialSource(first.3, first.4, windowEnd: nil, ends: ends, warnings: first.0.warnings, fetch: { duration in
            // The cache's first fetch uses the certificate asked for above.
            if let first = pending.take() { return try await session(first) }
            return try await session(try await certified(duration))
        }, wipe: { pending.take()?.0.wipe() })
    }
}

/// A P-256 signing key whose only long-lived copy is in locked memory; each signature materialises
/// a short-lived key object from it.
final class LockedSigningKey: Sendable {
    private let raw: LockedBuffer

    init(_ key: SigningKey) throws {
        guard case .p256(let p256) = key else { throw ProfileError("exec --server keeps P-256 keys only") }
        var data = p256.rawRepresentation
        defer { data.resetBytes(in: 0..<data.count) }
        raw = LockedBuffer(data)
    }

    var warnings: [String] { raw.warnings }

    func signingKey() throws -> SigningKey {
        try raw.withBytes { .p256(try P256.Signing.PrivateKey(rawRepresentation: $0)) }
    }

    func wipe() { raw.wipe() }
}

/// The first certificate of a profile without MFA, until the credential cache's first fetch uses it.
private final class PendingFirst: Sendable {
    typealias Certified = (LockedSigningKey, Certificate, [Certificate], CreateSessionClient, CreateSessionRequest)
    private let value: Mutex<Certified?>

    init(_ value: Certified) { self.value = Mutex(value) }

    func take() -> Certified? { value.withLock { $0.take() } }
}
