import Foundation
@testable import IssuerStorage
import Testing
import TestSupport

/// A PostgreSQL statement that gets no answer fails at the deadline instead of waiting for its
/// client to give up: a row locked by another transaction stands in for a server that restarted.
@Suite(.removesTemporaryFiles) struct PostgresDeadlineTests {
    @Test(.enabled(if: Backend.postgresURL != nil))
    func aStatementWithNoAnswerFailsAtTheDeadlineAndTheNextOneWorks() async throws {
        try await Backend.postgres(adminURL: try #require(Backend.postgresURL)).withFreshDatabase { fresh in
            let holder = try await fresh.open()
            guard case .postgres(let endpoint) = try DatabaseLocation(fresh.url) else { throw StorageError.unsupportedURL("not PostgreSQL") }
            let impatient = try await PostgresIssuerDatabase.connect(
                host: endpoint.host, port: endpoint.port, username: endpoint.username, password: endpoint.password,
                database: endpoint.database, requireTLS: false, deadline: .seconds(2), logger: Backend.logger)
            defer { Task { try? await impatient.close() } }
            _ = try await holder.insertSettingIfAbsent("probe", value: [1])
            // The table stays locked for 8 s: without the deadline the read would wait and then succeed.
            let (locked, lockTaken) = AsyncStream.makeStream(of: Void.self)
            let lock = Task {
                try await holder.executor.transaction { transaction in
                    try await transaction.query("LOCK TABLE settings IN ACCESS EXCLUSIVE MODE")
                    lockTaken.yield()
                    try await transaction.query("SELECT 1 AS slept FROM pg_sleep(8)")
                }
            }
            var iterator = locked.makeAsyncIterator()
            await iterator.next()
            do {
                _ = try await impatient.setting("probe")
                Issue.record("the read waited for the lock instead of failing at the deadline")
            } catch let error as StorageError {
                #expect(error.description.contains("gave no answer within 2 s"), "\(error)")
                #expect(!error.description.contains("rolecall-test-only"), "no password in the message")
            }
            try await lock.value
            // The pool recovers: a later statement answers (a busy machine may need a second try).
            var answer = try? await impatient.setting("probe")
            if answer == nil { answer = try? await impatient.setting("probe") }
            #expect(answer == [1])
        }
    }
}
