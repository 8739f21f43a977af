import Foundation
import RolesAnywhere
@testable import Session
import TestSupport
import Testing

/// The agent's socket with real processes: who is inside the tree, who is refused, and what a
/// refusal costs the agent's stderr.
@Suite(.removesTemporaryFiles) struct AgentServerTests {
    /// A root process running `script` with the clients' arguments; killed when the test ends.
    func startRoot(_ script: String, _ scripts: AgentClientScripts) throws -> BackgroundProcess {
        try BackgroundProcess("/bin/sh", [script] + scripts.rootArguments, environment: ["PATH": "/usr/bin:/bin"], directory: scripts.directory)
    }

    func answerLine(of process: BackgroundProcess) async throws -> String {
        try #require(try await process.waitForOutput(matching: "\\{.*\\}", seconds: 60))
    }

    @Test func aGrandchildOfTheRootStartedAfterBindingGetsCredentials() async throws {
        let scripts = try AgentClientScripts()
        let root = try startRoot(scripts.inside, scripts)
        defer { root.kill() }
        let (cache, fake) = agentCache()
        try await AgentFixture.with(root: try TreeRoot(pid: root.pid), boundAt: BootClock.ticks(), provider: { try await cache.credentials(profile: $0) }) { agent in
            try scripts.publish(agent.address)
            try await scripts.openGate()
            let answer = try AgentFixture.answer(try await answerLine(of: root))
            let credentials = try #require(answer["credentials"] as? [String: Any])
            #expect(credentials["AccessKeyId"] as? String == "ASIAFAKE1" && credentials["Version"] as? Int == 1)
            #expect(fake.calls == 1)
            #expect(agent.reports.all.isEmpty)
        }
    }

    @Test func aProcessOutsideTheTreeIsRefusedEvenWithTheToken() async throws {
        let scripts = try AgentClientScripts()
        let root = try startRoot(scripts.inside, scripts)  // waits at the gate for the whole test
        defer { root.kill() }
        let (cache, fake) = agentCache()
        try await AgentFixture.with(root: try TreeRoot(pid: root.pid), boundAt: BootClock.ticks(), provider: { try await cache.credentials(profile: $0) }) { agent in
            try scripts.publish(agent.address)
            // A sibling: the test's own child, not the root's.
            let sibling = try await ProcessRunner.run("/usr/bin/python3", [scripts.client, "dev", scripts.addressFile])
            #expect(try AgentFixture.errorCode(sibling.stdout) == "outside_tree")
            #expect(sibling.stdout.contains("tmux"))
            #expect(fake.calls == 0)
            #expect(agent.reports.all.count == 1)
            #expect(agent.reports.all.first?.contains("outside the agent's tree") == true)
        }
    }

