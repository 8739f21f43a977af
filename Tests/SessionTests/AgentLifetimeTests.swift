import Foundation
@testable import Session
import Testing

/// What ends an agent: its shell's exit (seen through a pidfd), the end of the last MFA window,
/// or a stop request.
struct AgentLifetimeTests {
    /// A stand-in for the shell, started with rolecall's own spawn (Foundation's `Process.run`
    /// crashed in this parallel test process).
    static func shell() throws -> pid_t {
        try ProcessLauncher.spawn(command: ["/bin/sleep", "30"], environment: [:], coreLimit: (0, 0), ownProcessGroup: false)
    }

    static func end(_ pid: pid_t) {
        kill(pid, SIGKILL)
        _ = ProcessLauncher.wait(for: pid)
    }

    @Test func theAgentEndsWithItsShell() async throws {
        let pid = try Self.shell()
        let root = try TreeRoot(pid: pid)
        let started = Date()
        // On a thread of its own, as the agent runs it: a blocking wait on one of the task pool's two
        // threads kept this test's own kill waiting while other tests held the other.
        let waited = Task { await DedicatedThread.valueWithoutThrowing { AgentDaemon.wait(for: root, until: nil, stop: AgentStopRequest()) } }
        try await Task.sleep(for: .milliseconds(100))
        kill(pid, SIGKILL)
        // The pidfd tells of the exit before anyone reaps the process.
        #expect(await waited.value == .shellExited)
        #expect(Date().timeIntervalSince(started) < 10)
        _ = ProcessLauncher.wait(for: pid)
    }

    @Test func theAgentEndsWithTheLastWindowOrWhenAskedToStop() async throws {
        let pid = try Self.shell()
        defer { Self.end(pid) }
        let root = try TreeRoot(pid: pid)
        #expect(AgentDaemon.wait(for: root, until: Date().addingTimeInterval(0.3), stop: AgentStopRequest()) == .windowOver)
        let stop = AgentStopRequest()
        let waited = Task { await DedicatedThread.valueWithoutThrowing { AgentDaemon.wait(for: root, until: nil, stop: stop) } }
        stop.request()
        #expect(await waited.value == .stopRequested)
    }
}
