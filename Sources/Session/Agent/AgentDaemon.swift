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
import CSocketDiag
import RolesAnywhere

/// The agent process of `rolecall agent`: one per-session check for every profile, keys and
/// certificates in locked memory, the socket, the shell lines for `eval` on standard output; then
/// it detaches and serves until the bound shell exits, the last MFA window ends, or `agent --stop`.
public struct AgentDaemon: Sendable {
    let starter: SessionStarter
    let report: @Sendable (String) -> Void

    public init(starter: SessionStarter, report: @escaping @Sendable (String) -> Void) {
        self.starter = starter
        self.report = report
    }

    /// Why the agent ended.
    public enum Ending: Sendable, Equatable {
        case shellExited, windowOver, stopRequested, signalled
    }

    public func run(_ selections: [SessionStarter.Selection], mfa: MFACodeSource, handoff: AgentLaunch.Handoff, format: ShellFormat) async throws -> Ending {
        try starter.refuseNesting()
        for warning in ProcessHardening.hardenProcess() { report("rolecall: warning: \(warning)") }
        SignalRelay.install(recording: [SIGINT, SIGTERM, SIGHUP], relaying: [])
        let held = try await HeldProfiles(starter: starter, report: report).certify(selections, mfa: mfa)
        let stop = AgentStopRequest()
        let service: AgentService
        do {
            service = try AgentService(held, tree: SessionTree(root: handoff.root, boundAt: handoff.boundAt), context: starter.context, report: report, stop: stop.request)
        } catch {
            held.forEach { $0.source.wipe() }
            throw error
        }
        let windowEnd = HeldProfiles.lastWindowEnd(held)
        var variables = service.variables
        if let windowEnd { variables.append((SessionEnvironment.mfaWindowVariable, RFC3339.string(from: windowEnd))) }
        report("rolecall: agent (pid \(getpid())) serves \(service.profiles.joined(separator: ", ")) to the shell with pid \(handoff.root.pid) and what it starts, "
               + (windowEnd.map { "until \(RFC3339.string(from: $0))" } ?? "while the shell runs") + "; `eval \"$(rolecall agent --stop)\"` ends it")
        var lines = Array(format.render(set: variables, unset: []).utf8)
        for index in variables.indices { variables[index].value = "" }
        Self.detach(after: &lines)
        // The shell's prompt is back: the agent's refreshes say nothing of their waits.
        ForegroundWaits.end()
        let ending = await DedicatedThread.valueWithoutThrowing { Self.wait(for: handoff.root, until: windowEnd, stop: stop) }
        await service.stop()
        held.forEach { $0.source.wipe() }
        if ending == .windowOver { report("rolecall: agent (pid \(getpid())) ended: the MFA window is over; start a new one with eval \"$(rolecall agent …)\"") }
        return ending
    }

    /// Writes the lines to the front's pipe and wipes them, lets go of the pipe and the terminal's
    /// input, and leaves the session, so the shell's `$(…)` ends and no signal of its terminal
    /// reaches the agent. Standard error stays: refusals are told there.
    private static func detach(after lines: inout [UInt8]) {
        var written = 0
        while written < lines.count {
            let count = lines.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress! + written, $0.count - written) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            written += count
        }
        wipeBytes(&lines)
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        if null >= 0 {
            dup2(null, STDIN_FILENO)
            dup2(null, STDOUT_FILENO)
            close(null)
        }
        _ = setsid()
    }

    /// Blocks until the bound shell exits (its pidfd polls readable; without pidfds, `/proc` is
    /// looked at each round), `until` passes, a stop is asked for, or INT, TERM or HUP comes.
    static func wait(for root: TreeRoot, until end: Date?, stop: AgentStopRequest) -> Ending {
        let pidfd = rolecall_pidfd_open(root.pid)
        defer { if pidfd >= 0 { close(pidfd) } }
        while true {
            // Checked after the pidfd is open: a pid reused before then is caught here.
            guard ProcessStat.of(pid: root.pid)?.startTime == root.startTime else { return .shellExited }
            if stop.isRequested { return .stopRequested }
            if SignalRelay.stopRequested { return .signalled }
            if let end, Date() >= end { return .windowOver }
            var entries = [pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0), pollfd(fd: stop.descriptor, events: Int16(POLLIN), revents: 0)]
            _ = poll(&entries, nfds_t(entries.count), 250)
            if pidfd >= 0, entries[0].revents != 0 { return .shellExited }
        }
    }
}

/// `agent --stop` as the socket's handler sees it: a flag and a pipe that wakes the waiting loop.
final class AgentStopRequest: Sendable {
    private let pipe: (read: Int32, write: Int32)

    init() {
        var ends: [Int32] = [-1, -1]
        _ = rolecall_wake_pipe(&ends)
        pipe = (ends[0], ends[1])
    }

    var descriptor: Int32 { pipe.read }

    var isRequested: Bool {
        var entry = pollfd(fd: pipe.read, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) > 0
    }

    func request() {
        var byte: UInt8 = 1
        _ = write(pipe.write, &byte, 1)
    }

    deinit {
        close(pipe.read)
        close(pipe.write)
    }
}
