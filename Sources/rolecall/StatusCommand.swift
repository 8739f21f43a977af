import ArgumentParser
import CommandLineSupport
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Session

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the CA, profiles, MFA devices and the current session (inside exec)."
    )

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        try await Console.reportingErrors {
            let report = StatusReport.gather(context: Console.context())
            Console.out(json ? report.json() : report.text())
        }
    }
}
