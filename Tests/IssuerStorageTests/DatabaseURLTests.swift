import Foundation
@testable import IssuerStorage
import Testing
import TestSupport

/// `--database` values: what they open, what they refuse, and that no message shows a password.
@Suite(.removesTemporaryFiles) struct DatabaseURLTests {
    @Test func sqliteURLsNameAPath() throws {
        #expect(try DatabaseLocation("sqlite:issuer.db") == .sqlite(path: "issuer.db"))
        #expect(try DatabaseLocation("sqlite:/var/lib/rolecall/issuer.db") == .sqlite(path: "/var/lib/rolecall/issuer.db"))
        #expect(try DatabaseLocation("sqlite:///var/lib/rolecall/issuer.db") == .sqlite(path: "/var/lib/rolecall/issuer.db"))
        #expect(try DatabaseLocation("sqlite://data/issuer.db") == .sqlite(path: "data/issuer.db"))
        #expect(throws: StorageError.self) { try DatabaseLocation("sqlite:") }
    }

    @Test func postgresURLsAreDecoded() throws {
        let location = try DatabaseLocation("postgres://issuer:p%40ss%3Aw%2Fd@db.internal:5433/rolecall?sslmode=require")
        #expect(location == .postgres(.init(host: "db.internal", port: 5433, username: "issuer", password: "p@ss:w/d",
                                            database: "rolecall", requireTLS: true)))
        #expect(try DatabaseLocation("postgresql://issuer@127.0.0.1/rolecall")
            == .postgres(.init(host: "127.0.0.1", port: 5432, username: "issuer", password: nil,
                               database: "rolecall", requireTLS: false)))
        #expect(try DatabaseLocation("postgres://a%20b:x@[::1]:6000/db?sslmode=disable")
            == .postgres(.init(host: "::1", port: 6000, username: "a b", password: "x", database: "db", requireTLS: false)))
    }

    @Test(arguments: [
        "mysql://root:hunter2-secret@db/rolecall",
        "postgres://issuer:hunter2-secret@db/rolecall?sslmode=prefer",
        "postgres://issuer:hunter2-secret@db/rolecall?sslcert=x",
        "postgres://issuer:hunter2-secret@db/",
        "postgres://issuer:hunter2-secret@/rolecall",
        "postgres://:hunter2-secret@db/rolecall",
        "postgres://issuer:hunter2-secret@db:notaport/rolecall",
        // An outside test: 99999 connected to port 34463 and offered the password there.
        "postgres://admin:hunter2-secret@127.0.0.1:99999/rolecall",
        "postgres://admin:hunter2-secret@127.0.0.1:0/rolecall",
        "issuer:hunter2-secret@db",
    ])
    func refusalsNeverShowThePassword(_ url: String) async throws {
        let error = await #expect(throws: StorageError.self) {
            try await IssuerDatabases.open(url, logger: Backend.logger)
        }
        guard case .unsupportedURL = try #require(error) else {
            Issue.record("\(String(describing: error)) is not unsupportedURL")
            return
        }
        #expect(!"\(try #require(error))".contains("hunter2"))
    }

    @Test func anUnreachableServerIsReportedWithoutThePassword() async throws {
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        let error = await #expect(throws: StorageError.self) {
            try await IssuerDatabases.open("postgres://issuer:hunter2-secret@127.0.0.1:1/rolecall", logger: Backend.logger)
        }
        let message = "\(try #require(error))"
        #expect(message.contains("postgres://issuer@127.0.0.1:1/rolecall"))
        #expect(!message.contains("hunter2"))
    }

    @Test(.enabled(if: Backend.postgresURL != nil))
    func aWrongPasswordIsReportedWithoutIt() async throws {
        let admin = try #require(Backend.postgresURL.flatMap(URLComponents.init(string:)))
        var wrong = admin
        wrong.password = "hunter2-wrong"
        let url = try #require(wrong.string)
        let error = await #expect(throws: StorageError.self) {
            try await IssuerDatabases.open(url, logger: Backend.logger)
        }
        let message = "\(try #require(error))"
        #expect(message.contains("password authentication failed"))
        #expect(!message.contains("hunter2"))
    }

    /// The test server has no TLS: `sslmode=require` must refuse it rather than fall back to plaintext.
    @Test(.enabled(if: Backend.postgresURL != nil))
    func requiredTLSIsNotDowngraded() async throws {
        var components = try #require(Backend.postgresURL.flatMap(URLComponents.init(string:)))
        components.queryItems = [URLQueryItem(name: "sslmode", value: "require")]
        let url = try #require(components.string)
        let error = await #expect(throws: StorageError.self) {
            try await IssuerDatabases.open(url, logger: Backend.logger)
        }
        let message = "\(try #require(error))"
        #expect(message.contains("sslUnsupported"), "\(message)")
        #expect(!message.contains(try #require(components.password)))
    }

    @Test(arguments: [
        ("postgres://issuer:secret@db:5432/rolecall", "postgres://issuer:***@db:5432/rolecall"),
        ("postgresql://issuer:p@ss@db/rolecall", "postgresql://issuer:***@db/rolecall"),
        ("postgres://issuer@db/rolecall?application_name=a@b", "postgres://issuer@db/rolecall?application_name=a@b"),
        ("postgres://issuer@db/rolecall", "postgres://issuer@db/rolecall"),
        ("sqlite:/var/lib/issuer.db", "sqlite:/var/lib/issuer.db"),
        ("issuer:secret@db", "issuer:***@db"),
        ("mysql://root:secret@db", "mysql://root:***@db"),
        ("postgres://ci-bot:Zx9/Qp#Lm2@db/rolecall", "postgres://ci-bot:***@db/rolecall"),
        ("postgres://alice:Pa#55word@127.0.0.1:1/db", "postgres://alice:***@127.0.0.1:1/db"),
    ])
    func redactionHidesOnlyThePassword(_ url: String, _ expected: String) {
        #expect(IssuerDatabases.redacted(url) == expected)
    }
}
