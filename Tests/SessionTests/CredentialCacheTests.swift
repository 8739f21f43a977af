import Foundation
import RolesAnywhere
import Session
import Testing

/// A clock the test moves.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_900_000_000)
    var now: Date { lock.withLock { current } }
    func advance(_ seconds: TimeInterval) { lock.withLock { current += seconds } }
}

/// Counts CreateSession calls and answers with credentials lasting the asked duration.
final class FakeCreateSession: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var durations: [Int] = []
    let clock: TestClock
    let delay: Duration
    init(clock: TestClock, delay: Duration = .zero) { self.clock = clock; self.delay = delay }

    func fetch(_ duration: Int) async throws -> AWSCredentials {
        let index = lock.withLock { durations.append(duration); return durations.count }
        try await Task.sleep(for: delay)
        return AWSCredentials(accessKeyId: "ASIAFAKE\(index)", secretAccessKey: SecretBytes("secret\(index)"),
                              sessionToken: SecretBytes("token\(index)"), expiration: clock.now.addingTimeInterval(TimeInterval(duration)))
    }
    var calls: Int { lock.withLock { durations.count } }
}

@Suite struct CredentialCacheTests {
    func body(_ entry: CredentialCache.Entry) throws -> [String: String] {
        try #require(try JSONSerialization.jsonObject(with: Data(entry.body.bytes)) as? [String: String])
    }

    @Test func refreshesBeforeExpiryWithoutAnotherMFACheck() async throws {
        let clock = TestClock()
        let fake = FakeCreateSession(clock: clock)
        let cache = CredentialCache(windowEnd: clock.now.addingTimeInterval(4 * 3600), policyDurationSeconds: 3600, now: { clock.now }, fetch: fake.fetch)
        let first = try await cache.credentials()
        #expect(try body(first)["AccessKeyId"] == "ASIAFAKE1")
        #expect(Set(try body(first).keys) == ["AccessKeyId", "SecretAccessKey", "Token", "Expiration"])
        clock.advance(3000) // 600 s left: more than both 5 minutes and 10 % (360 s)
        #expect(try body(try await cache.credentials())["AccessKeyId"] == "ASIAFAKE1")
        clock.advance(301) // 299 s left: refresh
        let second = try await cache.credentials()
        #expect(try body(second)["AccessKeyId"] == "ASIAFAKE2")
        #expect(second.expiration > first.expiration)
        #expect(fake.calls == 2)
    }

    /// The supervisor keeps its 5 minutes even for credentials shorter than two of them (the
    /// emulator's short AssumeRole sessions); only the agent's 15-minute margin is cut to half the
    /// lifetime, so that 15-minute sessions are not refreshed on every request.
    @Test(arguments: [(CredentialCache.minimumMargin, 305.0, 6.0, true), (900, 900, 400, false), (900, 900, 500, true)])
    func refreshOfShortCredentialsFollowsTheMargin(margin: TimeInterval, lifetime: TimeInterval, elapsed: TimeInterval, refreshed: Bool) async throws {
        let clock = TestClock()
        let calls = Counter()
        let cache = CredentialCache(windowEnd: clock.now.addingTimeInterval(4 * 3600), policyDurationSeconds: 900, margin: margin, now: { clock.now }) { _ in
            let index = calls.increment()
            return AWSCredentials(accessKeyId: "ASIAFAKE\(index)", secretAccessKey: SecretBytes("s"), sessionToken: SecretBytes("t"),
                                  expiration: clock.now.addingTimeInterval(lifetime))
        }
        _ = try await cache.credentials()
        clock.advance(elapsed)
        _ = try await cache.credentials()
        #expect(calls.value == (refreshed ? 2 : 1))
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func increment() -> Int { lock.withLock { count += 1; return count } }
        var value: Int { lock.withLock { count } }
    }

    @Test func tenPercentRuleForLongSessions() async throws {
        let clock = TestClock()
        let fake = FakeCreateSession(clock: clock)
        let cache = CredentialCache(windowEnd: clock.now.addingTimeInterval(43_200), policyDurationSeconds: 10_000, now: { clock.now }, fetch: fake.fetch)
        _ = try await cache.credentials()
        clock.advance(9_050) // 950 s left: above 5 minutes, below 10 % of 10 000 s
        _ = try await cache.credentials()
        #expect(fake.calls == 2)
    }

    @Test func concurrentRequestsShareOneRefresh() async throws {
        let clock = TestClock()
        let fake = FakeCreateSession(clock: clock, delay: .milliseconds(50))
        let cache = CredentialCache(windowEnd: clock.now.addingTimeInterval(3600), policyDurationSeconds: 3600, now: { clock.now }, fetch: fake.fetch)
        try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 { group.addTask { try self.body(try await cache.credentials())["AccessKeyId"] ?? "" } }
            for try await keyId in group { #expect(keyId == "ASIAFAKE1") }
        }
        #expect(fake.calls == 1)
    }

