import Foundation
import RolesAnywhere
@testable import Session
import TestSupport
import Testing
import CSocketDiag

@Suite struct AgentCredentialCacheTests {
    func cache(policy: Int = 3600, window: TimeInterval = 4 * 3600) -> (AgentCredentialCache, FakeCreateSession, TestClock) {
        let clock = TestClock()
        let fake = FakeCreateSession(clock: clock)
        let profile = AgentCredentialCache.profileCache(windowEnd: clock.now.addingTimeInterval(window), policyDurationSeconds: policy,
                                                        now: { clock.now }, fetch: fake.fetch)
        return (AgentCredentialCache(["dev": profile]), fake, clock)
    }

    func keyId(_ entry: CredentialCache.Entry) throws -> String? {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(entry.body.bytes)) as? [String: Any])
        #expect(Set(object.keys) == ["Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"])
        #expect(object["Version"] as? Int == 1)
        return object["AccessKeyId"] as? String
    }

    @Test func cachedWhileMoreThanFifteenMinutesAreLeftThenOneRefresh() async throws {
        let (agent, fake, clock) = cache()
        #expect(try keyId(try await agent.credentials(profile: "dev")) == "ASIAFAKE1")
        clock.advance(2699)  // 901 s left
        #expect(try keyId(try await agent.credentials(profile: "dev")) == "ASIAFAKE1")
        clock.advance(2)  // 899 s left: botocore would re-run credential_process on every call now
        #expect(try keyId(try await agent.credentials(profile: "dev")) == "ASIAFAKE2")
        #expect(fake.calls == 2)
    }

    @Test func fifteenMinuteSessionsAreNotRefreshedOnEveryRequest() async throws {
        let (agent, fake, clock) = cache(policy: 900)
        _ = try await agent.credentials(profile: "dev")
        for _ in 0..<10 {
            clock.advance(30)
            _ = try await agent.credentials(profile: "dev")
        }
        #expect(fake.calls == 1, "300 s into a 900 s session: more than half is left")
        clock.advance(200)  // 400 s left: less than half
        _ = try await agent.credentials(profile: "dev")
        #expect(fake.calls == 2)
    }

    @Test func twentyConcurrentCallersShareOneCreateSession() async throws {
        let clock = TestClock()
        let fake = FakeCreateSession(clock: clock, delay: .milliseconds(200))
        let agent = AgentCredentialCache(["dev": AgentCredentialCache.profileCache(windowEnd: clock.now.addingTimeInterval(3600), policyDurationSeconds: 3600,
                                                                                  now: { clock.now }, fetch: fake.fetch)])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 { group.addTask { _ = try await agent.credentials(profile: "dev") } }
            try await group.waitForAll()
        }
        #expect(fake.calls == 1)
    }

    @Test func anUnknownProfileIsARefusalWithACode() async throws {
        let (agent, _, _) = cache(window: 3600)
        await #expect { try await agent.credentials(profile: "prod") } throws: { error in
            guard let failure = error as? AgentProtocol.Failure else { return false }
            return failure.code == .unknownProfile && failure.message.contains("serves dev, not prod") && failure.message.contains("rolecall agent --profile prod")
        }
        #expect(agent.profiles == ["dev"])
    }

    @Test func theWindowsEndIsARefusalWithACode() async throws {
        let (agent, _, clock) = cache(window: 3600)
        _ = try await agent.credentials(profile: "dev")
        clock.advance(3600)
        await #expect { try await agent.credentials(profile: "dev") } throws: { error in
            guard let failure = error as? AgentProtocol.Failure else { return false }
            return failure.code == .windowOver && failure.message.contains("rolecall agent --profile dev")
        }
    }

    @Test func theSupervisorsMarginIsUnchanged() async throws {
        let clock = TestClock()
        let fake = FakeCreateSession(clock: clock)
        let supervisor = CredentialCache(windowEnd: clock.now.addingTimeInterval(4 * 3600), policyDurationSeconds: 3600, now: { clock.now }, fetch: fake.fetch)
        _ = try await supervisor.credentials()
        clock.advance(3239)  // 361 s left: more than 5 minutes and 10 % (360 s), served
        _ = try await supervisor.credentials()
        #expect(fake.calls == 1)
        clock.advance(2)  // 359 s left: refreshed, well before the agent's 15 minutes would
        _ = try await supervisor.credentials()
        #expect(fake.calls == 2)
    }
}

@Suite struct AgentRefusalReportTests {
    @Test func theFirstInFullThenAtMostOneLineAMinute() {
        let clock = TestClock()
        let lines = ReportedLines()
        let report = BoundedRefusalReport(what: "agent request", now: { clock.now }, report: lines.append)
        report.refuse("pid 1, a wrong token")
        for _ in 0..<100 { report.refuse("pid 2, a wrong token") }
        #expect(lines.all.count == 1)
        clock.advance(60)
        report.refuse("pid 3, outside the agent's tree")
        #expect(lines.all.count == 2)
        #expect(lines.all[1] == "rolecall: refused 101 more agent requests (102 in all; the latest: pid 3, outside the agent's tree)")
        report.refuse("pid 4, a wrong token")
        report.reportRemaining()
        report.reportRemaining()
        #expect(lines.all.count == 3 && lines.all[2].contains("refused 1 more agent request (103 in all"))
        #expect(report.count == 103)
    }
}

@Suite(.serialized) struct AgentPeerTests {
    /// A Python process connected to a listening socket here, and the descriptor accepting it.
    func acceptedPeer() async throws -> (accepted: Int32, peer: BackgroundProcess) {
        let place = try Paths.temporaryDirectory("peer")
        let path = place + "/peer.sock"
        let listening = try UnixSocket.listening(at: path)
        defer { close(listening) }
        let peer = try BackgroundProcess("/usr/bin/python3", ["-c", "import socket, sys, time; s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); time.sleep(60)", path],
                                         environment: [:], directory: place)
        var accepted: Int32 = -1
        guard try await eventually({
            accepted = rolecall_accept_unix(listening)
            return accepted >= 0
        }) else {
            peer.kill()
            throw PeerNotAccepted()
        }
        return (accepted, peer)
    }

    struct PeerNotAccepted: Error {}

    @Test func theKernelNamesThePeer() async throws {
        let (accepted, peer) = try await acceptedPeer()
        defer { close(accepted) }
        defer { peer.kill() }
        #expect(fcntl(accepted, F_GETFD) & FD_CLOEXEC != 0)
        let credentials = try #require(PeerCredentials(socket: accepted))
        #expect(credentials.pid == peer.pid && credentials.uid == geteuid() && credentials.gid == getegid())
    }

    @Test func thePeersPidfdSeesItExit() async throws {
        let (accepted, peer) = try await acceptedPeer()
        defer { close(accepted) }
        defer { peer.kill() }
        let credentials = try #require(PeerCredentials(socket: accepted))
        #expect(credentials.isPinned, "SO_PEERPIDFD: this kernel is 6.5 or later")
        #expect(credentials.isAlive)
        peer.kill()
        #expect(try await eventually { !credentials.isAlive })
    }
}
