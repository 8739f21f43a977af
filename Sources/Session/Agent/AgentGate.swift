#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RolesAnywhere

/// Why a connection got no credentials: the line for the agent's report (pids and uids only;
/// nothing the peer chose, such as its command name, which could hold terminal escapes), and the
/// answer the peer gets, if any.
struct AgentRefusal: Sendable {
    let reason: String
    let answer: AgentProtocol.Failure?

    static let unnamedPeer = AgentRefusal(reason: "a connection whose process the kernel would not name (it has exited?)", answer: nil)
    static let tooLong = AgentRefusal(reason: "a request longer than \(AgentProtocol.maximumLineBytes) bytes",
                                      answer: .init(.badRequest, "the request is longer than \(AgentProtocol.maximumLineBytes) bytes"))

    static func timedOut(_ limit: Duration) -> AgentRefusal {
        AgentRefusal(reason: "a connection that sent no request within \(limit)", answer: .init(.badRequest, "no request arrived within \(limit)"))
    }

    static func otherUser(_ peer: PeerCredentials) -> AgentRefusal {
        AgentRefusal(reason: "pid \(peer.pid) of uid \(peer.uid), another user",
                     answer: .init(.otherUser, "this agent belongs to another user: start your own with eval \"$(rolecall agent --profile NAME)\""))
    }

    static func outside(_ peer: PeerCredentials, _ why: ProcessAncestry.Reason) -> AgentRefusal {
        AgentRefusal(reason: "pid \(peer.pid), outside the agent's tree: \(why.rawValue)", answer: .init(.outsideTree, """
            this process does not descend from the shell or command the agent serves (\(why.rawValue)). \
            Programs started by tmux, screen, systemd-run or an already running IDE are outside: run it from the agent's shell
            """))
    }

    static func unreadable(_ peer: PeerCredentials, _ failure: AgentProtocol.Failure) -> AgentRefusal {
        AgentRefusal(reason: "pid \(peer.pid), \(failure.code == .badRequest ? "an unreadable request" : "an unknown operation")", answer: failure)
    }

    static func wrongToken(_ peer: PeerCredentials) -> AgentRefusal {
        AgentRefusal(reason: "pid \(peer.pid), a wrong token", answer: .init(.wrongToken, """
            the token in ROLECALL_AGENT is not this agent's (the agent was replaced, or the variable was copied from elsewhere): \
            \(AgentError.restart)
            """))
    }
}

/// The checks a request passes before the provider sees it, in order: the kernel's word on the
/// peer, this user's uid, the peer's descent from the tree (pinned by its pidfd where the kernel
/// gives one), a readable request, and the token (compared in constant time).
struct AgentGate: Sendable {
    enum Decision {
        case allowed(AgentProtocol.Operation)
        case refused(AgentRefusal)
    }

    let token: SecretBytes
    let root: TreeRoot
    let boundAt: UInt64
    let uid = geteuid()

    func judge(_ request: PendingRequest, line: [UInt8]) -> Decision {
        guard let peer = request.peer else { return .refused(.unnamedPeer) }
        guard peer.uid == uid else { return .refused(.otherUser(peer)) }
        let verdict = ProcessAncestry.verdict(peer: peer.pid, root: root, boundAt: boundAt, acceptedAt: request.acceptedAt)
        if case .outside(let why) = verdict { return .refused(.outside(peer, why)) }
        // After the walk: a peer still running kept its pid throughout, so the walk was about it.
        guard peer.isAlive else { return .refused(.outside(peer, .vanished)) }
        let asked: AgentProtocol.Request
        do {
            asked = try AgentProtocol.request(parsing: line)
        } catch {
            return .refused(.unreadable(peer, error))
        }
        guard SecretBytes(asked.token) == token else { return .refused(.wrongToken(peer)) }
        guard let operation = asked.operation else { return .refused(.unreadable(peer, AgentProtocol.Failure(.badRequest, "an unreadable request"))) }
        return .allowed(operation)
    }
}
