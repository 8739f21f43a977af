import ArgumentParser
import CommandLineSupport
import Foundation
import IssuerProtocol
import IssuerServer
import IssuerStorage
import RolesAnywhere

struct IssuerAuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Show the issuer's decisions: logins, certificates, refusals with their reason, lockouts, administrative changes.",
        subcommands: [IssuerAuditPruneCommand.self]
    )

    @OptionGroup var options: IssuerOptions

    @Option(help: "How far back, e.g. 15m, 1h, 24h, 7d.", transform: DurationArgument.parse)
    var since: DurationArgument?

    @Option(name: .customLong("after-id"), help: "With --follow: start after this row id (the `id` of the last row seen).")
    var afterID: Int64?

    @Flag(help: "Print a JSON array (with --follow, one JSON object per line).")
    var json = false

    @Flag(help: "Keep printing new rows as they are written, as JSON lines (with --json), until interrupted; a row counted again is printed again with its new count (keep the last line of each id).")
    var follow = false

    func validate() throws {
        if follow && !json { throw ValidationError("--follow prints JSON lines: give --json too") }
        if afterID != nil && !follow { throw ValidationError("--after-id goes with --follow") }
        if afterID != nil && since != nil { throw ValidationError("give --since or --after-id, not both") }
    }

    func run() async throws {
        try await StandardIO.reportingErrors {
            let start = since.map { Date().addingTimeInterval(-TimeInterval($0.seconds)) }
            if follow {
                let encoder = IssuerAPI.encoder()
                return try await options.withAdmin { admin in
                    try await admin.followAudit(since: start, afterID: afterID, warn: { StandardIO.err("rolecall: \($0)\n") }) { row in
                        if let line = try? encoder.encode(row) { StandardIO.out(String(decoding: line, as: UTF8.self) + "\n") }
                    }
                }
            }
            let limit = 10_000
            let from = start ?? Date().addingTimeInterval(-3600)
            let records = try await options.withAdmin { try await $0.audit(since: from, limit: limit) }
            if records.count == limit {
                StandardIO.err("rolecall: warning: showing the first \(limit) rows only: give a shorter --since\n")
            }
            if json { return try printJSON(records) }
            // COUNT and BY come last, so that scripts reading the first eight columns keep working.
            StandardIO.out("TIME\tEVENT\tUSER\tROLE\tKIND\tSERIAL\tCLIENT\tRESULT\tCOUNT\tBY\n")
            for record in records {
                let fields = [RFC3339.string(from: record.time), record.event, record.user ?? "-", record.roleArn ?? "-",
                              record.kind ?? "-", record.serial ?? "-", record.clientAddress ?? "-", record.result,
                              String(record.count), record.actor ?? "-"]
                StandardIO.out(fields.map { printableExcerpt($0, limit: 200) }.joined(separator: "\t") + "\n")
            }
        }
    }
}

struct IssuerAuditPruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Delete audit rows older than a duration or a date, in batches, without stopping issuance (itself audited)."
    )

    @OptionGroup var options: IssuerOptions

    @Option(help: "A duration back from now (30d, 90d, 12h; at least 12h) or an RFC 3339 time (2026-11-01T00:00:00Z).")
    var before: String

    @Flag(name: .customLong("dry-run"), help: "Only count the rows that would go.")
    var dryRun = false

    func validate() throws {
        _ = try Self.cutoff(before, now: Date())
    }

    func run() async throws {
        try await StandardIO.reportingErrors {
            let cutoff = try Self.cutoff(before, now: Date())
            let shown = RFC3339.string(from: cutoff)
            var lastReport = Date()
            let removed = try await options.withAdmin { admin in
                try await admin.pruneAudit(before: cutoff, dryRun: dryRun) { total in
                    if Date().timeIntervalSince(lastReport) > 2 {
                        StandardIO.err("rolecall: pruned \(total) rows so far…\n")
                        lastReport = Date()
                    }
                }
            }
            StandardIO.out(dryRun ? "\(removed) audit rows are older than \(shown) (dry run: nothing removed)\n"
                               : "removed \(removed) audit rows older than \(shown)\n")
        }
    }

    static func cutoff(_ text: String, now: Date) throws -> Date {
        if let seconds = try? DurationText.seconds(text) { return now.addingTimeInterval(-TimeInterval(seconds)) }
        if let date = RFC3339.date(from: text) { return date }
        throw ValidationError("--before takes a duration such as 30d or 12h, or an RFC 3339 time such as 2026-11-01T00:00:00Z; got \"\(printableExcerpt(text, limit: 40))\"")
    }
}
