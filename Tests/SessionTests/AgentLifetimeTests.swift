import Foundation
@testable import Session
import Testing
import TestSupport

/// What ends an agent: its shell's exit (seen through a pidfd), the end of the last MFA window,
/// or a stop request.
struct AgentLifetimeTests {
    func shell() throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sleep")
        process.arguments = ["30"]
        // Never Foundation's default (a copy of environ taken while other tests' threads may change it).
        process.environment = InheritedEnvironment.variables
        try process.run()
        return process
    }

    @Test func theAgentEndsWithItsShell() async throws {
        let process = try shell()
        let root = try TreeRoot(pid: process.processIdentifier)
        let started = Date()
        let waited = Task.detached { AgentDaemon.wait(for: root, until: nil, stop: AgentStopRequest()) }
        try await Task.sleep(for: .milliseconds(100))
        kill(process.processIdentifier, SIGKILL)
        // The pidfd tells of the exit before anyone reaps the process.
        #expect(await waited.value == .shellExited)
        #expect(Date().timeIntervalSince(started) < 10)
        process.waitUntilExit()
    }

    @Test func theAgentEndsWithTheLastWindowOrWhenAskedToStop() async throws {
        let process = try shell()
        defer { kill(process.processIdentifier, SIGKILL) }
        let root = try TreeRoot(pid: process.processIdentifier)
        #expect(AgentDaemon.wait(for: root, until: Date().addingTimeInterval(0.3), stop: AgentStopRequest()) == .windowOver)
        let stop = AgentStopRequest()
        let waited = Task.detached { AgentDaemon.wait(for: root, until: nil, stop: stop) }
        stop.request()
        #expect(await waited.value == .stopRequested)
    }
}
