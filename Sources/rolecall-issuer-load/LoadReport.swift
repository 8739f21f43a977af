import Foundation
import IssuanceCore

/// One run's figures: a JSON line on standard output (what scripts/bench-issuer reads) and a line
/// for people on standard error.
struct LoadReport {
    var database: String
    var clients: Int
    var seconds: Int
    var replicas: Int
    var requests: Int
    var issuancesPerSecond: Double
    var p50Milliseconds: Double
    var p99Milliseconds: Double
    var errors: Int
    var errorKinds: [String: Int]
    /// Failures of the untimed first certificate of each client (not in `errors`).
    var warmUpErrors: Int

    init(options: LoadOptions, warmUp: LoadTally, timed: LoadTally, elapsed: Duration) {
        database = options.databaseKind
        clients = options.clients
        seconds = options.seconds
        replicas = options.replicas
        requests = timed.requests
        issuancesPerSecond = Self.rounded(Double(timed.milliseconds.count) / (elapsed / .seconds(1)), places: 1)
        p50Milliseconds = Self.rounded(timed.percentile(0.5), places: 2)
        p99Milliseconds = Self.rounded(timed.percentile(0.99), places: 2)
        errors = timed.errorCount
        errorKinds = timed.errors
        warmUpErrors = warmUp.errorCount
    }

    /// The fields in the order above, on one line.
    func jsonLine() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let fields: [(String, any Encodable)] = [
            ("database", database), ("clients", clients), ("seconds", seconds), ("replicas", replicas), ("requests", requests),
            ("issuancesPerSecond", issuancesPerSecond), ("p50Milliseconds", p50Milliseconds), ("p99Milliseconds", p99Milliseconds),
            ("errors", errors), ("errorKinds", errorKinds), ("warmUpErrors", warmUpErrors),
        ]
        let members = try fields.map { name, value in "\"\(name)\":" + String(decoding: try encoder.encode(value), as: UTF8.self) }
        return "{" + members.joined(separator: ",") + "}"
    }

    var humanLine: String {
        let replicaText = replicas == 1 ? "1 replica" : "\(replicas) replicas"
        let kinds = errorKinds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return "\(database), \(clients) clients, \(seconds) s, \(replicaText): \(requests) requests, "
            + String(format: "%.1f issuances/s, p50 %.2f ms, p99 %.2f ms, ", issuancesPerSecond, p50Milliseconds, p99Milliseconds)
            + "\(errors) errors" + (kinds.isEmpty ? "" : " (\(kinds))") + (warmUpErrors == 0 ? "" : "; \(warmUpErrors) warm-up errors")
    }

    static let notes = """
    Certificates are "standard" ones for a role with MFA at login only: a role with per-session MFA \
    needs a fresh TOTP code with every certificate, and the replay guard accepts one code per user \
    per 30 s step, so its issuance rate is bounded by the clock, not the server. Latency is of \
    certificates issued (errors excluded), measured from the request to the verified answer; the \
    key and CSR are made before the clock starts.
    """

    private static func rounded(_ value: Double, places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (value * scale).rounded() / scale
    }
}
