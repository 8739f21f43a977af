import Foundation
import Logging
import PostgresNIO

/// The issuer's database on a PostgreSQL server, shared by every replica: a pool of connections
/// (PostgresNIO's `PostgresClient`) whose background task this type owns.
public final class PostgresIssuerDatabase: SQLIssuerDatabase, @unchecked Sendable {
    /// Well under a client's 30 s timeout, so that a request caught by a restart of the server gets
    /// an `unavailable` answer (and the client tries the next replica) rather than no answer.
    public static let standardDeadline: Duration = .seconds(10)

    /// Connects to `database` on `host`, trying one connection first so that a wrong password or an
    /// unreachable server fails here, with the server's reason, rather than at the first query.
    /// `requireTLS` refuses a plaintext connection and verifies the server's certificate and name
    /// against the system's roots. Call `migrate()` before use.
    /// `deadline`: how long a statement or transaction may take, waiting for a connection included.
    public static func connect(host: String, port: Int = 5432, username: String, password: String?,
                               database: String, requireTLS: Bool, deadline: Duration = standardDeadline,
                               logger: Logger) async throws -> PostgresIssuerDatabase {
        let executor = try await PostgresExecutor.connect(
            PostgresExecutor.Endpoint(host: host, port: port, username: username, password: password,
                                      database: database, requireTLS: requireTLS),
            deadline: deadline, logger: logger)
        return PostgresIssuerDatabase(executor: executor)
    }
}

struct PostgresExecutor: SQLExecutor {
    struct Endpoint: Sendable, Equatable {
        var host: String
        var port: Int
        var username: String
        var password: String?
        var database: String
        var requireTLS: Bool

        /// How messages name the database: without its password.
        var name: String { "postgres://\(username)@\(host):\(port)/\(database)" }
    }

    private let client: PostgresClient
    /// Runs `client.run()`, which the pool needs; cancelled by `close()`.
    private let runTask: Task<Void, Never>
    private let logger: Logger
    private let name: String
    private let deadline: Duration

    var dialect: SQLDialect { .postgres }

    static func connect(_ endpoint: Endpoint, deadline: Duration, logger: Logger) async throws -> PostgresExecutor {
        let tls = endpoint.requireTLS ? TLSConfiguration.makeClientConfiguration() : nil
        do {
            var probe = PostgresConnection.Configuration(
                host: endpoint.host, port: endpoint.port, username: endpoint.username, password: endpoint.password,
                database: endpoint.database, tls: try tls.map { .require(try NIOSSLContext(configuration: $0)) } ?? .disable)
            probe.options.connectTimeout = .seconds(10)
            try await PostgresConnection.connect(configuration: probe, id: 0, logger: logger).close()
        } catch {
            throw storageError(error, database: endpoint.name)
        }

        var configuration = PostgresClient.Configuration(
            host: endpoint.host, port: endpoint.port, username: endpoint.username, password: endpoint.password,
            database: endpoint.database, tls: tls.map { .require($0) } ?? .disable)
        configuration.options.connectTimeout = .seconds(10)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        return PostgresExecutor(client: client, runTask: Task { await client.run() }, logger: logger, name: endpoint.name, deadline: deadline)
    }

    func query(_ sql: String, _ binds: [any SQLValueConvertible]) async throws -> [SQLRow] {
        try await bounded { [self] in
            try await client.withConnection { connection in
                try await statements(connection).query(sql, binds)
            }
        }
    }

    /// READ COMMITTED: racing writers serialise on the rows they upsert (and migrations on an advisory lock).
    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLStatementRunner) async throws -> T) async throws -> T {
        try await bounded { [self] in try await unboundedTransaction(body) }
    }

    func unboundedQuery(_ sql: String) async throws {
        do {
            _ = try await client.withConnection { connection in try await statements(connection).query(sql, []) }
        } catch {
            throw Self.storageError(error, database: name)
        }
    }

    func unboundedTransaction<T: Sendable>(_ body: @escaping @Sendable (any SQLStatementRunner) async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { connection in
                try await statements(connection).inTransaction(begin: "BEGIN", body)
            }
        } catch {
            throw Self.storageError(error, database: name)
        }
    }

    private func bounded<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        do {
            return try await answering(within: deadline, expired: { [name, deadline] in
                StorageError.unavailable("PostgreSQL \(name) gave no answer within \(deadline.components.seconds) s")
            }, body)
        } catch {
            throw Self.storageError(error, database: name)
        }
    }

    /// Ends the pool's task, which closes its connections.
    func close() async throws {
        runTask.cancel()
        await runTask.value
    }

    private func statements(_ connection: PostgresConnection) -> PostgresStatements {
        PostgresStatements(connection: connection, logger: logger, database: name)
    }

    /// PostgresNIO's errors describe themselves generically on purpose; this keeps what helps (the
    /// server's message, the SQLSTATE, the connection failure), which holds no password.
    static func storageError(_ error: any Error, database: String) -> any Error {
        switch error {
        case is StorageError, is CancellationError:
            return error
        case let error as PSQLError:
            var detail = error.serverInfo?[.message] ?? "\(error.code)"
            if let state = error.serverInfo?[.sqlState] { detail += " (SQLSTATE \(state))" }
            if let underlying = error.underlying { detail += ": \(underlying)" }
            return StorageError.unavailable("PostgreSQL \(database): \(detail)")
        case let error as PostgresDecodingError:
            return StorageError.unavailable("PostgreSQL \(database): column \(error.columnName) could not be decoded (\(error.code))")
        default:
            return StorageError.unavailable("PostgreSQL \(database): \(error)")
        }
    }
}

/// Statements on one leased connection.
struct PostgresStatements: SQLStatementRunner {
    let connection: PostgresConnection
    let logger: Logger
    let database: String

    func query(_ sql: String, _ binds: [any SQLValueConvertible]) async throws -> [SQLRow] {
        var bindings = PostgresBindings(capacity: binds.count)
        for bind in binds {
            switch bind.sqlValue {
            case .null: bindings.appendNull()
            case .integer(let integer): bindings.append(integer)
            case .text(let text): bindings.append(text)
            case .blob(let bytes): bindings.append(ByteBuffer(bytes: bytes))
            case .bool(let bool): bindings.append(bool)
            }
        }
        do {
            var rows: [SQLRow] = []
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger) {
                var columns: [String: SQLValue] = [:]
                for cell in row {
                    columns[cell.columnName] = try Self.value(cell)
                }
                rows.append(SQLRow(columns: columns))
            }
            return rows
        } catch {
            throw PostgresExecutor.storageError(error, database: database)
        }
    }

    private static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .bool: return .bool(try cell.decode(Bool.self))
        case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
        case .text, .varchar, .name: return .text(try cell.decode(String.self))
        case .bytea: return .blob(Array(try cell.decode(ByteBuffer.self).readableBytesView))
        default: throw StorageError.unavailable("column \(cell.columnName) has the unsupported type \(cell.dataType)")
        }
    }
}
