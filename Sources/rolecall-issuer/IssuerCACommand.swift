import ArgumentParser
import CommandLineSupport
import Foundation
import IssuerServer
import RolesAnywhere

struct IssuerCACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ca",
        abstract: "The issuer's CA: show it to register as a trust anchor, or rotate it.",
        subcommands: [Show.self, Rotate.self]
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Print the current CA certificate (PEM).")

        @OptionGroup var options: IssuerOptions

        @Flag(help: "Every CA, retired ones too, oldest first.")
        var all = false

        func run() async throws {
            try await Console.reportingErrors {
                let authorities = try await options.withAdmin { try await $0.authorities() }
                for authority in all ? authorities : authorities.filter({ !$0.retired }).suffix(1) {
                    Console.out(try authority.certificate.serializeAsPEM().pemString + "\n")
                }
            }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rotate", abstract: "Make a new CA sign from now on (the old one is retired).")

        @OptionGroup var options: IssuerOptions

        @Option(name: .customLong("ca-name"), help: "The new CA's common name.")
        var caName = "rolecall team issuer"

        func run() async throws {
            try await Console.reportingErrors {
                let authority = try await options.withAdmin { try await $0.rotateAuthority(commonName: caName) }
                Console.out("""
                New CA (SHA-256 \(authority.fingerprintSHA256)) signs from now on, on every replica.
                Add it to the trust anchor before anyone needs it:  rolecall issuer ca show > issuer-ca.pem

                """)
            }
        }
    }
}
