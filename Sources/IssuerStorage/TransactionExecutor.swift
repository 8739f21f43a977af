/// The executor of a database bound to one open transaction (`IssuerDatabase.inTransaction`): its
/// statements run on that transaction, and a transaction a method opens itself becomes part of it
/// (no savepoints: anything that throws ends the whole one).
struct TransactionExecutor: SQLExecutor {
    let runner: any SQLStatementRunner
    let dialect: SQLDialect

    func query(_ sql: String, _ binds: [any SQLValueConvertible]) async throws -> [SQLRow] {
        try await runner.query(sql, binds)
    }

    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLStatementRunner) async throws -> T) async throws -> T {
        try await body(runner)
    }

    func unboundedTransaction<T: Sendable>(_ body: @escaping @Sendable (any SQLStatementRunner) async throws -> T) async throws -> T {
        throw StorageError.unavailable("a migration cannot run inside another transaction")
    }

    func unboundedQuery(_ sql: String) async throws {
        throw StorageError.unavailable("this statement cannot run inside a transaction")
    }

    /// The transaction's database is closed with the one it came from.
    func close() async throws {}
}