    @Test func sessionsShrinkToFitTheWindow() async throws {
        let clock = TestClock()
        let fake = FakeCreateSession(clock: clock)
        let windowEnd = clock.now.addingTimeInterval(5000)
        let cache = CredentialCache(windowEnd: windowEnd, policyDurationSeconds: 3600, now: { clock.now }, fetch: fake.fetch)
        let first = try await cache.credentials()
        clock.advance(3400) // 200 s left, 1 600 s of window: a session of the window's rest
        let second = try await cache.credentials()
        #expect(fake.durations == [3600, 1600])
        #expect(first.expiration <= windowEnd && second.expiration <= windowEnd)
    }

    @Test func withLessThan900SecondsOfWindowLeftTheCurrentCredentialsServeToTheirEnd() async throws {
        let clock = TestClock()
        let fake = FakeCreateSession(clock: clock)
        let cache = CredentialCache(windowEnd: clock.now.addingTimeInterval(4000), policyDurationSeconds: 3600, now: { clock.now }, fetch: fake.fetch)
        let first = try await cache.credentials()
        clock.advance(3400) // 200 s left in the credentials, 600 s in the window: too little for CreateSession's 900 s
        let served = try await cache.credentials()
        #expect(try body(served)["AccessKeyId"] == "ASIAFAKE1")
        clock.advance(199)
        #expect(try body(try await cache.credentials())["AccessKeyId"] == "ASIAFAKE1")
        clock.advance(1) // the credentials have expired; the window has 400 s left but nothing to serve
        await #expect { try await cache.credentials() } throws: { Self.isWindowOver($0) }
        #expect(fake.durations == [3600], "no CreateSession that would outlive the certificate")
        #expect(first.body.count == 0, "the expired credentials were wiped")
    }

    @Test func aWindowShorterThan900SecondsNeverCallsCreateSession() async throws {
        let clock = TestClock()
        let fake = FakeCreateSession(clock: clock)
        let cache = CredentialCache(windowEnd: clock.now.addingTimeInterval(899), policyDurationSeconds: 3600, now: { clock.now }, fetch: fake.fetch)
        await #expect(throws: CredentialCache.Failure.self) { try await cache.credentials() }
        #expect(fake.calls == 0)
    }

    @Test func afterTheWindowTheAnswerIsWindowOver() async throws {
        let clock = TestClock()
        let fake = FakeCreateSession(clock: clock)
        let cache = CredentialCache(windowEnd: clock.now.addingTimeInterval(3600), policyDurationSeconds: 3600, now: { clock.now }, fetch: fake.fetch)
        let entry = try await cache.credentials()
        clock.advance(3600)
        await #expect { try await cache.credentials() } throws: { error in
            Self.isWindowOver(error) && "\(error)".contains("MFA window") && "\(error)".contains("rolecall exec --server")
        }
        #expect(entry.body.count == 0, "the served credentials were wiped")
        #expect(fake.calls == 1)
    }

    /// The cache's refusal once its MFA window has nothing more to serve.
    static func isWindowOver(_ error: any Error) -> Bool {
        if case .windowOver? = error as? CredentialCache.Failure { true } else { false }
    }
}

@Suite struct MFAWindowMinimumTests {
    /// The shortest window a profile accepts still serves credentials when the first request comes
    /// a little after certification (review finding: 15m left 899 s by then, and nothing was served).
    @Test func theShortestAcceptedWindowServesCredentials() async throws {
        let clock = TestClock()
        let fake = FakeCreateSession(clock: clock)
        let windowEnd = clock.now.addingTimeInterval(TimeInterval(Profile.minimumMFAIntervalSeconds))
        let cache = CredentialCache(windowEnd: windowEnd, policyDurationSeconds: 3600, now: { clock.now }, fetch: fake.fetch)
        clock.advance(30.5)
        _ = try await cache.credentials()
        #expect(fake.calls == 1)
        #expect(fake.durations == [Profile.minimumMFAIntervalSeconds - 31], "as long as the window allows, never past it")
    }

    @Test(arguments: [("15m", false), ("16m", true), ("12h", true), ("13h", false)])
    func profilesAcceptOnlyWindowsThatCanServe(interval: String, accepted: Bool) throws {
        let profile = Profile(name: "p", roleArn: "arn:aws:iam::123456789012:role/r",
                              kind: .localCA(.init(profileArn: "arn:aws:rolesanywhere:us-east-1:123456789012:profile/p",
                                                   trustAnchorArn: "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/t")),
                              mfaVerificationIntervalSeconds: try DurationText.seconds(interval))
        if accepted { try profile.validate() } else { #expect { try profile.validate() } throws: { ($0 as? ConfigError)?.code == .invalidMFAInterval } }
    }
}
