import CSocketDiag
import Dispatch
import RolesAnywhere
import Synchronization
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

/// The agent's Unix-socket server: one request per connection, answered only for this user's
/// processes that descend from the tree it serves and hold its token (`AgentGate`).
///
/// Accepting, reading and judging run in a poll loop on a thread of its own (`DedicatedThread`);
/// only a request that passed every check reaches the provider, in a task. A peer that sends
/// nothing is dropped after `requestTimeout`, and at most `maximumPending` connections wait for
/// their request at once.
public final class AgentServer: Sendable {
    public typealias Provider = @Sendable (_ profile: String) async throws -> CredentialCache.Entry

    /// What the agent says of itself, and what `agent --stop` asks of it.
    public struct Controls: Sendable {
        public var info: @Sendable () -> AgentInfo
        public var stop: @Sendable () -> Void

        public init(info: @escaping @Sendable () -> AgentInfo, stop: @escaping @Sendable () -> Void) {
            self.info = info
            self.stop = stop
        }

        public static let none = Controls(info: { AgentInfo(pid: getpid(), profiles: []) }, stop: {})
    }

    static let maximumPending = 64

    private let listening: Int32
    private let socketPath: String
    private let wake: (read: Int32, write: Int32)
    private let gate: AgentGate
    private let provider: Provider
    private let controls: Controls
    private let requestTimeout: Duration
    private let refusals: BoundedRefusalReport
    private let stopped = Mutex(false)
    private let finished = DispatchSemaphore(value: 0)

    /// Listens at `address`'s socket and serves until `stop()`. `boundAt` is when the agent (or
    /// supervisor) began, from `BootClock.ticks()`: the root's children from before then are outside.
    public init(address: AgentAddress, root: TreeRoot, boundAt: UInt64, requestTimeout: Duration = .seconds(2),
                now: @escaping @Sendable () -> Date = Date.init, report: @escaping @Sendable (String) -> Void,
                provider: @escaping Provider, controls: Controls = .none) throws(AgentError) {
        var pipe: [Int32] = [-1, -1]
        let failure = rolecall_wake_pipe(&pipe)
        guard failure == 0 else { throw .socketFailed("serve", address.socketPath, errno: failure) }
        do {
            listening = try UnixSocket.listening(at: address.socketPath)
        } catch {
            pipe.forEach { _ = close($0) }
            throw error
        }
        wake = (pipe[0], pipe[1])
        socketPath = address.socketPath
        gate = AgentGate(token: address.token, root: root, boundAt: boundAt)
        self.provider = provider
        self.controls = controls
        self.requestTimeout = requestTimeout
        refusals = BoundedRefusalReport(what: "agent request", now: now, report: report)
        DedicatedThread.run { self.run() }
    }

    public var refusalCount: Int { refusals.count }

