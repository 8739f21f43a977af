import ArgumentParser
import CommandLineSupport
import Foundation
import IssuanceCore
import IssuerProtocol
import IssuerServer
import RolesAnywhere

extension MFARequirement: ExpressibleByArgument {}

struct IssuerRoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "role",
        abstract: "Which user may use which role, and how.",
        subcommands: [Allow.self, List.self, Revoke.self, SetTrustAnchor.self]
    )

    struct Allow: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "allow", abstract: "Allow a user a role (replaces an earlier grant of the same role).")

        @OptionGroup var options: IssuerOptions

        @Argument(help: "The user's name.")
        var user: String

        @Argument(help: "arn:aws:iam::ACCOUNT:role/NAME")
        var roleArn: String

        @Option(name: .customLong("profile-arn"), help: "arn:aws:rolesanywhere:REGION:ACCOUNT:profile/ID")
        var profileArn: String

        @Option(name: .customLong("trust-anchor-arn"), help: "arn:aws:rolesanywhere:REGION:ACCOUNT:trust-anchor/ID")
        var trustAnchorArn: String

        @Option(help: "AWS region (default: the trust anchor's).")
        var region: String?

        @Option(name: .customLong("max-duration"), help: "Longest AWS session, 15m to 12h.", transform: DurationArgument.parse)
        var maxDuration = DurationArgument(seconds: SessionDurationPolicy.defaultSeconds)

        @Option(help: "per-session: a TOTP code with every certificate; login: the login's TOTP check covers it; off: no MFA.")
        var mfa: MFARequirement = .perSession

        func run() async throws {
            try await StandardIO.reportingErrors {
                let allowance = try await options.withAdmin {
                    try await $0.allowRole(user: user, roleArn: roleArn, profileArn: profileArn, trustAnchorArn: trustAnchorArn,
                                           region: region, maxDurationSeconds: maxDuration.seconds, mfa: mfa)
                }
                StandardIO.out("Allowed \(user) \(roleArn) (MFA \(mfa.rawValue), at most \(maxDuration)).\n")
                for account in allowance.sameNameAccounts {
                    StandardIO.err("\(StandardIO.programName): warning: a role of the same name is granted in account \(account) too: each role's trust policy must require its own account (\(LeafSubject.accountTag)), or one grant opens the other\n")
                }
                StandardIO.out("""
                    The role's trust policy must admit only its own certificates (docs/issuer-api.md, "Binding certificates to roles"):
                    \(allowance.trustPolicyCondition)
                    Other users granted this role go in the x509Subject/CN list.
                    The session's length is not bounded by --max-duration alone: AWS sizes it, up to the Roles Anywhere
                    profile's durationSeconds and the role's MaxSessionDuration; set those to \(maxDuration) or less.

                    """)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List role grants.")

        @OptionGroup var options: IssuerOptions

        @Option(help: "Only this user's grants.")
        var user: String?

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            try await StandardIO.reportingErrors {
                let grants = try await options.withAdmin { try await $0.grants(user: user) }
                if json { return try printJSON(grants) }
                StandardIO.out("USER\tROLE\tMFA\tMAX DURATION\n")
                for grant in grants {
                    StandardIO.out("\(grant.user)\t\(grant.roleArn)\t\(grant.mfa)\t\(DurationText.format(grant.maxDurationSeconds))\n")
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Take a role away from a user.")

        @OptionGroup var options: IssuerOptions

        @Argument(help: "The user's name.")
        var user: String

        @Argument(help: "The role ARN.")
        var roleArn: String

        func run() async throws {
            try await StandardIO.reportingErrors {
                try await options.withAdmin { try await $0.revokeRole(user: user, roleArn: roleArn) }
                StandardIO.out("Revoked \(roleArn) from \(user).\n")
            }
        }
    }

    struct SetTrustAnchor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-trust-anchor",
            abstract: "Move every grant on one trust anchor to another (after promoting a staged CA that has a trust anchor of its own)."
        )

        @OptionGroup var options: IssuerOptions

        @Argument(help: "The new trust anchor ARN.")
        var trustAnchorArn: String

        @Option(help: "The trust anchor the grants use now.")
        var from: String

        func run() async throws {
            try await StandardIO.reportingErrors {
                let moved = try await options.withAdmin { try await $0.setTrustAnchor(trustAnchorArn, from: from) }
                StandardIO.out("Moved \(moved) grant\(moved == 1 ? "" : "s") to \(trustAnchorArn); each user gets it at their next `rolecall login`.\n")
            }
        }
    }
}
