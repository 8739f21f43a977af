import RolesAnywhere

/// How rolecall's commands reach AWS (CreateSession, STS, the federation endpoint). Whatever
/// transport stands behind it keeps its promises: one deadline over the whole exchange, head and
/// body; redirects refused; answers bounded in size.
public enum ClientTransport {
    /// `environment` is the command's (for `HTTPS_PROXY` and `NO_PROXY`); `progress` is told when
    /// a server keeps the command waiting.
    public static func make(deadline: Duration = NIOClientTransport.defaultDeadline, environment: [String: String] = [:],
                            progress: (@Sendable (String) -> Void)? = nil) -> any HTTPTransport {
        NIOClientTransport(.init(deadline: deadline, environment: environment, progress: progress))
    }
}
