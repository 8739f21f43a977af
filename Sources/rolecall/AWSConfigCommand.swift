import ArgumentParser
import CommandLineSupport
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Session

struct AWSConfigCommand: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "aws-config",
        abstract: "Print ~/.aws/config blocks for rolecall's profiles (never edits the file)."
    )

    @Option(help: "Only this profile.", completion: Completions.profileNames)
    var profile: String?

    func run(_ ctx: CommandContext) async throws {
        try await ctx.reportingErrors {
            let config = ctx.session().config
            let all = try config.profiles()
            let profiles = try profile.map { [try config.profile(named: $0)] } ?? all
            ctx.out(AWSConfigOutput.render(profiles: profiles, all: all, executable: Self.executable(ctx)))
        }
    }

    /// `rolecall` when PATH finds this very program under that name (the config then survives a
    /// reinstall elsewhere on PATH), else its resolved path.
    static func executable(_ ctx: CommandContext) -> String {
        let path = ctx.programPath()
        guard let found = try? ProcessLauncher.resolve("rolecall", path: ctx.environment["PATH"]),
              URL(fileURLWithPath: found).resolvingSymlinksInPath().path == URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        else { return path }
        return "rolecall"
    }
}
