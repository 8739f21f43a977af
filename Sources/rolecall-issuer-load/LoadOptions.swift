import IssuerServer

/// The command line: `[--database URL] [--seconds N] [--clients N] [--replicas N] [--events FILE]
/// [--login-clients N] [--flood N]`;
/// the database URL from `ROLECALL_ISSUER_DATABASE` when `--database` is not given (as `rolecall
/// issuer` refuses, a URL with a password belongs there, not in argv).
///
/// With `--issuer URL` (repeated) and `--pin-sha256`, it loads replicas that run elsewhere
/// (`scripts/faults` starts them as `rolecall-issuer serve`, to kill and restart them): the user
/// `load` with the role `LoadIssuer.roleArn` must exist, its one-time password and otpauth URI in
/// `ROLECALL_LOAD_PASSWORD` and `ROLECALL_LOAD_TOTP_URI`.
struct LoadOptions: Sendable {
    static let usage = "usage: [ROLECALL_ISSUER_DATABASE=postgres://USER:PASSWORD@HOST:PORT/DB] rolecall-issuer-load [--database sqlite:PATH | --issuer URL... --pin-sha256 HEX] [--seconds N] [--clients N] [--replicas N] [--events FILE] [--login-clients N] [--flood N]"

    /// An empty database: the load test initialises an issuer in it.
    var database = ""
    var seconds = 60
    var clients = 50
    /// Issuers serving the one database; client i lists them starting from replica i mod N.
    var replicas = 1
    /// Replicas started elsewhere, and the SHA-256 pin of their TLS certificate.
    var issuers: [String] = []
    var pinSHA256 = ""
    /// Where every request's outcome goes, one JSON line each: its time, and the certificate's
    /// serial or the error's kind.
    var eventsPath: String?
    /// Clients signing in with the right password, one login after another, beside the certificate clients.
    var loginClients = 0
    /// Clients flooding without a valid login: wrong logins for unknown names (each a decoy bcrypt)
    /// and certificate requests with a garbage token, in turn, as fast as answers come.
    var flood = 0

    /// "sqlite" or "postgres", as the report names it.
    var databaseKind: String { !issuers.isEmpty ? "external" : database.hasPrefix("sqlite:") ? "sqlite" : "postgres" }

    init(arguments: [String], environment: [String: String]) throws(UsageError) {
        database = environment[IssuerLocation.databaseVariable] ?? ""
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw UsageError("\(flag) needs a value") }
            switch flag {
            case "--database": database = value
            case "--seconds": seconds = try Self.count(value, flag, least: 1)
            case "--clients": clients = try Self.count(value, flag, least: 1)
            case "--replicas": replicas = try Self.count(value, flag, least: 1)
            case "--issuer": issuers.append(value)
            case "--pin-sha256": pinSHA256 = value
            case "--events": eventsPath = value
            case "--login-clients": loginClients = try Self.count(value, flag, least: 0)
            case "--flood": flood = try Self.count(value, flag, least: 0)
            default: throw UsageError("unknown option \(flag)")
            }
        }
        if !issuers.isEmpty {
            guard !pinSHA256.isEmpty else { throw UsageError("--issuer needs --pin-sha256") }
            return
        }
        guard database.hasPrefix("sqlite:") || database.hasPrefix("postgres://") || database.hasPrefix("postgresql://") else {
            throw UsageError("--database (or $\(IssuerLocation.databaseVariable)) must be sqlite:PATH or postgres://…")
        }
    }

    private static func count(_ value: String, _ flag: String, least: Int) throws(UsageError) -> Int {
        guard let number = Int(value), number >= least else { throw UsageError("\(flag) must be a whole number, at least \(least)") }
        return number
    }
}

struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