    @Test func aProcessThatWasTheRootsChildBeforeBindingIsOutside() async throws {
        let scripts = try AgentClientScripts()
        let root = try startRoot(scripts.before, scripts)
        defer { root.kill() }
        // The client is already the root's child, waiting at the gate; let the clock pass its start.
        var child: ProcessStat?
        #expect(try await eventually {
            let children = (try? String(contentsOfFile: "/proc/\(root.pid)/task/\(root.pid)/children", encoding: .utf8)) ?? ""
            child = children.split(separator: " ").first.flatMap { pid_t($0) }.flatMap(ProcessStat.of(pid:))
            return child.map { BootClock.ticks() > $0.startTime } ?? false
        })
        let (cache, fake) = agentCache()
        try await AgentFixture.with(root: try TreeRoot(pid: root.pid), boundAt: BootClock.ticks(), provider: { try await cache.credentials(profile: $0) }) { agent in
            try scripts.publish(agent.address)
            try await scripts.openGate()
            #expect(try AgentFixture.errorCode(try await answerLine(of: root)) == "outside_tree")
            #expect(agent.reports.all.first?.contains("already running when the agent started") == true)
            #expect(fake.calls == 0)
        }
    }

    @Test func anotherUserIsRefused() async throws {
        let scripts = try AgentClientScripts()
        let (cache, fake) = agentCache()
        try await AgentFixture.with(root: try TreeRoot(pid: getpid()), boundAt: BootClock.ticks(), provider: { try await cache.credentials(profile: $0) }) { agent in
            try scripts.publish(agent.address)
            // Only so that uid 65534 can reach the socket at all: the agent's own check is under test.
            chmod((agent.directory.path as NSString).deletingLastPathComponent, 0o711)
            chmod(agent.directory.path, 0o711)
            chmod(agent.directory.socketPath, 0o777)
            let other = try await ProcessRunner.run("/usr/bin/setpriv", ["--reuid", "65534", "--regid", "65534", "--clear-groups",
                                                                          "/usr/bin/python3", scripts.client, "dev", scripts.addressFile])
            #expect(try AgentFixture.errorCode(other.stdout) == "other_user", "\(other.stdout) \(other.stderr)")
            #expect(fake.calls == 0)
            #expect(agent.reports.all.first?.contains("uid 65534") == true)
        }
    }

    @Test func aWrongTokenIsRefused() async throws {
        let (cache, fake) = agentCache()
        try await AgentFixture.with(root: try TreeRoot(pid: getpid()), boundAt: BootClock.ticks(), provider: { try await cache.credentials(profile: $0) }) { agent in
            var generator = SystemRandomNumberGenerator()
            let forged = AgentAddress.generate(socketPath: agent.address.socketPath, using: &generator)
            await #expect { try await DedicatedThread.value { try AgentClient.credentials(profile: "dev", address: forged) } } throws: { error in
                guard let error = error as? AgentError else { return false }
                return error.code == .refused && error.answered == .wrongToken && !error.description.contains(forged.token.unsafeStringValue())
            }
            #expect(fake.calls == 0)
            #expect(agent.reports.all.first?.contains("a wrong token") == true)
            // The right token, from the same process (the root itself), is served.
            let served = try await DedicatedThread.value { try AgentClient.credentials(profile: "dev", address: agent.address) }
            #expect(served.accessKeyId == "ASIAFAKE1")
        }
    }

    @Test func twentyConcurrentClientsMakeOneCreateSession() async throws {
        let scripts = try AgentClientScripts()
        let asked = Counter()
        let clock = TestClock()
        let fake = FakeCreateSession(clock: clock)
        let cache = AgentCredentialCache(["dev": AgentCredentialCache.profileCache(windowEnd: clock.now.addingTimeInterval(3600), policyDurationSeconds: 3600,
                                                                                  now: { clock.now }) { duration in
            // CreateSession answers once all 20 have asked, so every one of them finds it under way.
            _ = try await eventually { asked.value == 20 }
            return try await fake.fetch(duration)
        }])
        let provider: AgentServer.Provider = { profile in
            asked.increment()
            return try await cache.credentials(profile: profile)
        }
        try await AgentFixture.with(root: try TreeRoot(pid: getpid()), boundAt: BootClock.ticks(), provider: provider) { agent in
            try scripts.publish(agent.address)
            let keys = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        let run = try await ProcessRunner.run("/usr/bin/python3", [scripts.client, "dev", scripts.addressFile])
                        return (try AgentFixture.answer(run.stdout)["credentials"] as? [String: Any])?["AccessKeyId"] as? String ?? run.stdout
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(keys == Array(repeating: "ASIAFAKE1", count: 20))
            #expect(asked.value == 20 && fake.calls == 1)
        }
    }

    @Test func threeHundredRefusalsCostAtMostThreeLines() async throws {
        let (cache, _) = agentCache()
        let reports = try await AgentFixture.with(root: try TreeRoot(pid: getpid()), boundAt: BootClock.ticks(), provider: { try await cache.credentials(profile: $0) }) { agent in
            var generator = SystemRandomNumberGenerator()
            let forged = AgentAddress.generate(socketPath: agent.address.socketPath, using: &generator)
            try await DedicatedThread.value { for _ in 0..<300 { _ = try? AgentClient.credentials(profile: "dev", address: forged) } }
            #expect(agent.server.refusalCount == 300)
            agent.server.stop()
            return agent.reports
        }
        #expect(reports.all.count <= 3, "\(reports.all)")
        #expect(reports.all.last?.contains("299 more agent requests (300 in all") == true, "\(reports.all)")
    }

    @Test func aPeerThatSendsNothingDoesNotHoldTheAgent() async throws {
        let (cache, _) = agentCache()
        // A long request timeout, so that a busy machine cannot blur "served while the silent one
        // waits" into "served after the silent one was dropped".
        try await AgentFixture.with(root: try TreeRoot(pid: getpid()), boundAt: BootClock.ticks(), requestTimeout: .seconds(20),
                                    provider: { try await cache.credentials(profile: $0) }) { agent in
            let silent = try UnixSocket.connected(to: agent.address.socketPath, timeout: .seconds(40))
            defer { close(silent) }
            let served = try await DedicatedThread.value { try AgentClient.credentials(profile: "dev", address: agent.address) }
            #expect(served.accessKeyId == "ASIAFAKE1")
            var probe: UInt8 = 0
            let pending = recv(silent, &probe, 1, Int32(MSG_DONTWAIT)) < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)
            #expect(pending, "answered while the silent connection still waits")
            // The silent one is told off once its time is up.
            let told = try await DedicatedThread.value {
                var buffer = [UInt8](repeating: 0, count: 512)
                let count = recv(silent, &buffer, buffer.count, 0)
                return String(decoding: buffer[..<max(count, 0)], as: UTF8.self)
            }
            #expect(told.contains("bad_request"))
            #expect(agent.reports.all.first?.contains("sent no request") == true)
        }
    }

    @Test func aClientOfAnEndedAgentIsToldToStartANewOne() async throws {
        let place = try Paths.temporaryDirectory("ended")
        let directory = try AgentDirectory.create(environment: ["TMPDIR": place])
        var generator = SystemRandomNumberGenerator()
        let address = AgentAddress.generate(socketPath: directory.socketPath, using: &generator)
        func expectEnded() {
            #expect { try AgentClient.credentials(profile: "dev", address: address) } throws: { error in
                guard let error = error as? AgentError else { return false }
                return error.code == .agentGone && error.description.contains("it has ended") && error.description.contains("rolecall agent")
            }
        }
        expectEnded()  // no socket at all
        close(try UnixSocket.listening(at: directory.socketPath))
        expectEnded()  // a socket file nobody listens on
        directory.remove()
    }

    /// `agent --stop` and a replacing agent test the old socket as soon as the answer comes: by then it
    /// is gone (the stop's own clean-up, a no-op here, comes later).
    @Test func aStopIsAnsweredOnceTheSocketIsGone() async throws {
        let (cache, _) = agentCache()
        try await AgentFixture.with(root: try TreeRoot(pid: getpid()), boundAt: BootClock.ticks(), provider: { try await cache.credentials(profile: $0) }) { agent in
            let address = agent.address
            try #require(FileManager.default.fileExists(atPath: address.socketPath))
            try await DedicatedThread.value { try AgentClient.stop(address: address) }
            #expect(!FileManager.default.fileExists(atPath: address.socketPath))
        }
    }

    @Test func anAgentThatNeverAnswersIsATimeoutNotAHang() async throws {
        let place = try Paths.temporaryDirectory("mute")
        let directory = try AgentDirectory.create(environment: ["TMPDIR": place])
        defer { directory.remove() }
        let listening = try UnixSocket.listening(at: directory.socketPath)  // connections wait in the backlog, unread
        defer { close(listening) }
        var generator = SystemRandomNumberGenerator()
        let address = AgentAddress.generate(socketPath: directory.socketPath, using: &generator)
        await #expect { try await DedicatedThread.value { try AgentClient.credentials(profile: "dev", address: address, answerTimeout: .milliseconds(300)) } } throws: { error in
            guard let error = error as? AgentError else { return false }
            return error.code == .timedOut && error.description.contains("rolecall agent --stop")
        }
    }

    @Test func anUnknownProfileIsNamedInTheRefusal() async throws {
        let (cache, _) = agentCache()
        try await AgentFixture.with(root: try TreeRoot(pid: getpid()), boundAt: BootClock.ticks(), provider: { try await cache.credentials(profile: $0) }) { agent in
            await #expect { try await DedicatedThread.value { try AgentClient.credentials(profile: "prod", address: agent.address) } } throws: { error in
                guard let error = error as? AgentError else { return false }
                return error.answered == .unknownProfile && error.description.contains("serves dev, not prod")
            }
        }
    }
}
