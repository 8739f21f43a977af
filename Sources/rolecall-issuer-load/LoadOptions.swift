import IssuerServer

/// The command line: `[--database URL] [--seconds N] [--clients N] [--replicas N]`; the database
/// URL from `ROLECALL_ISSUER_DATABASE` when `--database` is not given (as `rolecall issuer`
/// refuses, a URL with a password belongs there, not in argv).
struct LoadOptions: Sendable {
    static let usage = "usage: [ROLECALL_ISSUER_DATABASE=postgres://USER:PASSWORD@HOST:PORT/DB] rolecall-issuer-load [--database sqlite:PATH] [--seconds N] [--clients N] [--replicas N]"

    /// An empty database: the load test initialises an issuer in it.
    var database = ""
    var seconds = 60
    var clients = 50
    /// Issuers serving the one database; client i lists them starting from replica i mod N.
    var replicas = 1

    /// "sqlite" or "postgres", as the report names it.
    var databaseKind: String { database.hasPrefix("sqlite:") ? "sqlite" : "postgres" }

    init(arguments: [String], environment: [String: String]) throws(UsageError) {
        database = environment[IssuerLocation.databaseVariable] ?? ""
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw UsageError("\(flag) needs a value") }
            switch flag {
            case "--database": database = value
            case "--seconds": seconds = try Self.positive(value, flag)
            case "--clients": clients = try Self.positive(value, flag)
            case "--replicas": replicas = try Self.positive(value, flag)
            default: throw UsageError("unknown option \(flag)")
            }
        }
        guard database.hasPrefix("sqlite:") || database.hasPrefix("postgres://") || database.hasPrefix("postgresql://") else {
            throw UsageError("--database (or $\(IssuerLocation.databaseVariable)) must be sqlite:PATH or postgres://…")
        }
    }

    private static func positive(_ value: String, _ flag: String) throws(UsageError) -> Int {
        guard let number = Int(value), number > 0 else { throw UsageError("\(flag) must be a positive whole number") }
        return number
    }
}

struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
