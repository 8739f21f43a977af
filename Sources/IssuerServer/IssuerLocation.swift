import Foundation
import IssuerStorage
import Logging

/// Where the issuer's database and key are: `--database` / `ROLECALL_ISSUER_DATABASE`, else
/// `sqlite:<home>/issuer/issuer.sqlite`; `--key-file`, else `<home>/issuer/issuer.key`
/// (`ROLECALL_ISSUER_KEY` overrides the file).
public struct IssuerLocation: Sendable {
    public static let databaseVariable = "ROLECALL_ISSUER_DATABASE"

    public let databaseURL: String
    public let keyFile: String
    public let environment: [String: String]
    let directory: String
    /// `--database` carried a password: every local user can read argv.
    private let passwordInArguments: Bool

    public init(database: String?, keyFile: String?, environment: [String: String], home: String) {
        directory = home + "/issuer"
        passwordInArguments = database.flatMap { URLComponents(string: $0)?.password } != nil
        databaseURL = database ?? environment[Self.databaseVariable].flatMap { $0.isEmpty ? nil : $0 } ?? "sqlite:\(home)/issuer/issuer.sqlite"
        self.keyFile = keyFile ?? directory + "/issuer.key"
        self.environment = environment
    }

    /// The database URL as messages show it: never its password.
    public var shownDatabase: String { IssuerDatabases.redacted(databaseURL) }

    /// The key, from the environment or the key file.
    public func key() throws -> IssuerKey { try IssuerKey.load(environment: environment, keyFile: keyFile) }

    /// The database, migrated.
    public func openDatabase(logger: Logger = Logger(label: "rolecall.issuer")) async throws -> any IssuerDatabase {
        guard !passwordInArguments else {
            throw IssuerError.passwordInArguments(variable: Self.databaseVariable)
        }
        if databaseURL.hasPrefix("sqlite:") { try createDefaultDirectory() }
        let database = try await IssuerDatabases.open(databaseURL, logger: logger)
        do {
            try await database.migrate()
        } catch {
            try? await database.close()
            throw error
        }
        return database
    }

    public enum KeySource: Sendable { case environment, existingFile, newFile }

    /// For `issuer init`: the key from the environment, else the key file, written when there is
    /// none (an existing one is kept: it may be the key of an `init` that stopped half-way).
    public func createKey() throws -> (key: IssuerKey, source: KeySource) {
        if let text = environment[IssuerKey.environmentVariable], !text.isEmpty { return (try IssuerKey(text: text), .environment) }
        try createDefaultDirectory()
        if FileManager.default.fileExists(atPath: keyFile) { return (try key(), .existingFile) }
        let text = IssuerKey.generateText()
        try KeyFile.create(keyFile, text: text)
        return (try IssuerKey(text: text), .newFile)
    }

    /// `<home>/issuer`, 0700, when the defaults point there.
    private func createDefaultDirectory() throws {
        guard databaseURL.hasPrefix("sqlite:\(directory)/") || keyFile.hasPrefix(directory + "/") else { return }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw IssuerError.cannotCreateDirectory(directory, error.localizedDescription)
        }
    }
}
