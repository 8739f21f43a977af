import Foundation
@testable import IssuerStorage
import Testing
import TestSupport

/// What only the SQLite backend has: a file, its mode, its journal.
@Suite(.removesTemporaryFiles) struct SQLiteFileTests {
    /// A migrated database in `directory` with one user written, so that the WAL files exist.
    func openedWithAUser(in directory: String) async throws -> SQLiteIssuerDatabase {
        let db = try await SQLiteIssuerDatabase.open(path: "\(directory)/issuer.db", logger: Backend.logger)
        try await db.migrate()
        try await db.addUser(UserRecord(name: "alice", passwordHash: "h", sealedTOTPSeed: [1],
                                        loginSessionSeconds: 60, createdAt: Date()))
        return db
    }

    /// Under the usual umask (022) a file created without a mode would be 0644.
    @Test func theDatabaseFilesArePrivate() async throws {
        let directory = try Paths.temporaryDirectory("rolecall-storage")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let db = try await openedWithAUser(in: directory)
        for file in ["issuer.db", "issuer.db-wal", "issuer.db-shm"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: "\(directory)/\(file)")
            #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o777 } == 0o600, "\(file)")
        }
        try await db.close()
    }

    @Test func theDatabaseIsJournalledInWALModeWithForeignKeys() async throws {
        let directory = try Paths.temporaryDirectory("rolecall-storage")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let db = try await openedWithAUser(in: directory)
        let mode = try await db.executor.query("PRAGMA journal_mode").first?.get("journal_mode", as: String.self)
        #expect(mode == "wal")
        let foreignKeys = try await db.executor.query("PRAGMA foreign_keys").first?.get("foreign_keys", as: Int.self)
        #expect(foreignKeys == 1)
        try await db.close()
    }

    @Test func aMissingDirectoryIsRefused() async throws {
        let error = await #expect(throws: StorageError.self) {
            try await IssuerDatabases.open("sqlite:/nonexistent-rolecall-dir/issuer.db", logger: Backend.logger)
        }
        #expect(error == .unavailable(
            "cannot create the SQLite database /nonexistent-rolecall-dir/issuer.db: directory /nonexistent-rolecall-dir does not exist"))
        #expect(!FileManager.default.fileExists(atPath: "/nonexistent-rolecall-dir"))
    }

    @Test func aRelativePathIsUnderTheWorkingDirectory() async throws {
        let directory = try Paths.temporaryDirectory("rolecall-storage")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // The working directory is shared by the tests running in parallel, so it is not changed here.
        let depth = FileManager.default.currentDirectoryPath.split(separator: "/").count
        let relative = String(repeating: "../", count: depth) + directory.dropFirst()
        let db = try await IssuerDatabases.open("sqlite:\(relative)/issuer.db", logger: Backend.logger)
        try await db.migrate()
        try await db.close()
        #expect(FileManager.default.fileExists(atPath: "\(directory)/issuer.db"))
    }

    @Test func placeholdersAreNumberedForSQLite() {
        #expect(SQLiteStatements.numberedPlaceholders("SELECT $2, $10 FROM t WHERE a = $1 AND b = '$x' || $")
            == "SELECT ?2, ?10 FROM t WHERE a = ?1 AND b = '$x' || $")
    }
}
