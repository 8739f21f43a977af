import ArgumentParser
import CommandLineSupport
import Foundation
import IssuanceCore
import IssuerProtocol
import IssuerServer

/// `rolecall-issuer …` (also `rolecall issuer …`): the team issuer service and its administration.
@main
struct RolecallIssuer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rolecall-issuer",
        abstract: "The team issuer service: CA and MFA off the laptop, per-role policy, audit.",
        discussion: """
        The issuer keeps its CA, users and audit log in SQLite (default) or PostgreSQL, its secrets \
        sealed with a key from $ROLECALL_ISSUER_KEY or a key file. Start with `rolecall issuer init`, \
        add users and roles, then `rolecall issuer serve`; people run `rolecall login`.
        """,
        version: BuildInfo.versionLine("rolecall-issuer"),
        subcommands: [
            IssuerInitCommand.self, IssuerServeCommand.self, IssuerUserCommand.self,
            IssuerRoleCommand.self, IssuerAuditCommand.self, IssuerCACommand.self,
        ]
    )

    static func main() async { await CommandMain.run(Self.self) }
}

/// Where the issuer's database and key are.
struct IssuerOptions: ParsableArguments {
    @Option(help: "sqlite:PATH or postgres://USER@HOST:PORT/DB (default: $ROLECALL_ISSUER_DATABASE, else sqlite in $ROLECALL_HOME/issuer).")
    var database: String?

    @Option(name: .customLong("key-file"), help: "The file holding the issuer key (default: $ROLECALL_HOME/issuer/issuer.key; $ROLECALL_ISSUER_KEY wins).")
    var keyFile: String?

    var location: IssuerLocation {
        let environment = Console.environment
        return IssuerLocation(database: database, keyFile: keyFile, environment: environment, home: Home.path(environment: environment))
    }

    /// Runs `body` with the administrator's operations; the database is closed afterwards.
    func withAdmin<T>(_ body: (IssuerAdmin) async throws -> T) async throws -> T {
        let location = location
        let key = try location.key()
        let database = try await location.openDatabase()
        do {
            let result = try await body(IssuerAdmin(database: database, key: key))
            try await database.close()
            return result
        } catch {
            try? await database.close()
            throw error
        }
    }
}

/// JSON for `--json` output: sorted keys, no escaped slashes.
func printJSON(_ value: some Encodable) throws {
    Console.out(String(decoding: try IssuerAPI.encoder().encode(value), as: UTF8.self) + "\n")
}
