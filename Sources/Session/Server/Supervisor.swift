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

    /// Runs the whole supervised session; returns the child's exit status (128 + signal if killed).
    public func run(_ selection: SessionStarter.Selection, mfa: MFACodeSource, command: [String], quiet: Bool) async throws -> Int32 {
        let context = starter.context
        try starter.refuseNesting()
        let coreLimit = CoreLimit.current()
        for warning in ProcessHardening.hardenProcess() { report("rolecall: warning: \(warning)") }

        let profile = try starter.profile(for: selection)
        // Credentials never outlive the certificate, and CreateSession grants no less than 900 s:
        // a shorter MFA window could serve nothing. Said before the MFA code is spent.
        if let interval = profile.mfaVerificationIntervalSeconds, interval < Profile.minimumMFAIntervalSeconds {
            throw ProfileError("profile \(shellQuoted(profile.name)) has an MFA window of \(DurationText.format(interval)), too short for one AWS session of at least 15m: `exec --server` needs `--mfa-interval 16m` or more")
        }
        let held = try await certifyIntoLockedMemory(profile, selection, mfa: mfa)
        let (key, lockedCertificate, certificate, client, baseRequest) = (held.key, held.certificate, held.parsedCertificate, held.client, held.request)
        for warning in key.warnings + lockedCertificate.warnings { report("rolecall: warning: \(warning)") }

        let cache = CredentialCache(windowEnd: certificate.notValidAfter, policyDurationSeconds: baseRequest.durationSeconds, now: context.now) { duration in
            var request = baseRequest
            request.durationSeconds = duration
            let identity = SigningIdentity(certificate: try Certificate(derEncoded: lockedCertificate.bytes), key: try key.signingKey(), isSingleUse: false)
            return try await client.createSession(request, identity: identity, retry: RetryPolicy()).credentials
        }
        let first = try await cache.credentials()

        let endpoint = ContainerCredentialsEndpoint(cache: cache, report: report)
        let (urls, continuation) = AsyncStream.makeStream(of: String.self)
        let server = Task {
            // A bind that fails ends the stream too, so the wait below ends with the error.
            defer { continuation.finish() }
            try await endpoint.run { continuation.yield($0) }
        }
        var iterator = urls.makeAsyncIterator()
        guard let uri = await iterator.next() else {
            if case .failure(let error) = await server.result { throw ProfileError("the credentials endpoint did not start: \(error)") }
            throw ProfileError("the credentials endpoint did not start")
        }

        var variables: [(name: String, value: String)] = [
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", endpoint.token.unsafeStringValue()),
            (SessionEnvironment.mfaWindowVariable, RFC3339.string(from: certificate.notValidAfter)),
        ]
        variables += SessionEnvironment.common(region: client.region, session: profile.name, roleArn: profile.roleArn)
        if !quiet {
            let origin = URLComponents(string: uri).map { "\($0.host ?? ""):\($0.port ?? 0)" } ?? ""
            report("rolecall: \(profile.roleArn) (profile \(profile.name)) served on \(origin); credentials until \(RFC3339.string(from: first.expiration)), refreshed until the MFA window ends at \(RFC3339.string(from: certificate.notValidAfter))")
        }

        let terminal: Int32? = isatty(STDIN_FILENO) == 1 && tcgetpgrp(STDIN_FILENO) == getpgrp() ? STDIN_FILENO : nil
        signal(SIGTTOU, SIG_IGN)
        let target = command.isEmpty ? ProcessLauncher.defaultCommand(environment: context.environment) : command
        // Handlers before the child exists: a signal sent as soon as the child runs must reach it,
        // not end the supervisor with the child orphaned (a test caught exactly that race).
        SignalRelay.install(recording: [], relaying: Self.forwardedSignals)
        // Without a child (it could not start, or it is gone) nothing may outlive it.
        func releaseEverything() async {
            SignalRelay.stopRelaying()
            server.cancel()
            await cache.wipe()
            key.wipe()
            lockedCertificate.wipe()
        }
        if let warning = ProcessTree.adoptOrphans() { report("rolecall: warning: \(warning)") }
        let earlier = ProcessTree.children() ?? []
        // The endpoint refreshes until the MFA window ends; what it gave last expires a session later.
        let servingEnds = certificate.notValidAfter.addingTimeInterval(TimeInterval(baseRequest.durationSeconds))
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

    /// What the supervisor keeps: the key and certificate in locked memory, and the request to repeat.
    struct LockedIdentity {
        let key: LockedSigningKey
        let certificate: LockedBuffer
        let parsedCertificate: Certificate
        let client: CreateSessionClient
        let request: CreateSessionRequest
    }

    /// The MFA check and an in-memory certificate; the swift-crypto key object the broker made is
    /// released when this returns, leaving the locked copy as the only long-lived one.
    private func certifyIntoLockedMemory(_ profile: Profile, _ selection: SessionStarter.Selection, mfa: MFACodeSource) async throws -> LockedIdentity {
        let interval = TimeInterval(profile.mfaVerificationIntervalSeconds ?? Int(CertificateKind.defaultVerificationInterval))
        let held = try await CredentialBroker(context: starter.context, issuer: starter.issuer).certify(
            try starter.brokerRequest(profile, selection),
            kind: .inMemory(verificationInterval: interval, holderLifetime: nil),
            mfaCode: { try mfa.obtain() }
        )
        return LockedIdentity(
            key: try LockedSigningKey(held.identity.key),
            certificate: LockedBuffer(try held.identity.certificate.derBytes()),
            parsedCertificate: held.identity.certificate,
            client: held.client,
            request: held.request
        )
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
