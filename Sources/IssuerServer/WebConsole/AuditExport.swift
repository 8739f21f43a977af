import Foundation
import IssuerProtocol
import IssuerStorage
import RolesAnywhere

/// The audit page's downloads: CSV and JSON lines, newest first, of the rows the filters match.
enum AuditExport {
    enum Format: Sendable {
        case csv, jsonLines

        var contentType: String { self == .csv ? "text/csv; charset=utf-8" : "application/x-ndjson" }
        var fileExtension: String { self == .csv ? "csv" : "jsonl" }
    }

    static let maximumRows = 100_000

    static let columns = ["id", "time", "event", "user", "role_arn", "kind", "serial", "client_address", "result", "count", "actor", "not_after"]

    static func text(_ rows: [AuditRecord], format: Format) -> String {
        switch format {
        case .csv:
            let lines = rows.map { row in
                [row.id.map(String.init) ?? "", RFC3339.string(from: row.time), row.event, row.user ?? "", row.roleArn ?? "", row.kind ?? "",
                 row.serial ?? "", row.clientAddress ?? "", row.result, String(row.count), row.actor ?? "",
                 row.notAfter.map(RFC3339.string) ?? ""].map(csvField).joined(separator: ",")
            }
            return ([columns.joined(separator: ",")] + lines).map { $0 + "\r\n" }.joined()
        case .jsonLines:
            let encoder = IssuerAPI.encoder()
            return rows.map { row in
                String(decoding: (try? encoder.encode(row)) ?? Data("{}".utf8), as: UTF8.self) + "\n"
            }.joined()
        }
    }

    /// RFC 4180 quoting; and a field a spreadsheet would take for a formula (`=`, `+`, `-`, `@`,
    /// tab, CR) starts with `'`, because audit fields hold what clients sent.
    static func csvField(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { text = "'" + text }
        guard text.unicodeScalars.contains(where: { ",\"\n\r".unicodeScalars.contains($0) }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
