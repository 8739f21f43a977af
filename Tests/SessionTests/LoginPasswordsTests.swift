import Session
import Synchronization
import Testing

/// `rolecall login`'s passwords: from the terminal (the new one typed twice) or from stdin's lines.
struct LoginPasswordsTests {
    /// Someone at the terminal typing `answers` in turn; what they were asked is kept.
    final class Typist: Terminal {
        private let state: Mutex<(answers: [String], questions: [String])>
        init(_ answers: [String]) { state = Mutex((answers, [])) }
        var questions: [String] { state.withLock { $0.questions } }
        var isAvailable: Bool { true }
        func askWithoutEcho(_ question: String, limit: Int, exact: Bool) -> String? {
            state.withLock { state in
                state.questions.append(question)
                return state.answers.isEmpty ? nil : state.answers.removeFirst()
            }
        }
    }

    static func lines(_ lines: [String]) -> @Sendable () -> String? {
        let remaining = Mutex(lines)
        return { remaining.withLock { $0.isEmpty ? nil : $0.removeFirst() } }
    }

    @Test func theTerminalAsksForTheNewPasswordTwice() throws {
        let typist = Typist([" old pass ", "a-new-password-1", "a-new-password-1"])
        let passwords = LoginPasswords(.terminal(typist))
        #expect(try passwords.password(for: "alice") == " old pass ", "a password is taken exactly, spaces and all")
        #expect(try passwords.newPassword() == "a-new-password-1")
        #expect(typist.questions == ["Password for alice: ", "New password (12 to 72 bytes): ", "Again: "])
    }

    @Test func twoDifferentNewPasswordsAreRefused() {
        let passwords = LoginPasswords(.terminal(Typist(["a-new-password-1", "a-new-password-2"])))
        #expect { try passwords.newPassword() } throws: { ($0 as? LoginError)?.code == .newPasswordsDiffer }
    }

    @Test func withoutAnyoneToAskItSaysToUsePasswordStdin() {
        let passwords = LoginPasswords(.terminal(Typist([])))
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
