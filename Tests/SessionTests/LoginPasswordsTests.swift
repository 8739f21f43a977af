import Session
import Synchronization
import Testing
import TestSupport

/// `rolecall login`'s passwords: from the terminal (the new one typed twice) or from stdin's lines.
struct LoginPasswordsTests {
    static func lines(_ lines: [String]) -> @Sendable () -> String? {
        let remaining = Mutex(lines)
        return { remaining.withLock { $0.isEmpty ? nil : $0.removeFirst() } }
    }

    @Test func theTerminalAsksForTheNewPasswordTwice() throws {
        let typist = ScriptedTerminal(answers: [" old pass ", "a-new-password-1", "a-new-password-1"])
        let passwords = LoginPasswords(.terminal(typist))
        #expect(try passwords.password(for: "alice") == " old pass ", "a password is taken exactly, spaces and all")
        #expect(try passwords.newPassword() == "a-new-password-1")
        #expect(typist.questions == ["Password for alice: ", "New password (12 to 72 bytes): ", "Again: "])
    }

    @Test func twoDifferentNewPasswordsAreRefused() {
        let passwords = LoginPasswords(.terminal(ScriptedTerminal(answers: ["a-new-password-1", "a-new-password-2"])))
        #expect { try passwords.newPassword() } throws: { ($0 as? LoginError)?.code == .newPasswordsDiffer }
    }

    @Test func withoutAnyoneToAskItSaysToUsePasswordStdin() {
        let passwords = LoginPasswords(.terminal(ScriptedTerminal(answers: [])))
        #expect { try passwords.password(for: "alice") } throws: { error in
            (error as? LoginError)?.code == .noPassword && "\(error)".contains("--password-stdin")
        }
        #expect { try passwords.newPassword() } throws: { ($0 as? LoginError)?.code == .noNewPassword }
    }

    @Test func standardInputGivesThePasswordThenTheNewOne() throws {
        let passwords = LoginPasswords(.standardInput(readLine: Self.lines(["one-time", "my-own-password"])))
        #expect(try passwords.password(for: "alice") == "one-time")
        #expect(try passwords.newPassword() == "my-own-password")
    }

    @Test func aMissingLineOnStandardInputSaysWhichOne() throws {
        let passwords = LoginPasswords(.standardInput(readLine: Self.lines(["one-time"])))
        #expect(try passwords.password(for: "alice") == "one-time")
        #expect { try passwords.newPassword() } throws: { error in
            (error as? LoginError)?.code == .noPasswordLine && "\(error)".contains("the line after the password")
        }
    }

    @Test func aNewPasswordOutsideTheIssuersRulesIsRefusedBeforeItIsSent() {
        let short = LoginPasswords(.standardInput(readLine: Self.lines(["short"])))
        #expect { try short.newPassword() } throws: { error in
            (error as? LoginError)?.code == .newPasswordRefused && !"\(error)".contains("short")
        }
    }
}
