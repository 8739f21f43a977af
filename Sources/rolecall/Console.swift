import ArgumentParser
import Foundation
import RolesAnywhere
import Session

/// Printing and the real-world context; the only place the executable touches the process.
enum Console {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func err(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    static func context() -> SessionContext {
        SessionContext(environment: environment, transport: AsyncHTTPClientTransport())
    }

    /// Runs `body`; any error becomes `rolecall: <message>` on stderr and exit status 1.
    static func reportingErrors(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as ExitCode {
            throw error
        } catch let error as CleanExit {
            throw error
        } catch {
            err("rolecall: \(message(for: error))\n")
            throw ExitCode(1)
        }
    }

    /// rolecall's errors describe themselves without secrets; so do the library errors that reach here.
    static func message(for error: any Error) -> String {
        String(describing: error)
    }

    static var isStandardErrorTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}
