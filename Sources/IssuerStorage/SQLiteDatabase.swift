import Foundation
import Logging
import SQLiteNIO

/// The issuer's database in one SQLite file. WAL journal and a busy timeout let an admin command in
/// another process write while the server runs; `BEGIN IMMEDIATE` makes transactions from both
/// processes take the write lock up front, so they serialise instead of failing half-way.
public final class SQLiteIssuerDatabase: SQLIssuerDatabase, @unchecked Sendable {
    /// Opens the database file at `path` (relative to the working directory, or absolute), creating it
    /// with mode 0600 when absent. Its directory must exist. Call `migrate()` before use.
    public static func open(path: String, logger: Logger) async throws -> SQLiteIssuerDatabase {
        SQLiteIssuerDatabase(executor: try await SQLiteExecutor.open(path: path, logger: logger))
    }
}

/// One connection on its own thread, used by one task at a time: SQLite runs a connection's statements
/// one after another anyway, and a transaction's statements must not interleave with another task's.
struct SQLiteExecutor: SQLExecutor {
    private let statements: SQLiteStatements
    private let threadPool: NIOThreadPool
    private let lock = AsyncLock()

    var dialect: SQLDialect { .sqlite }

    /// How long a statement waits for another connection's write lock before failing. Generous: the
    /// holder's transaction resumes on Swift's shared thread pool between statements, which a busy
    /// machine can keep it waiting for (5 s was seen to run out when every core was busy).
    static let busyTimeoutMilliseconds = 30_000

    /// The write-ahead log is copied into the database file and started over every 100 pages
    /// (400 KiB), and cut back to 512 KiB afterwards, instead of SQLite's 1000 pages and no limit. A
    /// log that has grown into all the free space cannot be checkpointed (copying it needs room in
    /// the database file), so a replica whose disk filled once stayed full: its own log took back
    /// the space as soon as it was freed, and every write failed from then on.
    static let walCheckpointPages = 100
    static let walSizeLimitBytes = 512 << 10

    /// Opened in a task of its own: SQLiteNIO asserts when a connection is released without being
    /// closed, and a set-up cancelled halfway (a caller's time limit) could leave one so.
    static func open(path: String, logger: Logger) async throws -> SQLiteExecutor {
        try await Task.detached { try await openUncancelled(path: path, logger: logger) }.value
    }

    private static func openUncancelled(path: String, logger: Logger) async throws -> SQLiteExecutor {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        try createPrivateFile(absolute)
        // A thread of its own, so that a statement waiting for another process's lock blocks nobody else.
        let threadPool = NIOThreadPool(numberOfThreads: 1)
        threadPool.start()
        do {
            let connection = try await SQLiteConnection.open(
                storage: .file(path: absolute), threadPool: threadPool, logger: logger,
                on: MultiThreadedEventLoopGroup.singleton.any())
            let statements = SQLiteStatements(connection: connection, path: absolute)
            do {
                try await statements.query("PRAGMA busy_timeout = \(busyTimeoutMilliseconds)")
                try await statements.query("PRAGMA foreign_keys = ON")
                let mode = try await statements.query("PRAGMA journal_mode = WAL").first?.get("journal_mode", as: String.self)
                guard mode?.lowercased() == "wal" else {
                    throw StorageError.unavailable("SQLite database \(absolute) cannot use WAL journal mode")
                }
                try await statements.query("PRAGMA wal_autocheckpoint = \(walCheckpointPages)")
                try await statements.query("PRAGMA journal_size_limit = \(walSizeLimitBytes)")
            } catch {
                try? await connection.close()
                throw error
            }
            return SQLiteExecutor(statements: statements, threadPool: threadPool)
        } catch {
            try? await threadPool.shutdownGracefully()
            throw SQLiteStatements.storageError(error, path: absolute)
        }
    }

    /// Creates the file readable by its owner only before SQLite does (SQLite gives its WAL and shared
    /// memory files the same mode); an existing file is left as it is.
    private static func createPrivateFile(_ path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw StorageError.unavailable("cannot create the SQLite database \(path): directory \(directory) does not exist")
        }
        let descriptor = Foundation.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw StorageError.unavailable("cannot open the SQLite database \(path): \(reason)")
        }
        Foundation.close(descriptor)
    }

    func query(_ sql: String, _ binds: [any SQLValueConvertible]) async throws -> [SQLRow] {
        try await lock.withLock { try await statements.query(sql, binds) }
    }

    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLStatementRunner) async throws -> T) async throws -> T {
        try await lock.withLock { try await statements.inTransaction(begin: "BEGIN IMMEDIATE", body) }
    }

    func unboundedQuery(_ sql: String) async throws {
        try await query(sql)
    }

    /// A local file answers or fails by itself: SQLite needs no deadline.
    func unboundedTransaction<T: Sendable>(_ body: @escaping @Sendable (any SQLStatementRunner) async throws -> T) async throws -> T {
        try await transaction(body)
    }

    func close() async throws {
        try await lock.withLock {
            do {
                try await statements.connection.close()
                try await threadPool.shutdownGracefully()
            } catch {
                throw SQLiteStatements.storageError(error, path: statements.path)
            }
        }
    }
}

/// Statements on the connection, without the lock (the executor holds it).
struct SQLiteStatements: SQLStatementRunner {
    let connection: SQLiteConnection
    let path: String

    func query(_ sql: String, _ binds: [any SQLValueConvertible]) async throws -> [SQLRow] {
        do {
            return try await connection.query(Self.numberedPlaceholders(sql), binds.map { Self.data($0.sqlValue) })
                .map { row in
                    var columns: [String: SQLValue] = [:]
                    for column in row.columns {
                        columns[column.name] = try Self.value(column.data, column: column.name)
                    }
                    return SQLRow(columns: columns)
                }
        } catch {
            throw Self.storageError(error, path: path)
        }
    }

    /// `$1` → `?1`: SQLite reads `$1` as a *named* parameter, numbered by first appearance, which
    /// would silently misbind a statement that uses `$2` before `$1`.
    static func numberedPlaceholders(_ sql: String) -> String {
        let characters = Array(sql)
        return String(characters.indices.map { index in
            let next = characters.index(after: index)
            let isPlaceholder = characters[index] == "$" && next < characters.endIndex
                && characters[next].isASCII && characters[next].isNumber
            return isPlaceholder ? "?" : characters[index]
        })
    }

    private static func data(_ value: SQLValue) -> SQLiteData {
        switch value {
        case .null: .null
        case .integer(let integer): .integer(SQLiteInt64(integer))
        case .text(let text): .text(text)
        case .blob(let bytes): .blob(ByteBuffer(bytes: bytes))
        case .bool(let bool): .integer(bool ? 1 : 0)
        }
    }

    private static func value(_ data: SQLiteData, column: String) throws -> SQLValue {
        switch data {
        case .null: return .null
        case .integer(let integer): return .integer(Int64(integer))
        case .text(let text): return .text(text)
        case .blob(let buffer): return .blob(Array(buffer.readableBytesView))
        case .float: throw StorageError.unavailable("column \(column) holds a floating-point value")
        }
    }

    /// SQLite's messages carry no bound values, so they can be shown as they are.
    static func storageError(_ error: any Error, path: String) -> any Error {
        switch error {
        case is StorageError, is CancellationError: error
        case let error as SQLiteError: StorageError.unavailable("SQLite database \(path): \(error.message)")
        default: StorageError.unavailable("SQLite database \(path): \(error)")
        }
    }
}
