import CommandLineSupport
import HTTPSTransport
import RolesAnywhere
import Session

extension Console {
    /// The real world a command runs in: this process's environment and an HTTPS transport, which
    /// says on stderr when a server keeps it waiting, unless `quiet`.
    static func context(quiet: Bool = false) -> SessionContext {
        let progress: (@Sendable (String) -> Void)? = quiet ? nil : { @Sendable line in
            if ForegroundWaits.areShown { Console.err(line + "\n") }
        }
        var context = SessionContext(environment: environment, transport: ClientTransport.make(environment: environment, progress: progress))
        context.warn = { Console.err($0 + "\n") }
        context.progress = progress
        return context
    }
}
