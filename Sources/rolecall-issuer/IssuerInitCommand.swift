import ArgumentParser
import CommandLineSupport
import Foundation
import IssuanceCore
import IssuerServer

struct IssuerInitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the issuer's database, key, CA and login-token key (once)."
    )

    @OptionGroup var options: IssuerOptions

    @Option(name: .customLong("ca-name"), help: "The CA's common name.")
    var caName = "rolecall team issuer"

    @OptionGroup var caKey: IssuerCAKeyOption

    func run() async throws {
        try await StandardIO.reportingErrors {
            let location = options.location
            let database = try await location.openDatabase()
            let created: (key: IssuerKey, source: IssuerLocation.KeySource)
            let fingerprint: String
            do {
                // Before a key file is written: a second init must leave the first one's key alone.
                guard try await !IssuerAdmin.isInitialized(database) else { throw IssuerError.alreadyInitialized }
                let uri = try caKey.uri()
                created = try location.createKey()
                let tokens = caKey.token.tokens
                defer { tokens.close() }
                fingerprint = try await IssuerAdmin(database: database, key: created.key, tokens: tokens)
                    .initialize(commonName: caName, caKey: uri).fingerprintSHA256
                try await database.close()
            } catch {
                try? await database.close()
                throw error
            }
            let keyLine = switch created.source {
            case .newFile: "Issuer key written to \(location.keyFile) (0600). Back it up: without it the CA and TOTP seeds cannot be opened. For replicas, give every one the same key in $\(IssuerKey.environmentVariable)."
            case .existingFile: "Issuer key taken from \(location.keyFile), which an earlier `issuer init` wrote."
            case .environment: "Issuer key taken from $\(IssuerKey.environmentVariable)."
            }
            StandardIO.out("""
            Issuer set up in \(location.shownDatabase).
            \(keyLine)
            CA fingerprint (SHA-256): \(fingerprint)\(caKey.caKey.map { "\nCA key on the token \($0): the database holds no CA key. Every replica needs the token, and its PIN in $\(IssuerPIN.fileVariable) or --pin-command." } ?? "")

            Next steps:
              1. Register the CA as an IAM Roles Anywhere trust anchor:  rolecall issuer ca show > issuer-ca.pem
              2. Add a user:      rolecall issuer user add NAME
              3. Allow a role:    rolecall issuer role allow NAME ROLE_ARN --profile-arn ARN --trust-anchor-arn ARN
              4. Serve:           rolecall issuer serve --listen 127.0.0.1:8443

            """)
        }
    }
}
