import ArgumentParser
import CommandLineSupport
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import IssuanceCore
import RolesAnywhere
import Session

struct ProfileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Manage profiles: which role, Roles Anywhere profile and trust anchor to use.",
        subcommands: [Add.self, List.self, Show.self, Remove.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a profile.")

        @Argument(help: "The profile's name.")
        var name: String

        @Option(name: .customLong("role-arn"), help: "arn:aws:iam::ACCOUNT:role/NAME")
        var roleArn: String

        @Option(name: .customLong("profile-arn"), help: "arn:aws:rolesanywhere:REGION:ACCOUNT:profile/ID")
        var profileArn: String

        @Option(name: .customLong("trust-anchor-arn"), help: "arn:aws:rolesanywhere:REGION:ACCOUNT:trust-anchor/ID")
        var trustAnchorArn: String

        @Option(help: "AWS region (default: the trust anchor's).")
        var region: String?

        @Option(help: "Longest AWS session, 15m to 12h or seconds.")
        var duration: String = "1h"

        @Option(help: "required: a single-use certificate per session after a TOTP check; token: the same, with the PIN of the token that holds the CA's key as the check; off: no MFA. Default: token when the CA's key is on a token, else required.")
        var mfa: Profile.MFAMode?

        @Option(name: .customLong("pin-command"), help: "A command whose first line of output is the token's PIN, for commands given none (e.g. credential_process with --mfa off).")
        var pinCommand: String?

        @Option(name: .customLong("mfa-interval"), help: "How long one MFA check lets `exec --server` refresh credentials (16m to 12h; default 1h).")
        var mfaInterval: String?

        @Option(help: "Roles Anywhere endpoint URL (default: $AWS_ENDPOINT_URL_ROLESANYWHERE or the region's).")
        var endpoint: String?

        @Option(name: .customLong("role-session-name"), help: "Session name to ask for (the Roles Anywhere profile must accept it).")
        var roleSessionName: String?

        func validate() throws {
            do { _ = try DurationText.seconds(duration) } catch { throw ValidationError(error.description) }
            if let mfaInterval {
                do { _ = try DurationText.seconds(mfaInterval) } catch { throw ValidationError(error.description) }
            }
        }

        func run() async throws {
            try await Console.reportingErrors {
                let context = Console.context()
                try context.home.checkDirectory()
                let mode = try ProfileSetup(context: context).mfaMode(asked: mfa)
                let profile = Profile(
                    name: name, roleArn: roleArn, profileArn: profileArn, trustAnchorArn: trustAnchorArn,
                    region: region, durationSeconds: try DurationText.seconds(duration), mfa: mode,
                    endpoint: endpoint, roleSessionName: roleSessionName,
                    mfaVerificationIntervalSeconds: try mfaInterval.map(DurationText.seconds), pinCommand: pinCommand
                )
                try context.config.add(profile)
                Console.err("Added profile \(name) (\(roleArn), MFA \(mode.rawValue)).\n")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List profiles.")

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            try await Console.reportingErrors {
                let profiles = try Console.context().config.profiles()
                if json {
                    Console.out(try ProfileJSON.encode(profiles) + "\n")
                    return
                }
                Console.out("NAME\tMFA\tDURATION\tROLE\n")
                for profile in profiles {
                    Console.out("\(profile.name)\t\(profile.mfa.rawValue)\t\(DurationText.format(profile.durationSeconds))\t\(profile.roleArn)\n")
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one profile.")

        @Argument(help: "The profile's name.")
        var name: String

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            try await Console.reportingErrors {
                let profile = try Console.context().config.profile(named: name)
                if json {
                    Console.out(try ProfileJSON.encode(profile) + "\n")
                    return
                }
                Console.out("""
                name:              \(profile.name)
                role ARN:          \(profile.roleArn)
                profile ARN:       \(profile.profileArn)
                trust anchor ARN:  \(profile.trustAnchorArn)
                region:            \(profile.effectiveRegion)
                duration:          \(DurationText.format(profile.durationSeconds))
                MFA:               \(profile.mfa.rawValue)
                endpoint:          \(profile.endpoint ?? "default")
                PIN command:       \(profile.pinCommand ?? "none")

                """)
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a profile.")

        @Argument(help: "The profile's name.")
        var name: String

        func run() async throws {
            try await Console.reportingErrors {
                try Console.context().config.remove(named: name)
                Console.err("Removed profile \(name).\n")
            }
        }
    }
}

extension Profile.MFAMode: ExpressibleByArgument {}

enum ProfileJSON {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
