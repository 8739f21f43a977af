import RolesAnywhere

/// How rolecall's commands reach AWS (CreateSession, STS, the federation endpoint). Whatever
/// transport stands behind it keeps its promises: one deadline over the whole exchange, head and
/// body; redirects refused; answers bounded in size.
public enum ClientTransport {
    public static func make(deadline: Duration = AsyncHTTPClientTransport.defaultDeadline) -> any HTTPTransport {
        AsyncHTTPClientTransport(deadline: deadline)
    }
}
