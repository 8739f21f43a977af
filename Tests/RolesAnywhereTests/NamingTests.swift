import RolesAnywhere
import Testing

@Suite struct NamingTests {
    @Test func validARNs() throws {
        let role = try ARN("arn:aws:iam::123456789012:role/team/dev", kind: .role)
        #expect(role.shortName == "dev")
        #expect(role.account == "123456789012")
        let profile = try ARN("arn:aws-us-gov:rolesanywhere:us-gov-west-1:123456789012:profile/abc", kind: .profile)
        #expect(profile.region == "us-gov-west-1")
        _ = try ARN("arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/abc", kind: .trustAnchor)
    }

    static let invalid: [(String, ARN.Kind, String)] = [
        ("arn:aws:iam::12345:role/x", .role, "12 digits"),
        ("arn:aws:iam:us-east-1:123456789012:role/x", .role, "no region"),
        ("arn:aws:s3::123456789012:role/x", .role, "service"),
        ("arn:nope:iam::123456789012:role/x", .role, "partition"),
        ("arn:aws:iam::123456789012:user/x", .role, "role/"),
        ("arn:aws:rolesanywhere::123456789012:profile/x", .profile, "region"),
        ("arn:aws:rolesanywhere:us-east-1:123456789012:profile/x", .trustAnchor, "trust-anchor/"),
        ("role/x", .role, "six fields"),
        ("arn:aws:iam::123456789012:role/with space", .role, "spaces"),
    ]

    @Test(arguments: invalid)
    func invalidARNsSayWhatIsExpected(text: String, kind: ARN.Kind, problem: String) {
        #expect { try ARN(text, kind: kind) } throws: { error in
            let message = "\(error)"
            return message.contains(problem) && message.contains(kind.example)
        }
    }

    @Test(arguments: [("900", 900), ("15m", 900), ("1h", 3600), ("1h30m", 5400), ("90s", 90), ("12h", 43_200), ("2m3s", 123)])
    func durations(text: String, seconds: Int) throws {
        #expect(try DurationText.seconds(text) == seconds)
    }

    @Test(arguments: ["", "1x", "m", "1m1h", "-5", "1h1h", "99999999999999999999h", "1.5h"])
    func badDurations(text: String) {
        #expect(throws: DurationText.Invalid.self) { try DurationText.seconds(text) }
    }

    @Test func formatting() {
        #expect(DurationText.format(3600) == "1h")
        #expect(DurationText.format(5400) == "1h30m")
        #expect(DurationText.format(61) == "1m1s")
    }
}

@Suite struct DurationTextTests {
    @Test(arguments: [("900", 900), ("15m", 900), ("1h30m", 5400), ("12h", 43_200), ("8784h", 31_622_400)])
    func acceptedForms(text: String, seconds: Int) throws {
        #expect(try DurationText.seconds(text) == seconds)
        #expect(try DurationText.seconds(DurationText.format(seconds)) == seconds)
    }

    /// Fuzzing found "58888888888888303": accepted as seconds, but `format` made it longer than the
    /// parser takes. Values beyond a year are now refused.
    @Test(arguments: ["58888888888888303", "31622401", "8785h", "9999999999h", "-1"])
    func absurdDurationsAreRefused(text: String) {
        #expect(throws: DurationText.Invalid.self) { try DurationText.seconds(text) }
    }
}

@Suite struct ARNMessageTests {
    /// Fuzzing found an unknown partition echoed whole, control bytes included.
    @Test func echoedInputIsPrintableAndBounded() {
        let partition = "aws-us-gov" + String(repeating: "\u{1b}[31m\u{7f}é", count: 400)
        for text in ["arn:\(partition):iam::123456789012:role/x", String(repeating: "\u{1b}", count: 5000)] {
            #expect { try ARN(text, kind: .role) } throws: { error in
                let message = "\(error)"
                return message.utf8.count < 600 && !message.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7f }
            }
        }
    }
}
