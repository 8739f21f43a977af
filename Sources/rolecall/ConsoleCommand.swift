import ArgumentParser
import CommandLineSupport
import Session

struct ConsoleCommand: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Open the AWS console in the browser as the profile's role (one MFA check).",
        discussion: """
        The session's credentials become a console sign-in through AWS's federation endpoint; the \
        browser gets a one-time loopback URL that redirects to the sign-in URL, so the sign-in token \
        is in no process's arguments. The sign-in URL works for 15 minutes; the console session lasts \
        as long as the credentials (--duration, at most 12h). With --print, only the URL is printed. \
        The federation endpoint: the profile's --signin-endpoint, else $ROLECALL_SIGNIN_ENDPOINT (the \
        emulator's is http://127.0.0.1:PORT/federation), else AWS's for the role's partition.
        """
    )

    @OptionGroup var selection: SelectionOptions
    @OptionGroup var mfa: MFAOptions
    @OptionGroup var token: TokenOptions

    @Option(help: "The console page to open (default: the console home of the profile's region).")
    var destination: String?

    @Flag(help: "Print the sign-in URL on stdout instead of opening the browser (it is a secret for 15 minutes).")
    var print = false

    func validate() throws {
        try selection.requireOneProfile("console")
        if let destination, !(destination.hasPrefix("https://") || destination.hasPrefix("http://")) {
            throw ValidationError("--destination must be an http(s) URL, e.g. https://console.aws.amazon.com/s3/home")
        }
    }

    func run(_ ctx: CommandContext) async throws {
        try await ctx.reportingErrors {
            let context = token.apply(to: ctx.session())
            let starter = SessionStarter(context: context)
            let signIn = AWSConsoleSignIn(context: context)
            // A role the console cannot sign in to is refused before the MFA code is spent.
            let profile = try starter.profile(for: selection.selection)
            try signIn.checkSignInPossible(roleArn: profile.roleArn, signinEndpoint: try starter.endpoints(of: profile).signin)
            let started = try await starter.start(selection.selection, mfa: mfa.source(label: selection.label))
            let credentials = started.issued.credentials
            defer { credentials.wipe() }
            let url = try await signIn.signInURL(credentials: credentials, roleArn: started.profile.roleArn,
                                                 region: started.issued.region, destination: destination, chained: started.profile.kind.chain != nil,
                                                 signinEndpoint: started.endpoints.signin)
            if print {
                ctx.out(url.unsafeStringValue() + "\n")
                url.wipe()
                return
            }
            try await signIn.openInBrowser(url)
            ctx.err("rolecall: console opened as \(started.profile.roleArn) (profile \(started.profile.name))\n")
        }
    }
}
