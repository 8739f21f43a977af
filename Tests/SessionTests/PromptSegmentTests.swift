import Foundation
import RolesAnywhere
import Session
import Testing

/// `rolecall prompt`'s segment, from the environment alone.
struct PromptSegmentTests {
    static let now = Date(timeIntervalSince1970: 1_900_000_000)

    static func at(_ seconds: TimeInterval) -> String { RFC3339.string(from: now.addingTimeInterval(seconds)) }

    @Test(arguments: [
        ([:], ""),
        (["ROLECALL_SESSION": "dev"], "dev"),
        (["ROLECALL_SESSION": "dev", "AWS_CREDENTIAL_EXPIRATION": at(42 * 60 + 30)], "dev 42m"),
        (["ROLECALL_SESSION": "dev", "AWS_CREDENTIAL_EXPIRATION": at(3600 + 5 * 60)], "dev 1h05m"),
        (["ROLECALL_SESSION": "dev", "AWS_CREDENTIAL_EXPIRATION": at(2 * 3600)], "dev 2h"),
        (["ROLECALL_SESSION": "dev", "AWS_CREDENTIAL_EXPIRATION": at(20)], "dev <1m"),
        (["ROLECALL_SESSION": "dev", "AWS_CREDENTIAL_EXPIRATION": at(-5)], "dev expired"),
        // exec --server: the MFA window, not the credentials, ends the session.
        (["ROLECALL_SESSION": "dev", "ROLECALL_MFA_WINDOW_END": at(8 * 3600), "AWS_CREDENTIAL_EXPIRATION": at(900)], "dev 8h"),
        (["ROLECALL_AGENT_PROFILES": "dev,prod", "ROLECALL_MFA_WINDOW_END": at(42 * 60)], "dev,prod 42m"),
        (["ROLECALL_SESSION": "arn:aws:iam::123456789012:role/team/deploy"], "deploy"),
        // Nothing a terminal would act on reaches the prompt.
        (["ROLECALL_SESSION": "dev\u{1b}]0;pwned\u{07}"], "dev0pwned"),
    ])
    func segment(environment: [String: String], expected: String) {
        #expect(PromptSegment.text(environment: environment, now: Self.now) == expected)
    }
}
