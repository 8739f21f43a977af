import ArgumentParser
import CommandLineSupport
import Foundation
import IssuanceCore
import IssuerProtocol
import IssuerServer
import RolesAnywhere

struct IssuerCACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ca",
        abstract: "The issuer's CA: show it to register as a trust anchor, or rotate it.",
        subcommands: [Show.self, Rotate.self]
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Print the current CA certificate (PEM), and the staged one after it while a rotation is staged."
        )

        @OptionGroup var options: IssuerOptions

        @Flag(help: "Every CA, retired ones too, oldest first.")
        var all = false

        @Flag(help: "Print a JSON array: certificatePEM, fingerprintSHA256, notValidAfter, current, staged.")
        var json = false

        func run() async throws {
            try await StandardIO.reportingErrors {
                let authorities = try await options.withAdmin { try await $0.authorities() }
                let current = authorities.filter { !$0.retired && !$0.staged }.suffix(1)
                // The bundle for the trust anchor: the signing CA, then the staged one.
                let shown = all ? Array(authorities) : Array(current) + authorities.filter(\.staged)
                if json {
                    return try printJSON(try shown.map {
                        try AuthorityListing(certificate: $0.certificate, current: !$0.retired && !$0.staged, staged: $0.staged)
                    })
                }
                for authority in shown {
                    StandardIO.out(try authority.certificate.serializeAsPEM().pemString + "\n")
                }
            }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate",
            abstract: "Make a new CA sign: at once, or staged (--stage, then --promote) so the trust anchor can hold both first."
        )

        @OptionGroup var options: IssuerOptions

        @Option(name: .customLong("ca-name"), help: "The new CA's common name.")
        var caName = "rolecall team issuer"

        @Flag(help: "Create the next CA and keep signing with the current one; `ca show` prints both for the trust anchor.")
        var stage = false

        @Flag(help: "Switch signing to the staged CA, on every replica.")
        var promote = false

        @OptionGroup var caKey: IssuerCAKeyOption

        func validate() throws {
            if stage && promote { throw ValidationError("give --stage or --promote, not both") }
            if promote && caKey.caKey != nil { throw ValidationError("--ca-key names the new CA's key: give it with --stage, not --promote") }
        }

        func run() async throws {
            try await StandardIO.reportingErrors {
                if stage {
                    let uri = try caKey.uri()
                    let authority = try await options.withAdmin(tokens: caKey.token.tokens) { try await $0.stageAuthority(commonName: caName, caKey: uri) }
                    StandardIO.out("""
                    Staged CA (SHA-256 \(authority.fingerprintSHA256)); the current CA keeps signing.
                    Put both in the trust anchor:  rolecall issuer ca show > issuer-ca-bundle.pem
                    then switch:                   rolecall issuer ca rotate --promote

                    """)
                } else if promote {
                    let certificate = try await options.withAdmin { try await $0.promoteAuthority() }
                    StandardIO.out("""
                    CA (SHA-256 \(CertificateFingerprint.sha256(der: try certificate.derBytes()))) signs from now on, on every replica.
                    Keep the old CA in the trust anchor for 12 hours: certificates it signed may be valid until then (`ca show --all` lists it).
                    If the new CA has a trust anchor of its own, move the grants to it: `rolecall issuer role set-trust-anchor NEW_ARN --from OLD_ARN`.

                    """)
                } else {
                    let uri = try caKey.uri()
                    let authority = try await options.withAdmin(tokens: caKey.token.tokens) { try await $0.rotateAuthority(commonName: caName, caKey: uri) }
                    StandardIO.out("""
                    New CA (SHA-256 \(authority.fingerprintSHA256)) signs from now on, on every replica.
                    Add it to the trust anchor before anyone needs it:  rolecall issuer ca show > issuer-ca.pem

                    """)
                    StandardIO.err("rolecall: warning: the rotation took effect at once: certificates from the new CA fail wherever the trust anchor holds only the old one. `ca rotate --stage` avoids that.\n")
                }
            }
        }
    }
}
