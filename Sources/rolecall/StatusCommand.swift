import ArgumentParser
import CommandLineSupport
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Session

struct StatusCommand: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the CA, profiles, MFA devices and the current session (inside exec)."
    )

    @Flag(help: "Print JSON.")
    var json = false

    func run(_ ctx: CommandContext) async throws {
        try await ctx.reportingErrors {
            let report = StatusReport.gather(context: ctx.session())
            ctx.out(json ? report.json() : report.text())
        }
    }
}
