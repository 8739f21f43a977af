import ArgumentParser
import CommandLineSupport
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Session

struct AWSConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aws-config",
        abstract: "Print ~/.aws/config blocks for rolecall's profiles (never edits the file)."
    )

    @Option(help: "Only this profile.", completion: Completions.profileNames)
    var profile: String?

    func run() async throws {
        try await Console.reportingErrors {
            let config = Console.context().config
            let all = try config.profiles()
            let profiles = try profile.map { [try config.profile(named: $0)] } ?? all
            Console.out(AWSConfigOutput.render(profiles: profiles, all: all, executable: Self.executablePath()))
        }
    }

    /// `rolecall` when PATH finds this very program under that name (the config then survives a
    /// reinstall elsewhere on PATH), else its resolved path.
    static func executablePath() -> String {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        guard let found = try? ProcessLauncher.resolve("rolecall", path: Console.environment["PATH"]),
              URL(fileURLWithPath: found).resolvingSymlinksInPath().path == URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        else { return path }
        return "rolecall"
    }
}