    /// Stops accepting and returns once the loop has closed its descriptors (within one poll round).
    /// Requests already handed to the provider are still answered. Reports refusals not yet told.
    public func stop() {
        guard stopped.withLock({ stopped in defer { stopped = true }; return !stopped }) else { return }
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)
        finished.wait()
        refusals.reportRemaining()
    }

    private func run() {
        var pending: [PendingRequest] = []
        // Set while accepting is paused: out of descriptors, the backlog stays readable and an
        // accept that keeps failing would spin.
        var resumeAccepting: ContinuousClock.Instant?
        defer {
            pending.forEach { $0.drop() }
            [listening, wake.read, wake.write].forEach { _ = close($0) }
            finished.signal()
        }
        while true {
            if let resume = resumeAccepting, ContinuousClock.now >= resume { resumeAccepting = nil }
            var entries = [Self.entry(wake.read), Self.entry(listening, if: resumeAccepting == nil)] + pending.map { Self.entry($0.descriptor) }
            let ready = poll(&entries, nfds_t(entries.count), Self.pollTimeout(pending.map(\.deadline) + [resumeAccepting].compactMap { $0 }))
            if ready < 0, errno != EINTR { return }
            if entries[0].revents != 0 { return }
            pending = zip(pending, entries.dropFirst(2)).compactMap { request, entry in
                entry.revents == 0 ? request : advance(request)
            }
            pending = pending.filter { request in
                guard request.isOverdue else { return true }
                refuse(request, .timedOut(requestTimeout))
                return false
            }
            if entries[1].revents != 0, !acceptAll(into: &pending) { resumeAccepting = .now + .milliseconds(100) }
        }
    }

    private static func entry(_ descriptor: Int32, if readable: Bool = true) -> pollfd {
        pollfd(fd: descriptor, events: readable ? Int16(POLLIN) : 0, revents: 0)
    }

    /// Milliseconds until the first of `deadlines`; -1 (forever) when there is none.
    private static func pollTimeout(_ deadlines: [ContinuousClock.Instant]) -> Int32 {
        guard let first = deadlines.min() else { return -1 }
        let left = ContinuousClock.now.duration(to: first).components
        return Int32(clamping: max(0, left.seconds * 1000 + left.attoseconds / 1_000_000_000_000_000 + 1))
    }

    /// Accepts every connection waiting; false when this process is out of descriptors or memory.
    private func acceptAll(into pending: inout [PendingRequest]) -> Bool {
        while true {
            let descriptor = rolecall_accept_unix(listening)
            guard descriptor >= 0 else { return ![EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(errno) }
            // Taken at once: a peer that started after this moment holds a reused pid.
            let request = PendingRequest(descriptor: descriptor, acceptedAt: BootClock.ticks(), deadline: .now + requestTimeout)
            guard pending.count < Self.maximumPending else {
                refuse(request, AgentRefusal(reason: "too many connections waiting at once", answer: nil))
                continue
            }
            pending.append(request)
        }
    }

    /// Reads what has arrived; nil once the request is complete (and handed on) or the connection is done.
    private func advance(_ request: PendingRequest) -> PendingRequest? {
        switch request.receive() {
        case .waiting:
            return request
        case .closed:
            request.drop()  // a connection that asked nothing (`agent --list` seeing whether we live)
        case .tooLong:
            refuse(request, .tooLong)
        case .line(var line):
            defer { wipeBytes(&line) }
            switch gate.judge(request, line: line) {
            case .refused(let refusal): refuse(request, refusal)
            case .allowed(.credentials(let profile)): answer(request, profile: profile)
            case .allowed(.info): reply(request, AgentProtocol.answerLine(controls.info()))
            case .allowed(.stop):
                // The socket goes before the answer: once the caller has it, nothing finds this agent
                // any more (`agent --list`, a new agent replacing it). The rest of the stop follows.
                unlink(socketPath)
                reply(request, AgentProtocol.stoppedLine)
                controls.stop()
            }
        }
        return nil
    }

    private func refuse(_ request: PendingRequest, _ refusal: AgentRefusal) {
        refusals.refuse(refusal.reason)
        if let answer = refusal.answer { request.send(AgentProtocol.answerLine(answer)) }
        request.drop()
    }

    private func reply(_ request: PendingRequest, _ line: [UInt8]) {
        request.send(line)
        request.drop()
    }

    private func answer(_ request: PendingRequest, profile: String) {
        Task { [provider] in
            var line: [UInt8]
            do {
                let entry = try await provider(profile)
                line = entry.body.withBytes { $0.isEmpty ? nil : AgentProtocol.answerLine(credentials: $0) }
                    ?? AgentProtocol.answerLine(AgentProtocol.Failure(.unavailable, "the agent is ending: \(AgentError.restart)"))
            } catch let failure as AgentProtocol.Failure {
                line = AgentProtocol.answerLine(failure)
            } catch {
                line = AgentProtocol.answerLine(AgentProtocol.Failure(.refreshFailed, "\(error)"))
            }
            request.send(line)
            wipeBytes(&line)
            request.drop()
        }
    }
}
