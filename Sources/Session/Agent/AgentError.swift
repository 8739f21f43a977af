/// What went wrong setting up, serving or asking an agent, with what to do next. Built from paths,
/// profile names and codes only: never from a token or a credential.
public struct AgentError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case malformedAddress, unsafeDirectory, pathTooLong, socketFailed, invalidRoot
        case agentGone, timedOut, noAnswer, refused, malformedAnswer
    }

    public let code: Code
    public let description: String
    /// What the agent answered, when the failure is its refusal.
    public let answered: AgentProtocol.ErrorCode?

    init(code: Code, _ description: String, answered: AgentProtocol.ErrorCode? = nil) {
        self.code = code
        self.description = description
        self.answered = answered
    }

    static let restart = #"start a new one with eval "$(rolecall agent --profile NAME)""#

    static func malformedAddress(_ why: String) -> AgentError {
        .init(code: .malformedAddress, "ROLECALL_AGENT is not an agent's address (\(why)): unset it, or \(restart)")
    }

    static func unsafeDirectory(_ path: String, _ why: String) -> AgentError {
        .init(code: .unsafeDirectory, "refusing the agent directory \(path): \(why); remove it, or set TMPDIR to a directory only you can write")
    }

    static func pathTooLong(_ path: String) -> AgentError {
        .init(code: .pathTooLong, "the agent's socket path \(path) is longer than the \(UnixSocket.maximumPathBytes) bytes a Unix socket's path may have: set TMPDIR to a shorter directory")
    }

    static func socketFailed(_ what: String, _ path: String, errno number: Int32) -> AgentError {
        .init(code: .socketFailed, "cannot \(what) the agent's socket \(path): \(UnixSocket.reason(number))")
    }

    static func invalidRoot(_ why: String) -> AgentError {
        .init(code: .invalidRoot, "the agent cannot be bound to that process: \(why)")
    }

    static func agentGone(_ path: String) -> AgentError {
        .init(code: .agentGone, "no agent answers at \(path): it has ended; \(restart)")
    }

    static func timedOut(_ path: String) -> AgentError {
        .init(code: .timedOut, "the agent at \(path) did not answer in time: stop it with `rolecall agent --stop`, then \(restart)")
    }

    static func noAnswer(_ path: String) -> AgentError {
        .init(code: .noAnswer, "the agent at \(path) closed the connection without an answer: its reason is on the stderr of the shell it serves")
    }

    static func malformedAnswer(_ path: String) -> AgentError {
        .init(code: .malformedAnswer, "the agent at \(path) gave an answer this rolecall cannot read: is it an older or newer rolecall? \(restart)")
    }

    static func refused(_ failure: AgentProtocol.Failure) -> AgentError {
        .init(code: .refused, "the agent refused: \(failure.message)", answered: failure.code)
    }
}
