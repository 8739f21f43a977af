/// The two SQL dialects; statements are written with PostgreSQL's `$1` placeholders and SQLite's
/// executor rewrites them to its equivalent `?1`.
enum SQLDialect: Sendable {
    case sqlite
    case postgres
}

/// Runs one statement at a time (`$1`…`$n` bound to `binds`).
protocol SQLStatementRunner: Sendable {
    @discardableResult
    func query(_ sql: String, _ binds: [any SQLValueConvertible]) async throws -> [SQLRow]
}

extension SQLStatementRunner {
    @discardableResult
    func query(_ sql: String) async throws -> [SQLRow] {
        try await query(sql, [])
    }
}

/// What a backend supplies: statements, transactions that serialise with every other writer of the
/// same database (in this process or another), and closing. Driver errors come out as
/// `StorageError.unavailable`, with no secret in their text.
protocol SQLExecutor: SQLStatementRunner {
    var dialect: SQLDialect { get }
    /// Runs `body` in one transaction, committed when it returns and rolled back when it throws.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLStatementRunner) async throws -> T) async throws -> T
    /// The same without the deadline statements and transactions have otherwise: migrations, which
    /// wait for each other and may rewrite large tables.
    func unboundedTransaction<T: Sendable>(_ body: @escaping @Sendable (any SQLStatementRunner) async throws -> T) async throws -> T
    /// One statement outside any transaction and without the deadline (`CREATE DATABASE`, which
    /// PostgreSQL runs one at a time and not in a transaction).
    func unboundedQuery(_ sql: String) async throws
    func close() async throws
}

extension SQLStatementRunner {
    /// `begin`, then `body` on this runner, then COMMIT; ROLLBACK when anything throws. The caller
    /// makes sure nothing else uses the runner meanwhile.
    func inTransaction<T: Sendable>(
        begin: String, _ body: @Sendable (any SQLStatementRunner) async throws -> T
    ) async throws -> T {
        try await query(begin)
        do {
            let result = try await body(self)
            try await query("COMMIT")
            return result
        } catch {
            // The original error says what went wrong; a rollback that fails too adds nothing to it.
            _ = try? await query("ROLLBACK")
            throw error
        }
    }
}
