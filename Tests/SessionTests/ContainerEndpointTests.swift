import Foundation
import RolesAnywhere
import Session
import Testing
import TestSupport

/// The container-credentials endpoint's guards, in-process, with curl as the client.
@Suite(.removesTemporaryFiles) struct ContainerEndpointTests {
    final class Reports: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func add(_ line: String) { lock.withLock { lines.append(line) } }
        var all: [String] { lock.withLock { lines } }
    }

    func start(windowSeconds: TimeInterval = 3600, clock: TestClock = TestClock()) async throws -> (ContainerCredentialsEndpoint, String, Task<Void, any Error>, Reports) {
        let fake = FakeCreateSession(clock: clock)
        let cache = CredentialCache(windowEnd: clock.now.addingTimeInterval(windowSeconds), policyDurationSeconds: 3600, now: { clock.now }, fetch: fake.fetch)
        let reports = Reports()
        let endpoint = ContainerCredentialsEndpoint(cache: cache, now: { clock.now }, report: { reports.add($0) })
        let (urls, continuation) = AsyncStream.makeStream(of: String.self)
        let task = Task { try await endpoint.run { continuation.yield($0) } }
        var iterator = urls.makeAsyncIterator()
        return (endpoint, try #require(await iterator.next()), task, reports)
    }

    func curl(_ arguments: [String]) async throws -> (code: String, body: String) {
        let outcome = try await ProcessRunner.run("curl", ["-s", "-w", "\n%{http_code}", "--max-time", "20"] + arguments)
        let lines = outcome.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (String(lines.last ?? ""), lines.dropLast().joined(separator: "\n"))
    }

    @Test func servesCredentialsToTheExactToken() async throws {
        let (endpoint, uri, task, _) = try await start()
        defer { task.cancel() }
        #expect(uri.hasPrefix("http://127.0.0.1:"))
        let token = endpoint.token.unsafeStringValue()
        #expect(token.count == 64)
        let good = try await curl(["-H", "Authorization: \(token)", uri])
        #expect(good.code == "200")
        #expect(good.body.contains("\"AccessKeyId\":\"ASIAFAKE1\""))
    }

    /// The answers to no token, a wrong one, another path, another Host and a POST, in that order.
    func refusedRequests(_ endpoint: ContainerCredentialsEndpoint, _ uri: String) async throws -> [String] {
        let token = endpoint.token.unsafeStringValue()
        let wrong = token.dropLast() + (token.hasSuffix("0") ? "1" : "0")
        return [
            try await curl([uri]).code,
            try await curl(["-H", "Authorization: \(wrong)", uri]).code,
            try await curl(["-H", "Authorization: \(token)", uri + "x"]).code,
            try await curl(["-H", "Authorization: \(token)", "-H", "Host: attacker.example:80", uri]).code,
            try await curl(["-X", "POST", "-H", "Authorization: \(token)", uri]).code,
        ]
    }

    @Test func refusesAnyOtherTokenHostOrPath() async throws {
        let (endpoint, uri, task, _) = try await start()
        defer { task.cancel() }
        let codes = try await refusedRequests(endpoint, uri)
        #expect(codes.prefix(4) == ["401", "401", "404", "403"], "\(codes)")
        #expect(codes.last != "200")
    }

    @Test func refusalsAreReportedOnceThenSummedUpWithoutTheToken() async throws {
        let (endpoint, uri, task, reports) = try await start()
        defer { task.cancel() }
        _ = try await refusedRequests(endpoint, uri)
        #expect(endpoint.refusalCount >= 4)
        endpoint.reportRemainingRefusals()
        #expect(reports.all.count == 2, "the first, then the rest summed up: \(reports.all)")
        #expect(reports.all.allSatisfy { !$0.contains(endpoint.token.unsafeStringValue()) })
    }

    /// A client on a dual-stack IPv6 socket (as Java and .NET open them) is told by tcp6's table.
    @Test func aDualStackClientIsAnswered() async throws {
        let (endpoint, uri, task, _) = try await start()
        defer { task.cancel() }
        let port = try #require(URLComponents(string: uri)?.port)
        let mapped = uri.replacingOccurrences(of: "127.0.0.1", with: "[::ffff:127.0.0.1]")
        let answer = try await curl(["-H", "Authorization: \(endpoint.token.unsafeStringValue())", "-H", "Host: 127.0.0.1:\(port)", mapped])
        #expect(answer.code == "200", "\(answer)")
    }

    /// Behind the token, as defence in depth: a process of another user is refused even with it.
    @Test(.enabled(if: getuid() == 0, "setpriv --reuid needs root"))
    func anotherUsersProcessIsRefusedEvenWithTheToken() async throws {
        let (endpoint, uri, task, reports) = try await start()
        defer { task.cancel() }
        let token = endpoint.token.unsafeStringValue()
        let outcome = try await ProcessRunner.run("setpriv", ["--reuid", "65534", "--regid", "65534", "--clear-groups",
                                                              "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: \(token)", uri])
        #expect(outcome.stdout == "403", "\(outcome.stdout) \(outcome.stderr)")
        #expect(reports.all.contains { $0.contains("another user (uid 65534)") })
        #expect(try await curl(["-H", "Authorization: \(token)", uri]).code == "200")
    }

    /// Any process on the machine can connect: another user's refusals cost the supervisor's stderr
    /// the first line, then at most one a minute, then one when the session ends (issue 22).
    @Test(.enabled(if: getuid() == 0, "setpriv --reuid needs root"))
    func anotherUsersRefusalsCostABoundedNumberOfLines() async throws {
        let clock = TestClock()
        let (endpoint, uri, task, reports) = try await start(clock: clock)
        defer { task.cancel() }
        func knock(_ times: Int) async throws {
            // One connection, kept alive for every request (as a flood would be); each body is `{"message":"refused"}`.
            let outcome = try await ProcessRunner.run("setpriv", ["--reuid", "65534", "--regid", "65534", "--clear-groups", "curl", "-s",
                                                                  "-w", "%{http_code}\n"] + Array(repeating: uri, count: times))
            #expect(outcome.stdout.split(separator: "\n").filter { $0.hasSuffix("refused\"}403") }.count == times, "\(outcome.stderr)")
        }
        try await knock(300)
        #expect(endpoint.refusalCount == 300)
        #expect(reports.all == ["rolecall: refused one credential request (a connection from another user (uid 65534), HTTP 403); further refusals are summed up at most once a minute and when the session ends"])
        clock.advance(59)
        try await knock(10)
        #expect(reports.all.count == 1)
        clock.advance(1)
        try await knock(1)
        #expect(reports.all.count == 2)
        #expect(reports.all.last == "rolecall: refused 310 more credential requests (311 in all; the latest: a connection from another user (uid 65534), HTTP 403)")
        try await knock(5)
        endpoint.reportRemainingRefusals()
        #expect(reports.all.count == 3)
        #expect(reports.all.last?.hasPrefix("rolecall: refused 5 more credential requests (316 in all;") == true)
        endpoint.reportRemainingRefusals()
        #expect(reports.all.count == 3, "nothing left to report")
    }

    /// A POST with a body, a PUT, a DELETE, a POST to another path and one without token or path.
    func otherMethods(_ endpoint: ContainerCredentialsEndpoint, _ uri: String) async throws -> [(code: String, body: String)] {
        let token = endpoint.token.unsafeStringValue()
        return [
            try await curl(["-X", "POST", "-H", "Authorization: \(token)", "--data", "x=1", uri]),
            try await curl(["-X", "PUT", "-H", "Authorization: \(token)", uri]),
            try await curl(["-X", "DELETE", "-H", "Authorization: \(token)", uri]),
            try await curl(["-X", "POST", "-H", "Authorization: \(token)", uri + "/other"]),
            try await curl(["-X", "POST", "http://127.0.0.1:\(URLComponents(string: uri)?.port ?? 0)/"]),
        ]
    }

    @Test func otherMethodsAreRefused() async throws {
        let (endpoint, uri, task, _) = try await start()
        defer { task.cancel() }
        let answers = try await otherMethods(endpoint, uri)
        #expect(answers.map(\.code) == ["405", "405", "405", "404", "404"])
        #expect(answers[0].body.contains("refused") && !answers[0].body.contains("AccessKeyId"))
    }

    @Test func theEndpointSumsUpTheRefusedMethods() async throws {
        let (endpoint, uri, task, reports) = try await start()
        defer { task.cancel() }
        _ = try await otherMethods(endpoint, uri)
        #expect(endpoint.refusalCount == 5)
        endpoint.reportRemainingRefusals()
        #expect(reports.all == ["rolecall: refused one credential request (method POST, not GET, HTTP 405); further refusals are summed up at most once a minute and when the session ends",
                                "rolecall: refused 4 more credential requests (5 in all; the latest: an unknown path, HTTP 404)"])
    }

    /// A local process trickling a request a byte at a time is cut off after 10 s.
    @Test(arguments: ["headers", "body"])
    func aTrickledRequestIsCutOffAfterTenSeconds(part: String) async throws {
        let (_, uri, task, _) = try await start()
        defer { task.cancel() }
        let port = try #require(URLComponents(string: uri)?.port)
        let closedAfter = try #require(try await Python.trickle(port: port, tls: false, part: part), "still open after 30 s")
        #expect(closedAfter >= 9 && closedAfter < 20, "closed after \(closedAfter) s")
    }

    @Test func bindsLoopbackOnly() async throws {
        let (_, uri, task, _) = try await start()
        defer { task.cancel() }
        let port = try #require(URLComponents(string: uri)?.port)
        let listening = try await ProcessRunner.run("ss", ["-Hltn", "sport = :\(port)"])
        #expect(listening.stdout.contains("127.0.0.1:\(port)"))
        #expect(!listening.stdout.contains("0.0.0.0:\(port)") && !listening.stdout.contains("*:\(port)"))
        // Another address of this machine, if it has one, cannot reach the port.
        let addresses = try await ProcessRunner.run("hostname", ["-I"])
        if let other = addresses.stdout.split(separator: " ").first(where: { !$0.hasPrefix("127.") && !$0.contains(":") }) {
            let refused = try await curl(["--connect-timeout", "1", "http://\(other):\(port)/"])
            #expect(refused.code == "000")
        }
    }

    @Test func afterTheMFAWindowTheEndpointAnswers503() async throws {
        let clock = TestClock()
        let (endpoint, uri, task, _) = try await start(windowSeconds: 60, clock: clock)
        defer { task.cancel() }
        clock.advance(61)
        let answer = try await curl(["-H", "Authorization: \(endpoint.token.unsafeStringValue())", uri])
        #expect(answer.code == "503")
        #expect(answer.body.contains("MFA window"))
    }
}
