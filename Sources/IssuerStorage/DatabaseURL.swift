import Foundation
import Logging

/// Opens the issuer database named by `--database`.
public enum IssuerDatabases {
    /// `sqlite:PATH` (also `sqlite://PATH`; PATH relative to the working directory or absolute) or
    /// `postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=disable|require]` (also `postgresql://`;
    /// user and password percent-decoded; no sslmode means plaintext, `require` means TLS verified
    /// against the system's roots). Connects but does not migrate: call `migrate()` next.
    /// Errors never contain the password. `deadline`: PostgreSQL's, for each statement and transaction.
    public static func open(_ url: String, logger: Logger,
                            deadline: Duration = PostgresIssuerDatabase.standardDeadline) async throws -> any IssuerDatabase {
        switch try DatabaseLocation(url) {
        case .sqlite(let path):
            try await SQLiteIssuerDatabase.open(path: path, logger: logger)
        case .postgres(let endpoint):
            try await PostgresIssuerDatabase.connect(
                host: endpoint.host, port: endpoint.port, username: endpoint.username, password: endpoint.password,
                database: endpoint.database, requireTLS: endpoint.requireTLS, deadline: deadline, logger: logger)
        }
    }

    /// `url` with its password replaced by `***`, for messages and logs. Works on text that does not
    /// parse as a URL too, erring towards hiding more: everything between the first `:` of the user
    /// information and its last `@` goes.
    public static func redacted(_ url: String) -> String {
        let schemeEnd = url.range(of: "://")?.upperBound ?? url.startIndex
        guard let at = url[schemeEnd...].lastIndex(of: "@"),
              let colon = url[schemeEnd..<at].firstIndex(of: ":") else {
            return url
        }
        return url[..<url.index(after: colon)] + "***" + url[at...]
    }
}

/// A parsed `--database` value.
enum DatabaseLocation: Equatable {
    case sqlite(path: String)
    case postgres(PostgresExecutor.Endpoint)

    init(_ url: String) throws {
        if url.hasPrefix("sqlite:") {
            var path = url.dropFirst("sqlite:".count)
            if path.hasPrefix("//") { path = path.dropFirst(2) }
            guard !path.isEmpty else { throw StorageError.unsupportedURL("sqlite: needs a file path") }
            self = .sqlite(path: String(path))
        } else if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            self = .postgres(try Self.postgresEndpoint(url))
        } else {
            throw StorageError.unsupportedURL("\(IssuerDatabases.redacted(url)) is neither sqlite: nor postgres://")
        }
    }

    private static func postgresEndpoint(_ url: String) throws -> PostgresExecutor.Endpoint {
        let shown = IssuerDatabases.redacted(url)
        guard let components = URLComponents(string: url) else {
            throw StorageError.unsupportedURL("\(shown) is not a valid URL (percent-encode special characters)")
        }
        guard let host = components.host.map({ $0.trimmingCharacters(in: CharacterSet(charactersIn: "[]")) }),
              !host.isEmpty else {
            throw StorageError.unsupportedURL("\(shown) names no host")
        }
        guard let username = components.user, !username.isEmpty else {
            throw StorageError.unsupportedURL("\(shown) names no user")
        }
        // Checked before connecting: the driver keeps a port's low 16 bits, so 99999 would offer the
        // password to whatever listens on 34463.
        if let port = components.port, !(1...65535).contains(port) {
            throw StorageError.unsupportedURL("\(shown): the port must be between 1 and 65535")
        }
        let database = String(components.path.dropFirst())
        guard components.path.hasPrefix("/"), !database.isEmpty, !database.contains("/") else {
            throw StorageError.unsupportedURL("\(shown) names no database (postgres://USER@HOST/DB)")
        }
        // TLS unless the server is on this machine or the URL says sslmode=disable: the database
        // holds what decides who may mint certificates (password hashes, grants).
        var requireTLS = !["127.0.0.1", "::1", "localhost"].contains(host.lowercased())
        for item in components.queryItems ?? [] {
            switch (item.name, item.value) {
            case ("sslmode", "disable"):
                requireTLS = false
            case ("sslmode", "require"), ("sslmode", "verify-ca"), ("sslmode", "verify-full"):
                requireTLS = true
            case ("sslmode", _):
                throw StorageError.unsupportedURL(
                    "\(shown): sslmode must be disable or require (which verifies the server's certificate)")
            default:
                throw StorageError.unsupportedURL("\(shown): unknown parameter \(item.name) (only sslmode is understood)")
            }
        }
        return PostgresExecutor.Endpoint(
            host: host, port: components.port ?? 5432, username: username, password: components.password,
            database: database, requireTLS: requireTLS)
    }
}
