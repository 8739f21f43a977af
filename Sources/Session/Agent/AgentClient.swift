#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RolesAnywhere

/// Asks the agent of this tree for a profile's credentials: `credential-process`, and `exec`,
/// `env` or `console` inside an agent's shell. Never prompts, never waits long.
public enum AgentClient {
    /// Connecting and sending: an agent that is alive accepts at once.
    public static let connectTimeout: Duration = .seconds(2)
    /// The answer: a refresh is one CreateSession, whose HTTPS exchange has a 10 s deadline.
    public static let answerTimeout: Duration = .seconds(20)

    /// The caller owns the credentials it gets, and wipes them when done.
    public static func credentials(profile: String, address: AgentAddress, answerTimeout: Duration = answerTimeout) throws(AgentError) -> AWSCredentials {
        var answer = try exchange(.credentials(profile: profile), address: address, answerTimeout: answerTimeout)
        defer { wipeBytes(&answer) }
        return try read(AgentProtocol.answer(parsing: answer), path: address.socketPath)
    }

    /// Which profiles the agent serves, until when, and its pid (`rolecall status`).
    public static func info(address: AgentAddress) throws(AgentError) -> AgentInfo {
        try read(AgentProtocol.info(parsing: try exchange(.info, address: address, answerTimeout: connectTimeout)), path: address.socketPath)
    }

    /// Asks the agent to end (`agent --stop`, and a new agent replacing this shell's old one).
    public static func stop(address: AgentAddress) throws(AgentError) {
        try read(AgentProtocol.stopped(parsing: try exchange(.stop, address: address, answerTimeout: connectTimeout)), path: address.socketPath)
    }

    private static func read<T>(_ answer: Result<T, AgentProtocol.Failure>?, path: String) throws(AgentError) -> T {
        switch answer {
        case .success(let value)?: return value
        case .failure(let failure)?: throw .refused(failure)
        case nil: throw .malformedAnswer(path)
        }
    }

    /// One request, one answer line (the caller wipes it).
    private static func exchange(_ operation: AgentProtocol.Operation, address: AgentAddress, answerTimeout: Duration) throws(AgentError) -> [UInt8] {
        let path = address.socketPath
        let descriptor = try connect(path)
        defer { close(descriptor) }
        var request = AgentProtocol.requestLine(operation, token: address.token)
        defer { wipeBytes(&request) }
        guard UnixSocket.writeAll(descriptor, request) else { throw .agentGone(path) }
        UnixSocket.setTimeout(descriptor, SO_RCVTIMEO, answerTimeout)
        return try readAnswer(descriptor, path: path)
    }

    private static func connect(_ path: String) throws(AgentError) -> Int32 {
        do {
            return try UnixSocket.connected(to: path, timeout: connectTimeout)
        } catch {
            switch error.errno {
            case ECONNREFUSED, ENOENT, ENOTDIR: throw .agentGone(path)
            case EAGAIN, EWOULDBLOCK, ETIMEDOUT: throw .timedOut(path)
            case ENAMETOOLONG: throw .pathTooLong(path)
            default: throw .socketFailed("connect to", path, errno: error.errno)
            }
        }
    }

    /// One line (the newline dropped); the read gives up once the receive timeout passes.
    private static func readAnswer(_ descriptor: Int32, path: String) throws(AgentError) -> [UInt8] {
        // Credentials with a session token fit easily; room reserved up front, so nothing reallocates.
        let capacity = 4 * AgentProtocol.maximumLineBytes
        var bytes: [UInt8] = []
        bytes.reserveCapacity(capacity)
        while bytes.count < capacity {
            let start = bytes.count
            bytes += repeatElement(0, count: capacity - start)
            let count = bytes.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress! + start, capacity - start, 0) }
            let failure = errno
            bytes.removeLast(capacity - start - max(count, 0))
            if let newline = bytes.firstIndex(of: 0x0A) {
                bytes.removeLast(bytes.count - newline)
                return bytes
            }
            if count < 0, failure == EINTR { continue }
            if count < 0, failure == EAGAIN || failure == EWOULDBLOCK { wipeBytes(&bytes); throw .timedOut(path) }
            if count <= 0 { wipeBytes(&bytes); throw .noAnswer(path) }
        }
        wipeBytes(&bytes)
        throw .malformedAnswer(path)
    }
}
