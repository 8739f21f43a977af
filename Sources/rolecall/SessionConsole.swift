import CommandLineSupport
import HTTPSTransport
import RolesAnywhere
import Session

extension Console {
    /// The real world a command runs in: this process's environment and an HTTPS transport.
    static func context() -> SessionContext {
        var context = SessionContext(environment: environment, transport: ClientTransport.make(environment: environment, progress: { Console.err($0 + "\n") }))
        context.warn = { Console.err($0 + "\n") }
        return context
    }
}
