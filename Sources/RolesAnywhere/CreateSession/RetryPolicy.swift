/// How a caller lets CreateSession try again: jittered exponential backoff, at most 3 attempts,
/// only for throttling, 5xx and connection errors. Ignored for single-use certificates.
public struct RetryPolicy: Sendable {
    public let maximumAttempts: Int
    public let baseDelayMilliseconds: Int

    public static let never = RetryPolicy(uncheckedAttempts: 1, baseDelayMilliseconds: 0)

    public init(maximumAttempts: Int = 3, baseDelayMilliseconds: Int = 200) {
        self.init(uncheckedAttempts: min(max(maximumAttempts, 1), 3), baseDelayMilliseconds: max(baseDelayMilliseconds, 0))
    }

    private init(uncheckedAttempts: Int, baseDelayMilliseconds: Int) {
        self.maximumAttempts = uncheckedAttempts
        self.baseDelayMilliseconds = baseDelayMilliseconds
    }

    /// Full-jitter delay before attempt `attempt` (2, 3, …).
    public func delayMilliseconds(beforeAttempt attempt: Int, random: inout some RandomNumberGenerator) -> Int {
        let ceiling = baseDelayMilliseconds << max(attempt - 2, 0)
        return ceiling == 0 ? 0 : Int.random(in: 0...ceiling, using: &random)
    }
}
