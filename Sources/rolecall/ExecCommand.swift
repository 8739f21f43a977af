import ArgumentParser
import CommandLineSupport
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RolesAnywhere
import Session

struct ExecCommand: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run a command (default: $SHELL) with fresh AWS credentials in its environment.",
        discussion: """
        One MFA check, a single-use certificate for an in-memory key, one CreateSession; then rolecall \
        replaces itself with COMMAND, so COMMAND's exit status is rolecall's. Example: \
        rolecall exec --profile dev -- aws sts get-caller-identity. COMMAND gets AWS_ACCESS_KEY_ID, \
        AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION, AWS_REGION and \
        AWS_DEFAULT_REGION, ROLECALL_SESSION and ROLECALL_ROLE_ARN, and AWS_ENDPOINT_URL_STS when the \
        profile has an STS endpoint; with --server, AWS_CONTAINER_CREDENTIALS_FULL_URI and \
        AWS_CONTAINER_AUTHORIZATION_TOKEN instead of the keys, and ROLECALL_MFA_WINDOW_END; with --imds, \
        AWS_EC2_METADATA_SERVICE_ENDPOINT. AWS_PROFILE and other credential variables are removed.
        """
    )

    @OptionGroup var selection: SelectionOptions
    @OptionGroup var mfa: MFAOptions
    @OptionGroup var token: TokenOptions

    @Flag(help: "Do not print the line saying which role and until when.")
    var quiet = false

    /// How a supervisor serves COMMAND: one of the two, or neither (rolecall replaces itself).
    enum Served: String, EnumerableFlag {
        case server, imds

        static func help(for value: Served) -> ArgumentHelp? {
            switch value {
            case .server:
                "Stay as a supervisor that keeps the key in locked memory and serves refreshed credentials to COMMAND over a loopback container-credentials endpoint until COMMAND exits (one MFA check per MFA window, set with `profile add --mfa-interval`)."
            case .imds:
                "As --server, but serve EC2's instance metadata protocol (IMDSv2 only) on a loopback port instead, for tools that know no other (AWS_EC2_METADATA_SERVICE_ENDPOINT)."
            }
        }
    }

    @Flag(exclusivity: .exclusive)
    var served: Served?

    /// Everything from the first word that is not rolecall's own, as aws-vault takes it: `exec
    /// --profile dev aws s3 ls --recursive`; `--` before the command still works.
    @Argument(parsing: .captureForPassthrough, help: "The command and its arguments (after -- when they start with a dash).")
    var command: [String] = []

    func validate() throws {
        if selection.profiles.count > 1 {
            switch served {
            case .server?: break
            case .imds?: throw ValidationError("--imds serves one role: give one --profile, or use --server, which serves several")
            case nil: throw ValidationError("several profiles need --server: rolecall exec --server --profile A --profile B -- COMMAND")
            }
        }
        // The passthrough argument takes every word after rolecall's own, `--help` among them.
        if let first = command.first, first == "--help" || first == "-h" { throw CleanExit.helpRequest(self) }
        if let first = command.first, first != "--", first.hasPrefix("-") {
            throw ValidationError("\(printableExcerpt(first, limit: 40)) is not an option of exec: put the command after --, as in rolecall exec --profile dev -- COMMAND")
        }
    }

    /// The command as typed, without the `--` that may stand before it.
    var commandLine: [String] { command.first == "--" ? Array(command.dropFirst()) : command }

    func run(_ ctx: CommandContext) async throws {
        do {
            try ProcessLauncher.preflight(commandLine, path: ctx.environment["PATH"])
        } catch {
            ctx.err("rolecall: \(error.description) (nothing was asked of the issuer)\n")
            throw ExitCode(error.exitCode)
        }
        if let served { return try await runSupervised(served, ctx) }
        var launch: (command: [String], environment: [String: String])?
        try await ctx.reportingErrors {
            let context = token.apply(to: ctx.session(quiet: quiet))
            let started = try await SessionStarter(context: context)
                .start(selection.selection, mfa: mfa.source(label: selection.label))
            let credentials = started.issued.credentials
            if !quiet {
                ctx.err("rolecall: \(started.profile.roleArn) (profile \(started.profile.name)) until \(RFC3339.string(from: credentials.expiration))\n")
            }
            launch = (
                commandLine.isEmpty ? ProcessLauncher.defaultCommand(environment: context.environment) : commandLine,
                SessionEnvironment.child(of: context.environment, adding: started.variables)
            )
            credentials.wipe()
        }
        guard let launch else { return }
        do {
            try ctx.launcher.replace(command: launch.command, environment: launch.environment)
        } catch let error as ProcessLauncher.LaunchError {
            ctx.err("rolecall: \(error.description)\n")
            throw ExitCode(error.exitCode)
        }
    }

    /// `--server` and `--imds`: a supervisor, which stays in this process (it reaps, relays signals
    /// and hardens the process, so its tests start the program).
    private func runSupervised(_ served: Served, _ ctx: CommandContext) async throws {
        var status: Int32 = 0
        try await ctx.reportingErrors {
            let supervisor = Supervisor(starter: SessionStarter(context: token.apply(to: ctx.session(quiet: quiet))), report: { ctx.err($0 + "\n") })
            do {
                status = try await supervisor.run(selection.selections, mfa: mfa.source(label: selection.label),
                                                  command: commandLine, quiet: quiet, served: served == .imds ? .instanceMetadata : .container)
            } catch let error as ProcessLauncher.LaunchError {
                ctx.err("rolecall: \(error.description)\n")
                status = error.exitCode
            }
        }
        throw ExitCode(status)
    }
}
