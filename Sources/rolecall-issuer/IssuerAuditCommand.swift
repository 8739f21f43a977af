import ArgumentParser
import CommandLineSupport
import Foundation
import IssuerServer
import RolesAnywhere

struct IssuerAuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Show the issuer's decisions: logins, certificates, refusals with their reason, lockouts."
    )

    @OptionGroup var options: IssuerOptions

    @Option(help: "How far back, e.g. 15m, 1h, 24h.")
    var since = "1h"

    @Flag(help: "Print a JSON array.")
    var json = false

    func run() async throws {
        try await Console.reportingErrors {
            let seconds = try DurationText.seconds(since)
            let limit = 10_000
            let records = try await options.withAdmin { try await $0.audit(since: Date().addingTimeInterval(-TimeInterval(seconds)), limit: limit) }
            if records.count == limit {
                Console.err("rolecall: warning: showing the first \(limit) rows only: give a shorter --since\n")
            }
            if json { return try printJSON(records) }
            // COUNT and BY come last, so that scripts reading the first eight columns keep working.
            Console.out("TIME\tEVENT\tUSER\tROLE\tKIND\tSERIAL\tCLIENT\tRESULT\tCOUNT\tBY\n")
            for record in records {
                let fields = [RFC3339.string(from: record.time), record.event, record.user ?? "-", record.roleArn ?? "-",
                              record.kind ?? "-", record.serial ?? "-", record.clientAddress ?? "-", record.result,
                              String(record.count), record.actor ?? "-"]
                Console.out(fields.map { printableExcerpt($0, limit: 200) }.joined(separator: "\t") + "\n")
            }
        }
    }
}
