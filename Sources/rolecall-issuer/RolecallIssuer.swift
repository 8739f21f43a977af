import ArgumentParser
import CommandLineSupport
import Foundation
import IssuanceCore
import IssuerProtocol
import IssuerServer
import TokenKeys

/// `rolecall-issuer …` (also `rolecall issuer …`): the team issuer service and its administration.
@main
struct RolecallIssuer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rolecall-issuer",
        abstract: "The team issuer service: CA and MFA off the laptop, per-role policy, audit.",
        discussion: """
        The issuer keeps its CA, users and audit log in SQLite (default) or PostgreSQL, its secrets \
        sealed with a key from $ROLECALL_ISSUER_KEY or a key file. Start with `rolecall issuer init`, \
        add users and roles, then `rolecall issuer serve`; people run `rolecall login`. Every variable \
        it reads is listed under ENVIRONMENT in rolecall-issuer(1).
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
        let environment = StandardIO.environment
        return IssuerLocation(database: database, keyFile: keyFile, environment: environment, home: Home.path(environment: environment))
    }

    /// Runs `body` with the administrator's operations; the database is closed afterwards, and
    /// the HSM (`tokens`, for a CA on one) logged out of.
    func withAdmin<T>(tokens: IssuerTokens? = nil, _ body: (IssuerAdmin) async throws -> T) async throws -> T {
        let location = location
        let key = try location.key()
        let database = try await location.openDatabase()
        defer { tokens?.close() }
        do {
            let result = try await body(IssuerAdmin(database: database, key: key, tokens: tokens))
            try await database.close()
            return result
        } catch {
            try? await database.close()
            throw error
        }
    }
}

/// The HSM holding the team CA's key: which PKCS#11 module, and where its PIN comes from.
struct IssuerTokenOptions: ParsableArguments {
    @Option(name: .customLong("pkcs11-module"), help: "The PKCS#11 module to load (default: the URI's module-path, the one the CA was made with, $ROLECALL_PKCS11_MODULE, else p11-kit's proxy).",
            transform: { TokenAccess.absoluteModulePath($0) })
    var pkcs11Module: String?

    @Option(name: .customLong("pin-command"), help: "A command whose first line of output is the HSM's PIN (default: the file $\(IssuerPIN.fileVariable) names, mode 0600).")
    var pinCommand: String?

    var tokens: IssuerTokens {
        let environment = StandardIO.environment
        return IssuerTokens(moduleOverride: pkcs11Module, pin: IssuerPIN(command: pinCommand, environment: environment), environment: environment)
    }
}

/// `--ca-key pkcs11:URI`: the CA's key on an HSM token.
struct IssuerCAKeyOption: ParsableArguments {
    @Option(name: .customLong("ca-key"), help: "Keep the CA's key on a PKCS#11 token (an HSM every replica reaches), e.g. 'pkcs11:token=NAME;object=rolecall-team-ca' (made there when absent; the database then holds no CA key).")
    var caKey: String?

    @OptionGroup var token: IssuerTokenOptions

    func validate() throws {
        do { _ = try uri() } catch { throw ValidationError("--ca-key: \(error)") }
    }

    func uri() throws -> PKCS11URI? { try caKey.map { try PKCS11URI(parsing: $0) } }
}

/// JSON for `--json` output: sorted keys, no escaped slashes.
func printJSON(_ value: some Encodable) throws {
    StandardIO.out(String(decoding: try IssuerAPI.encoder().encode(value), as: UTF8.self) + "\n")
}
