import Session
import Synchronization

/// A person at the terminal typing `answers` in turn, and nothing after them; what they were asked is kept.
public final class ScriptedTerminal: Terminal {
    private let state: Mutex<(answers: [String], questions: [String])>

    public init(answers: [String]) { state = Mutex((answers, [])) }

    public var questions: [String] { state.withLock { $0.questions } }
    public var isAvailable: Bool { true }

    public func askWithoutEcho(_ question: String, limit: Int, exact: Bool) -> String? {
        state.withLock { state in
            state.questions.append(question)
            return state.answers.isEmpty ? nil : state.answers.removeFirst()
        }
    }
}
