import ArgumentParser
import CommandLineSupport
import Session

struct EnvCommand: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "env",
        abstract: "Print the session's variables for a shell to evaluate.",
        discussion: """
        eval "$(rolecall env --profile dev)"   (bash, zsh, dash)
        rolecall env --profile dev --format fish | source
        rolecall env --profile dev --format powershell | Invoke-Expression
        Only the variables go to stdout; nothing is written to disk.
        """
    )

    @OptionGroup var selection: SelectionOptions
    @OptionGroup var mfa: MFAOptions
    @OptionGroup var token: TokenOptions

    @Option(help: "The shell the lines are for, or json.")
    var format: ShellFormat = .sh

    func validate() throws { try selection.requireOneProfile("env") }

    func run(_ ctx: CommandContext) async throws {
        try await ctx.reportingErrors {
            let started = try await SessionStarter(context: token.apply(to: ctx.session()))
                .start(selection.selection, mfa: mfa.source(label: selection.label))
            ctx.out(format.render(set: started.variables, unset: SessionEnvironment.removed))
            started.issued.credentials.wipe()
        }
    }
}

extension ShellFormat: ExpressibleByArgument {}
