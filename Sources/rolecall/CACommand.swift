import ArgumentParser
import CommandLineSupport
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import IssuanceCore
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

    struct Show: ContextualCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Print the CA certificate (PEM) to register as a trust anchor.")

        @Flag(help: "Print JSON with the fingerprint and expiry.")
        var json = false

        @Flag(help: "Include CAs replaced by `ca rotate` that have not been removed yet.")
        var all = false

        func run(_ ctx: CommandContext) async throws {
            try await ctx.reportingErrors {
                let store = ctx.session().localCAStore
                var entries = try store.allAuthorityCertificates()
                if !all { entries = entries.filter { !$0.retired } }
                // With a CA staged, the current and the staged one together: the bundle for the trust anchor.
                let bundle = all || entries.contains(where: \.staged)
                if json {
                    let listings = try entries.map { try AuthorityListing(certificate: $0.certificate, current: $0.current, staged: $0.staged) }
                    ctx.out((bundle ? JSONValue.line(listings) : listings.first.map { JSONValue.line($0) } ?? "{}") + "\n")
                } else {
                    for entry in entries { ctx.out(try entry.certificate.serializeAsPEM().pemString + "\n") }
                }
            }
        }
    }

    struct Rotate: ContextualCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate",
            abstract: "Create a new CA: at once, or staged (--stage, then --promote) so the trust anchor can hold both first."
        )

        /// A rotation in two steps; neither flag rotates at once.
        enum Step: String, EnumerableFlag {
            case stage, promote

            static func help(for value: Step) -> ArgumentHelp? {
                switch value {
                case .stage: "Create the next CA and keep signing with the current one; `ca show` prints both for the trust anchor."
                case .promote: "Switch signing to the staged CA."
                }
            }
        }

        @Flag(exclusivity: .exclusive)
        var step: Step?

        @OptionGroup var mfa: MFAOptions

        @OptionGroup var tokenOptions: CAKeyOptions

        func run(_ ctx: CommandContext) async throws {
            try await ctx.reportingErrors {
                let context = tokenOptions.apply(to: ctx.session())
                let rotation: LocalSetup.Rotation = switch step {
                case .stage?: .stage
                case .promote?: .promote
                case nil: .immediate
                }
                let code = try mfa.source(label: "rotating the CA").obtain(on: ctx.terminal, environment: ctx.environment)
                let certificate = try LocalSetup(context: context).rotateAuthority(rotation, mfaCode: code, caKey: try tokenOptions.caKeyURI())
                let fingerprint = CertificateFingerprint.sha256(der: try certificate.derBytes())
                ctx.out(try certificate.serializeAsPEM().pemString + "\n")
                switch rotation {
                case .stage:
                    ctx.err("Staged CA \(fingerprint) (above); the current CA keeps signing. Put both in the trust anchor (`rolecall ca show` prints them), or, if it takes one CA only, make a trust anchor of its own for the staged CA; then run `rolecall ca rotate --promote`.\n")
                case .promote:
                    ctx.err("CA \(fingerprint) signs from now on. If it has a trust anchor of its own, switch the profiles to it: `rolecall profile set-trust-anchor NEW_ARN --from OLD_ARN`. Once no session needs the old CA, run `rolecall ca remove-old` and drop it from the trust anchor.\n")
                case .immediate:
                    ctx.err("rolecall: warning: the new CA \(fingerprint) signs from now on, so every profile whose trust anchor holds only the old CA fails until you add this one. `ca rotate --stage` avoids that.\n")
                }
            }
        }
    }

    struct RemoveOld: ContextualCommand {
        static let configuration = CommandConfiguration(commandName: "remove-old", abstract: "Forget CAs replaced by `ca rotate`.")

        func run(_ ctx: CommandContext) async throws {
            try await ctx.reportingErrors {
                let (removed, validUntil) = try LocalSetup(context: ctx.session()).removeOldAuthorities()
                ctx.err("Removed \(removed) old CA\(removed == 1 ? "" : "s").\n")
                if removed > 0, let validUntil {
                    ctx.err("rolecall: warning: certificates the old CA signed may be valid until \(RFC3339.string(from: validUntil)): keep it in the trust anchor until then, or sessions started from them fail at their next refresh.\n")
                }
            }
        }
    }
}
