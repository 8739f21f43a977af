import ArgumentParser
import CommandLineSupport
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Issuance
import IssuanceCore
import IssuerProtocol
import RolesAnywhere
import Session

struct LoginCommand: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Log in to a team issuer: a login session on disk (never AWS credentials) and a profile per allowed role.",
        discussion: """
        Asks for the password and a TOTP code on the terminal; the first login replaces the one-time \
        password from the administrator with one you choose. Roles that need per-session MFA still \
        ask for a code with every `exec` or `env`: the login session alone cannot get their credentials. \
        Example: rolecall login --issuer https://issuer.example:8443 --user alice --pin-sha256 FP
        """
    )

    @Option(name: .customLong("issuer"), help: "The issuer's https:// URL; repeat for replicas (the next is tried when one cannot be reached). Default: the last login's.")
    var issuers: [String] = []

    @Option(help: "Your user name at the issuer (default: the last login's).")
    var user: String?

    @Option(name: .customLong("pin-sha256"), help: "The SHA-256 fingerprint `rolecall issuer serve` printed; trust only that certificate.")
    var pinSHA256: String?

    @Flag(name: .customLong("password-stdin"), help: "Read the password from the first line of stdin instead of the terminal (and a new one, when asked for, from the second).")
    var passwordStdin = false

    @Flag(name: .customLong("no-mfa"), help: "Log in without a TOTP code (only roles with --mfa off can be used).")
    var noMFA = false

    @Option(help: "Put this before each role's name in the profiles this login writes, e.g. team- (team-dev beside your own dev); \"\" for none. Default: the last login's when --issuer is not given.")
    var prefix: String?

    @OptionGroup var endpoints: EndpointOptions

    @OptionGroup var mfa: MFAOptions

    func validate() throws {
        if noMFA && (mfa.mfaCode != nil || mfa.mfaCommand != nil) { throw ValidationError("give --no-mfa or an MFA code option, not both") }
        do { try TeamLogin.validate(prefix: prefix) } catch { throw ValidationError(error.description) }
    }

    /// What this login uses: the flags, else what the last login remembered.
    private func target(_ context: SessionContext) throws -> IssuerSettings {
        // A fresh home (no directory yet) remembers nothing.
        let remembered = (try? context.loginStore.settings()).flatMap { $0 }
        let urls = issuers.isEmpty ? remembered?.urls ?? [] : issuers
        guard !urls.isEmpty, let user = user ?? remembered?.user else {
            throw LoginError.noEarlierLogin()
        }
        // A pin belongs to the issuer it was given for. A prefix and endpoints are the last
        // login's only for `rolecall login` without --issuer: naming the issuer again (say, back
        // from the emulator to AWS) starts from the flags.
        let again = issuers.isEmpty
        return IssuerSettings(urls: urls, user: user, pinSHA256: pinSHA256 ?? (urls == remembered?.urls ? remembered?.pinSHA256 : nil),
                              profilePrefix: prefix ?? (again ? remembered?.profilePrefix : nil),
                              endpoints: endpoints.given.isEmpty && again ? remembered?.endpoints : endpoints.given)
    }

    func run(_ ctx: CommandContext) async throws {
        try await ctx.reportingErrors {
            let context = ctx.session()
            let target = try target(context)
            let user = target.user
            let passwords = LoginPasswords(passwordStdin ? .standardInput(readLine: ctx.readLine) : .terminal(ctx.terminal))
            let password = try passwords.password(for: user)
            let codes = mfa.source(label: "\(user) at the team issuer")
            let code = noMFA ? nil : try codes.obtain(on: ctx.terminal, environment: ctx.environment)
            let teamLogin = TeamLogin(context: context)
            let result: TeamLogin.Result
            do {
                result = try await teamLogin.login(target, password: password, totp: code)
            } catch let refusal as IssuanceRefusal where refusal.reason == .passwordChangeRequired {
                // The first login replaces the one-time password. The issuer refused before it
                // checked the code, which is still unspent; a prompt or command gives a fresh one
                // all the same (--mfa-code the same one), as typing the new password twice may
                // outlast the code's window.
                guard code != nil else { throw LoginError.firstLoginNeedsCode() }
                ctx.err("The password from your administrator works once: choose your own.\n")
                let newPassword = try passwords.newPassword()
                result = try await teamLogin.login(target, password: password, totp: try codes.obtain(on: ctx.terminal, environment: ctx.environment), newPassword: newPassword)
                ctx.out("Password changed: use the new one from now on.\n")
            }
            ctx.out("Logged in as \(result.login.user) until \(RFC3339.string(from: result.login.expiresAt))\(result.login.mfa ? " (MFA checked)" : "").\n")
            if result.profiles.isEmpty {
                ctx.out("No roles are allowed to \(result.login.user) yet: ask the issuer's administrator (`rolecall issuer role allow`).\n")
            }
            for profile in result.profiles {
                let mode = profile.mfa == .required ? "TOTP code per session" : "no code per session"
                ctx.out("  profile \(profile.name): \(profile.roleArn) (\(mode))\n")
            }
            for name in result.skipped {
                ctx.err("rolecall: warning: a profile of your own is named \(name); the issuer's role of that name was not written: log in with --prefix (e.g. `rolecall login --prefix team-`) to name the issuer's profiles team-\(name) and so on\n")
            }
            for name in result.keptForChains {
                ctx.err("rolecall: warning: this login does not give profile \(name), kept because chained profiles start from it; its sessions will be refused if the role is gone: remove the chained profiles, then \(name)\n")
            }
        }
    }
}

struct LogoutCommand: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "logout",
        abstract: "Delete the team issuer login session (the profiles stay and ask you to log in)."
    )

    func run(_ ctx: CommandContext) async throws {
        try await ctx.reportingErrors {
            let removed = try TeamLogin(context: ctx.session()).logout()
            ctx.out(removed ? "Logged out.\n" : "Not logged in.\n")
        }
    }
}
