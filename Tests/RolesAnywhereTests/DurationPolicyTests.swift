import RolesAnywhere
import Testing

typealias Inputs = SessionDurationPolicy.Inputs

@Suite struct DurationPolicyTests {
    static let accepted: [(String, Inputs, Int)] = [
        ("single-use cert, 1 h login → 3 600", Inputs(loginSecondsLeft: 3600, profileLimitSeconds: 3600), 3600),
        ("no request → default 1 h", Inputs(profileLimitSeconds: 43_200), 3600),
        ("request above profile → profile", Inputs(requestedSeconds: 7200, profileLimitSeconds: 3600), 3600),
        ("role limit below profile", Inputs(requestedSeconds: 7200, profileLimitSeconds: 10_800, roleLimitSeconds: 5400), 5400),
        ("login left is the ceiling", Inputs(requestedSeconds: 7200, loginSecondsLeft: 1000, profileLimitSeconds: 7200), 1000),
        ("exactly the floor", Inputs(requestedSeconds: 900, profileLimitSeconds: 3600), 900),
        ("the default hour, whatever the limits", Inputs(profileLimitSeconds: 90_000, roleLimitSeconds: 90_000), 3600),
        ("12 h asked, 12 h given", Inputs(requestedSeconds: 43_200, profileLimitSeconds: 90_000, roleLimitSeconds: 90_000), 43_200),
        ("login of exactly 900", Inputs(loginSecondsLeft: 900, profileLimitSeconds: 3600), 900),
    ]

    @Test(arguments: accepted)
    func acceptedDurations(name: String, inputs: Inputs, expected: Int) throws {
        #expect(try SessionDurationPolicy.durationSeconds(for: inputs) == expected, "\(name)")
    }

    static let refused: [(String, Inputs, SessionDurationPolicy.Refusal)] = [
        ("request below 900", Inputs(requestedSeconds: 899, profileLimitSeconds: 3600), .requestedBelowMinimum(899)),
        ("request above 12 h is refused, not cut", Inputs(requestedSeconds: 90_000, profileLimitSeconds: 90_000), .requestedAboveMaximum(90_000)),
        ("60 s request (certificate lifetime) is refused, not used", Inputs(requestedSeconds: 60, profileLimitSeconds: 3600), .requestedBelowMinimum(60)),
        ("login nearly over", Inputs(loginSecondsLeft: 899, profileLimitSeconds: 3600), .loginSessionTooShort(secondsLeft: 899)),
        ("login over", Inputs(loginSecondsLeft: -5, profileLimitSeconds: 3600), .loginSessionTooShort(secondsLeft: 0)),
        ("profile limit below floor", Inputs(profileLimitSeconds: 600), .limitBelowMinimum(limit: "profile", seconds: 600)),
        ("role limit below floor", Inputs(profileLimitSeconds: 3600, roleLimitSeconds: 300), .limitBelowMinimum(limit: "role", seconds: 300)),
    ]

    @Test(arguments: refused)
    func refusedDurations(name: String, inputs: Inputs, expected: SessionDurationPolicy.Refusal) {
        #expect(throws: expected, "\(name)") { try SessionDurationPolicy.durationSeconds(for: inputs) }
    }

    @Test func messagesSayWhatToDo() {
        #expect(SessionDurationPolicy.Refusal.loginSessionTooShort(secondsLeft: 100).description.contains("log in again"))
        #expect(SessionDurationPolicy.Refusal.limitBelowMinimum(limit: "role", seconds: 300).description.contains("role limit"))
        #expect(SessionDurationPolicy.Refusal.requestedBelowMinimum(60).description.contains("15m"))
    }
}
