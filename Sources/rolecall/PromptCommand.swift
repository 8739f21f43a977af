import ArgumentParser
import CommandLineSupport
import Session

struct PromptCommand: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "prompt",
        abstract: "Print a short prompt segment (`dev 42m`) inside a session or an agent's shell; nothing outside.",
        discussion: """
        Reads the environment only (ROLECALL_SESSION, ROLECALL_AGENT_PROFILES, ROLECALL_MFA_WINDOW_END, \
        AWS_CREDENTIAL_EXPIRATION): no network, no files. rolecall never changes PS1 itself. \
        bash and zsh: PS1='$(rolecall prompt) '"$PS1"; fish: call it from fish_prompt; starship: a \
        custom module with command = "rolecall prompt" and when = "rolecall prompt | grep -q .".
        """
    )

    func run(_ ctx: CommandContext) async throws {
        let segment = PromptSegment.text(environment: ctx.environment, now: ctx.now())
        if !segment.isEmpty { ctx.out(segment + "\n") }
    }
}
