import ArgumentParser
import CommandLineSupport
import Session

struct AgentCommand: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "One MFA check for several profiles, served to credential-process in this shell's process tree until the shell exits.",
        discussion: """
        bash, zsh:  eval "$(rolecall agent --shell-pid $$ --profile dev --profile prod)"
        fish:       rolecall agent --format fish --shell-pid $fish_pid --profile dev --profile prod | source
        Then `aws --profile prod …`, SDKs and kubectl use the profiles' credential_process (rolecall aws-config), \
        and `rolecall exec`, `env` and `console` use the agent, with no second code. The agent keeps keys \
        and credentials in locked memory, writes nothing to disk, and answers only this user's processes \
        that descend from the shell (not programs started by tmux, screen, systemd-run or an IDE already running). \
        It ends when the shell exits, when the last MFA window ends, or on eval "$(rolecall agent --stop)".
        """
    )

    @OptionGroup var selection: SelectionOptions
    @OptionGroup var mfa: MFAOptions
    @OptionGroup var token: TokenOptions

    @Option(help: ArgumentHelp("The shell the lines are for.", valueName: "sh|fish"))
    var format: ShellFormat = .sh

    @Option(name: .customLong("shell-pid"), help: "The shell to serve and end with: $$ in bash and zsh, $fish_pid in fish (default: the parent, when it outlives rolecall).")
    var shellPid: Int32?

    @Flag(help: "Stop this shell's agent, and print the lines that unset its variables.")
    var stop = false

    @Flag(help: "List this user's agents, removing the directories of those that have ended.")
    var list = false

    func validate() throws {
        guard format == .sh || format == .fish else { throw ValidationError("--format is sh or fish for the agent's lines") }
        if stop && list { throw ValidationError("give --stop or --list, not both") }
        if (stop || list) && (!selection.profiles.isEmpty || shellPid != nil) {
            throw ValidationError("--stop and --list take no --profile or --shell-pid")
        }
    }

    func run(_ ctx: CommandContext) async throws {
        try await ctx.reportingErrors {
            if stop { return try stopAgent(ctx) }
            if list { return listAgents(ctx) }
            if let handoff = AgentLaunch.handoff(environment: ctx.environment) { return try await serve(handoff, ctx) }
            try startAgent(ctx)
        }
    }

    /// The front: refuses what would be refused anyway before the agent asks for a code.
    private func startAgent(_ ctx: CommandContext) throws {
        let boundAt = BootClock.ticks()
        let environment = ctx.environment
        if ctx.output.outputIsTerminal {
            throw ValidationError("""
                the agent's lines hold its token: they are for eval, not for the terminal. Run
                  eval "$(rolecall agent --shell-pid $$\(profileArguments))"
                  rolecall agent --format fish --shell-pid $fish_pid\(profileArguments) | source
                """)
        }
        let starter = SessionStarter(context: ctx.session())
        try starter.refuseNesting()
        // Without --profile, the usual selection; when it names none, a usage error before any code.
        if selection.profiles.isEmpty, selection.awsRole == nil {
            do {
                _ = try starter.profile(for: selection.selection)
            } catch {
                ctx.err("rolecall: \(error); give the agent's profiles with --profile NAME (several may be given)\n")
                throw ExitCode(2)
            }
        }
        let root = try AgentLaunch.root(shellPid: shellPid)
        switch try AgentLaunch.start(arguments: Array(CommandLine.arguments.dropFirst()), environment: environment, root: root, boundAt: boundAt) {
        case .ready(let lines):
            // Running eval again replaces this shell's old agent.
            if let old = environment[AgentAddress.variable].flatMap({ try? AgentAddress(parsing: $0) }) { try? AgentClient.stop(address: old) }
            ctx.out(lines)
        case .failed(let status):
            throw ExitCode(status)
        }
    }

    private var profileArguments: String {
        selection.profiles.map { name in
            " --profile " + (name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) } ? name : ShellFormat.posixQuoted(name))
        }.joined()
    }

    /// The agent process itself.
    private func serve(_ handoff: AgentLaunch.Handoff, _ ctx: CommandContext) async throws {
        let context = token.apply(to: ctx.session())
        let daemon = AgentDaemon(starter: SessionStarter(context: context), report: { ctx.err($0 + "\n") })
        _ = try await daemon.run(selection.selections, mfa: mfa.source(label: selection.label), handoff: handoff, format: format)
    }

    private func stopAgent(_ ctx: CommandContext) throws {
        let environment = ctx.environment
        let unset = format.render(set: [], unset: [AgentAddress.variable, PromptSegment.agentProfilesVariable, SessionEnvironment.mfaWindowVariable])
        guard let value = environment[AgentAddress.variable], !value.isEmpty else {
            ctx.err("rolecall: no agent serves this shell (ROLECALL_AGENT is not set)\n")
            return ctx.out(unset)
        }
        do {
            try AgentClient.stop(address: try AgentAddress(parsing: value))
            ctx.err("rolecall: the agent stopped\n")
        } catch where error.code == .agentGone {
            ctx.err("rolecall: the agent had already ended\n")
        }
        ctx.out(unset)
    }

    private func listAgents(_ ctx: CommandContext) {
        let environment = ctx.environment
        for removed in AgentDirectory.removeStale(environment: environment) {
            ctx.err("rolecall: removed \(removed.path), left by an agent that ended\n")
        }
        let own = environment[AgentAddress.variable].flatMap { try? AgentAddress(parsing: $0) }?.socketPath
        let live = AgentDirectory.live(environment: environment)
        if live.isEmpty { ctx.err("rolecall: no agent of yours is running\n") }
        for agent in live {
            ctx.out(agent.directory.socketPath + (agent.pid.map { " pid \($0)" } ?? "") + (agent.directory.socketPath == own ? " (this shell's)" : "") + "\n")
        }
    }
}
