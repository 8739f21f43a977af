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
    /// The login clients: how many, the logins answered, their latency, their refusals by kind.
    var loginClients: Int
    var logins: Int
    var loginP50Milliseconds: Double
    var loginP99Milliseconds: Double
    var loginErrorKinds: [String: Int]
    /// The flooding clients: how many, and what their requests were answered, by kind.
    var flood: Int
    var floodAnswers: [String: Int]

    init(options: LoadOptions, outcome: LoadClients.Outcome) {
        let (warmUp, timed, elapsed) = (outcome.warmUp, outcome.timed, outcome.elapsed)
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
        loginClients = options.loginClients
        logins = outcome.logins.milliseconds.count
        loginP50Milliseconds = Self.rounded(outcome.logins.percentile(0.5), places: 2)
        loginP99Milliseconds = Self.rounded(outcome.logins.percentile(0.99), places: 2)
        loginErrorKinds = outcome.logins.errors
        flood = options.flood
        floodAnswers = outcome.flood.errors
    }

    /// The fields in the order above, on one line.
    func jsonLine() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let fields: [(String, any Encodable)] = [
            ("database", database), ("clients", clients), ("seconds", seconds), ("replicas", replicas), ("requests", requests),
            ("issuancesPerSecond", issuancesPerSecond), ("p50Milliseconds", p50Milliseconds), ("p99Milliseconds", p99Milliseconds),
            ("errors", errors), ("errorKinds", errorKinds), ("warmUpErrors", warmUpErrors),
            ("loginClients", loginClients), ("logins", logins), ("loginP50Milliseconds", loginP50Milliseconds),
            ("loginP99Milliseconds", loginP99Milliseconds), ("loginErrorKinds", loginErrorKinds), ("flood", flood), ("floodAnswers", floodAnswers),
        ]
        let members = try fields.map { name, value in "\"\(name)\":" + String(decoding: try encoder.encode(value), as: UTF8.self) }
        return "{" + members.joined(separator: ",") + "}"
    }

    var humanLine: String {
        let replicaText = replicas == 1 ? "1 replica" : "\(replicas) replicas"
        return "\(database), \(clients) clients, \(seconds) s, \(replicaText): \(requests) requests, "
            + String(format: "%.1f issuances/s, p50 %.2f ms, p99 %.2f ms, ", issuancesPerSecond, p50Milliseconds, p99Milliseconds)
            + "\(errors) errors" + Self.listed(errorKinds) + (warmUpErrors == 0 ? "" : "; \(warmUpErrors) warm-up errors")
            + (loginClients == 0 ? "" : String(format: "; %d login clients: %d logins, p50 %.2f ms, p99 %.2f ms", loginClients, logins,
                                                  loginP50Milliseconds, loginP99Milliseconds) + Self.listed(loginErrorKinds))
            + (flood == 0 ? "" : "; \(flood) flooding clients answered" + Self.listed(floodAnswers))
    }

    private static func listed(_ kinds: [String: Int]) -> String {
        kinds.isEmpty ? "" : " (" + kinds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"
    }

    static let notes = """
    Certificates are "standard" ones for a role with MFA at login only: a role with per-session MFA \
    needs a fresh TOTP code with every certificate, and the replay guard accepts one code per user \
    per 30 s step, so its issuance rate is bounded by the clock, not the server. Latency is of \
    certificates issued (errors excluded), measured from the request to the verified answer; the \
    key and CSR are made before the clock starts. Login clients sign in with the password alone (bcrypt \
    at the default cost); flooding clients send wrong logins for unknown names and certificate \
    requests with a forged token. All come from 127.0.0.1, one source address: the in-process issuer \
    lifts its per-address login and connection limits so the flood stands for one from many \
    addresses (requests without a valid token keep their limit of 60 a minute per address).
    """

    private static func rounded(_ value: Double, places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (value * scale).rounded() / scale
    }
}
