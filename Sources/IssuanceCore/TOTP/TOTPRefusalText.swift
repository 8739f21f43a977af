/// What a refused TOTP code is told, by the local issuer and the team issuer alike: written once.
public enum TOTPRefusalText {
    public static let wrongCode = "wrong MFA code: check the device's clock and try the next code"
    public static let replayed = "MFA code already used: wait for the next one"

    /// The wrong-code refusal, warning when the next wrong code will lock (`attemptsLeft` is 1).
    public static func wrongCode(attemptsLeft: Int?) -> String {
        guard attemptsLeft == 1 else { return wrongCode }
        return wrongCode + " (one more wrong code locks you out for \(Int(TOTPLockout.firstLockout)) s)"
    }
}
