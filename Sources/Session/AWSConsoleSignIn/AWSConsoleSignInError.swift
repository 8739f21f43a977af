/// Why `rolecall console` could not sign in to the AWS console, with what to do next. Names
/// endpoints and browser commands only: never the sign-in URL (it holds a sign-in token).
public struct AWSConsoleSignInError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable { case unknownPartition, refused, redirectDidNotStart, browserDidNotStart, browserFailed, browserTimedOut }

    public let code: Code
    public let description: String

    init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }

    private static let printInstead = "run `rolecall console --print` and open the URL yourself"

    static func unknownPartition(_ partition: String, variable: String) -> AWSConsoleSignInError {
        .init(.unknownPartition, "the \(partition) partition has no console sign-in rolecall knows: give the profile its federation endpoint (`--signin-endpoint URL`), or set \(variable)")
    }

    static func refused(_ federation: String, status: Int) -> AWSConsoleSignInError {
        .init(.refused, "the federation endpoint \(federation) refused the session's credentials (HTTP \(status)): the role may not allow console sign-in")
    }

    static func redirectDidNotStart() -> AWSConsoleSignInError {
        .init(.redirectDidNotStart, "the one-time sign-in redirect did not start: \(printInstead)")
    }

    static func browserDidNotStart(_ browser: [String], _ error: any Error) -> AWSConsoleSignInError {
        .init(.browserDidNotStart, "could not start the browser (\(browser.joined(separator: " "))): \(error); set $BROWSER, or \(printInstead)")
    }

    static func browserFailed(_ browser: [String], status: Int32) -> AWSConsoleSignInError {
        .init(.browserFailed, "the browser (\(browser.joined(separator: " "))) exited with status \(status) without opening the page: set $BROWSER, or \(printInstead)")
    }

    static func browserTimedOut(seconds: Int64) -> AWSConsoleSignInError {
        .init(.browserTimedOut, "the browser did not open the sign-in page within \(seconds) s: \(printInstead)")
    }
}
