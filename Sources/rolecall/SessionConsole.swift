import CommandLineSupport
import HTTPSTransport
import RolesAnywhere
import Session

extension Console {
    /// The real world a command runs in: this process's environment and an HTTPS transport.
    static func context() -> SessionContext {
        SessionContext(environment: environment, transport: AsyncHTTPClientTransport())
    }
}
