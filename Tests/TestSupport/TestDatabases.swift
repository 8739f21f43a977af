import Foundation
import IssuerStorage
import Logging
import Testing

/// A database the shared suite runs against: SQLite always, PostgreSQL when
/// `ROLECALL_TEST_POSTGRES_URL` names a server (`scripts/postgres-test-server` starts one).
/// `scripts/test` also sets `ROLECALL_TEST_REQUIRE_POSTGRES=1`, so that a server that did not
/// start fails a test instead of leaving the PostgreSQL cases out unnoticed.
public enum Backend: Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres(adminURL: String)

    public static var postgresURL: String? {
        ProcessInfo.processInfo.environment["ROLECALL_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public static var postgresRequired: Bool {
        ProcessInfo.processInfo.environment["ROLECALL_TEST_REQUIRE_POSTGRES"] == "1"
    }

    public static var available: [Backend] {
        [.sqlite] + (postgresURL.map { [.postgres(adminURL: $0)] } ?? [])
    }

    public var testDescription: String {
        switch self {
        case .sqlite: "SQLite"
        case .postgres: "PostgreSQL"
        }
    }

    public static let logger = Logger(label: "rolecall.storage-tests", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Runs `body` with a database of its own (a temporary file, or a database created for it on the
    /// server), deleted afterwards along with every instance `body` opened.
    public func withFreshDatabase(_ body: (FreshDatabase) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            let directory = try Paths.temporaryDirectory("rolecall-storage")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let database = FreshDatabase(url: "sqlite:\(directory)/issuer.db")
            try await database.run(body)
        case .postgres(let adminURL):
            let name = "rc_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
            var components = try #require(URLComponents(string: adminURL))
            components.path = "/" + name
            let url = try #require(components.string)
            let admin = try #require(try await IssuerDatabases.open(adminURL, logger: Self.logger) as? SQLIssuerDatabase)
            // Identifiers cannot be bound; the name is ours (hex), not external input.
            try await admin.executeAdministrative("CREATE DATABASE \(name)")
            do {
                try await FreshDatabase(url: url).run(body)
            } catch {
                try? await admin.executeAdministrative("DROP DATABASE \(name) WITH (FORCE)")
                try? await admin.close()
                throw error
            }
            try await admin.executeAdministrative("DROP DATABASE \(name) WITH (FORCE)")
            try await admin.close()
        }
    }
}

/// One test's database; `open` gives as many independent instances (connections, pools) as a test
/// needs, standing for replicas or an admin command in another process.
public final class FreshDatabase: Sendable {
    public let url: String
    private let opened = Opened()

    private actor Opened {
        var instances: [any IssuerDatabase] = []
        func add(_ instance: any IssuerDatabase) { instances.append(instance) }
    }

    init(url: String) {
        self.url = url
    }

    /// A new instance, migrated unless told otherwise. Its PostgreSQL deadline is a minute: every
    /// test shares one server, which a whole `swift test` run keeps busy for longer than the issuer's
    /// 10 s (`PostgresDeadlineTests` checks the deadline itself).
    public func open(migrated: Bool = true) async throws -> SQLIssuerDatabase {
        let instance = try #require(try await IssuerDatabases.open(url, logger: Backend.logger, deadline: .seconds(60)) as? SQLIssuerDatabase)
        await opened.add(instance)
        if migrated {
            try await instance.migrate()
        }
        return instance
    }

    fileprivate func run(_ body: (FreshDatabase) async throws -> Void) async throws {
        let outcome: Result<Void, any Error>
        do {
            try await body(self)
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        for instance in await opened.instances {
            try await instance.close()
        }
        try outcome.get()
    }
}
