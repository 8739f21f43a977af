import ArgumentParser
import Foundation
import RolesAnywhere
import Session

struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Log in to a team issuer: a login session on disk (never AWS credentials) and a profile per allowed role.",
        discussion: """
        Asks for the password and a TOTP code on the terminal. Roles that need per-session MFA still \
        ask for a code with every `exec` or `env`: the login session alone cannot get their credentials. \
        Example: rolecall login --issuer https://issuer.example:8443 --user alice --pin-sha256 FP
        """
    )

    @Option(name: .customLong("issuer"), help: "The issuer's https:// URL; repeat for replicas (the next is tried when one cannot be reached).")
    var issuers: [String]

    @Option(help: "Your user name at the issuer.")
    var user: String

    @Option(name: .customLong("pin-sha256"), help: "The SHA-256 fingerprint `rolecall issuer serve` printed; trust only that certificate.")
    var pinSHA256: String?

    @Flag(name: .customLong("password-stdin"), help: "Read the password from the first line of stdin instead of the terminal.")
    var passwordStdin = false

    @Flag(name: .customLong("no-mfa"), help: "Log in without a TOTP code (only roles with --mfa off can be used).")
    var noMFA = false

    @OptionGroup var mfa: MFAOptions

    func validate() throws {
        if noMFA && (mfa.mfaCode != nil || mfa.mfaCommand != nil) { throw ValidationError("give --no-mfa or an MFA code option, not both") }
    }

    func run() async throws {
        try await Console.reportingErrors {
            let password = try readPassword()
            let code = noMFA ? nil : try mfa.source(label: "\(user) at the team issuer").obtain()
            let result = try await TeamLogin(context: Console.context())
                .login(urls: issuers, user: user, password: password, totp: code, pinSHA256: pinSHA256)
            Console.out("Logged in as \(result.login.user) until \(RFC3339.string(from: result.login.expiresAt))\(result.login.mfa ? " (MFA checked)" : "").\n")
            if result.profiles.isEmpty {
                Console.out("No roles are allowed to \(result.login.user) yet: ask the issuer's administrator (`rolecall issuer role allow`).\n")
            }
            for profile in result.profiles {
                let mode = profile.mfa == .required ? "TOTP code per session" : "no code per session"
                Console.out("  profile \(profile.name): \(profile.roleArn) (\(mode))\n")
            }
            for name in result.skipped {
                Console.err("rolecall: warning: a profile of your own is named \(name); the issuer's role of that name was not written\n")
            }
        }
    }

    private func readPassword() throws -> String {
        if passwordStdin {
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw ValidationError("--password-stdin: stdin held no password line")
            }
            return line
        }
        guard let password = TerminalPrompt.askWithoutEcho("Password for \(user): ", limit: 256), !password.isEmpty else {
            throw ValidationError("a password is needed and there is no terminal to ask on: use --password-stdin")
        }
        return password
    }
}

struct LogoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logout",
        abstract: "Delete the team issuer login session (the profiles stay and ask you to log in)."
    )

    func run() async throws {
        try await Console.reportingErrors {
            let removed = try TeamLogin(context: Console.context()).logout()
            Console.out(removed ? "Logged out.\n" : "Not logged in.\n")
        }
    }
}
