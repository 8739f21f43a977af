import IssuerProtocol

/// Where `rolecall login` gets the password, and the new one a first login sets: the terminal (echo
/// off, the new one typed twice), or the lines of standard input (`--password-stdin`: the password,
/// then the new one).
public struct LoginPasswords: Sendable {
    public enum Source: Sendable {
        case terminal(any Terminal)
        case standardInput(readLine: @Sendable () -> String?)
    }

    let source: Source

    public init(_ source: Source) {
        self.source = source
    }

    public func password(for user: String) throws(LoginError) -> String {
        switch source {
        case .standardInput(let readLine):
            return try Self.line(readLine, orSay: "stdin held no password line")
        case .terminal(let terminal):
            guard let password = terminal.askWithoutEcho("Password for \(user): ", limit: 256, exact: true), !password.isEmpty else {
                throw .noPassword()
            }
            return password
        }
    }

    /// The password a first login chooses, checked against the issuer's rules before it is sent.
    public func newPassword() throws(LoginError) -> String {
        let chosen: String
        switch source {
        case .standardInput(let readLine):
            chosen = try Self.line(readLine, orSay: "a new password is needed on the line after the password")
        case .terminal(let terminal):
            let bounds = IssuerAPI.newPasswordBytes
            guard let first = terminal.askWithoutEcho("New password (\(bounds.lowerBound) to \(bounds.upperBound) bytes): ", limit: 256, exact: true),
                  let second = terminal.askWithoutEcho("Again: ", limit: 256, exact: true)
            else { throw .noNewPassword() }
            guard first == second else { throw .newPasswordsDiffer() }
            chosen = first
        }
        if let problem = IssuerAPI.newPasswordProblem(chosen) { throw .newPasswordRefused(problem) }
        return chosen
    }

    /// The next line of standard input, not empty.
    private static func line(_ readLine: @Sendable () -> String?, orSay missing: String) throws(LoginError) -> String {
        guard let line = readLine(), !line.isEmpty else { throw .noPasswordLine(missing) }
        return line
    }
}
