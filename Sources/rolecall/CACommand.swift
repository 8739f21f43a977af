import ArgumentParser
import CommandLineSupport
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import IssuerProtocol
import RolesAnywhere
import Session
import X509

struct CACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ca",
        abstract: "Show or rotate the local CA that Roles Anywhere trusts.",
        subcommands: [Show.self, Rotate.self, RemoveOld.self]
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Print the CA certificate (PEM) to register as a trust anchor.")

        @Flag(help: "Print JSON with the fingerprint and expiry.")
        var json = false

        @Flag(help: "Include CAs replaced by `ca rotate` that have not been removed yet.")
        var all = false

        func run() async throws {
            try await Console.reportingErrors {
                let store = Console.context().issuerStore
                var entries = try store.allAuthorityCertificates()
                if !all { entries = entries.filter { !$0.retired } }
                if json {
                    let objects = try entries.map { entry -> JSONValue in
                        [
                            "certificatePEM": .string(try entry.certificate.serializeAsPEM().pemString + "\n"),
                            "fingerprintSHA256": .string(CertificateFingerprint.sha256(der: try entry.certificate.derBytes())),
                            "notValidAfter": .string(RFC3339.string(from: entry.certificate.notValidAfter)),
                            "current": .bool(!entry.retired),
                        ]
                    }
                    let value: JSONValue = all ? .array(objects) : (objects.first ?? [:])
                    Console.out(value.line + "\n")
                } else {
                    for entry in entries { Console.out(try entry.certificate.serializeAsPEM().pemString + "\n") }
                }
            }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rotate", abstract: "Create a new CA; the old one stays in `ca show --all` until `ca remove-old`.")

        @OptionGroup var mfa: MFAOptions

        func run() async throws {
            try await Console.reportingErrors {
                let context = Console.context()
                let code = try mfa.source(label: "rotating the CA").obtain()
                let authority = try LocalSetup(context: context).rotateAuthority(mfaCode: code)
                Console.out(try authority.certificatePEM() + "\n")
                Console.err("New CA \(authority.fingerprintSHA256). Add it to the trust anchor, then run `rolecall ca remove-old`.\n")
            }
        }
    }

    struct RemoveOld: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove-old", abstract: "Forget CAs replaced by `ca rotate`.")

        func run() async throws {
            try await Console.reportingErrors {
                let removed = try LocalSetup(context: Console.context()).removeOldAuthorities()
                Console.err("Removed \(removed) old CA\(removed == 1 ? "" : "s").\n")
            }
        }
    }
}
