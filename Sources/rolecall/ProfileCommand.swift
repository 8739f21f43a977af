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
import TokenKeys

struct ProfileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Manage profiles: which role, Roles Anywhere profile and trust anchor to use.",
        subcommands: [Add.self, SetEndpoints.self, List.self, Show.self, Remove.self, SetTrustAnchor.self]
    )

    struct Add: ContextualCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a profile.")

        @Argument(help: "The profile's name.")
        var name: String

        @Option(name: .customLong("role-arn"), help: "arn:aws:iam::ACCOUNT:role/NAME")
        var roleArn: String

        @Option(name: .customLong("profile-arn"), help: "arn:aws:rolesanywhere:REGION:ACCOUNT:profile/ID")
        var profileArn: String?

        @Option(name: .customLong("trust-anchor-arn"), help: "arn:aws:rolesanywhere:REGION:ACCOUNT:trust-anchor/ID")
        var trustAnchorArn: String?

        @Option(name: .customLong("source-profile"), help: "Chain roles: assume --role-arn with STS AssumeRole, signed with a session of this profile (its MFA, one code for both); at most 1h.",
                completion: Completions.profileNames)
        var sourceProfile: String?

        @Option(name: .customLong("external-id"), help: "The external ID the chained role's trust policy asks for (with --source-profile).")
        var externalId: String?

        @Option(help: "AWS region (default: the trust anchor's).")
        var region: String?

        @Option(help: "Longest AWS session, 15m to 12h or seconds.", transform: DurationArgument.parse)
        var duration = DurationArgument(seconds: SessionDurationPolicy.defaultSeconds)

        @Option(help: "required: a single-use certificate per session after a TOTP check; token: the same, with the PIN of the token that holds the CA's key as the check; off: no MFA. Default: token when the CA's key is on a token, else required.")
        var mfa: Profile.MFAMode?

        @Option(name: .customLong("pin-command"), help: "A command whose first line of output is the token's PIN, for commands given none (e.g. credential_process with --mfa off).")
        var pinCommand: String?

        @Option(help: "Sign CreateSession with your own certificate instead of rolecall's CA: a PEM or DER file, or pkcs11:URI of a certificate object.")
        var certificate: String?

        @Option(name: .customLong("private-key"), help: "The certificate's key: a PEM file (mode 0600) or pkcs11:URI (the PIN is asked each session).")
        var privateKey: String?

        @Option(help: "A PEM file of the intermediates between the certificate and the trust anchor.")
        var intermediates: String?

        @Option(name: .customLong("pkcs11-module"), help: "The PKCS#11 module for --private-key pkcs11:URI (default: the URI's module-path, $ROLECALL_PKCS11_MODULE, else p11-kit's proxy); remembered.",
                transform: { TokenAccess.absoluteModulePath($0) })
        var pkcs11Module: String?

        @Option(name: .customLong("mfa-interval"), help: "How long one MFA check lets `exec --server` refresh credentials (16m to 12h; default 1h).",
                transform: DurationArgument.parse)
        var mfaInterval: DurationArgument?

        @OptionGroup var endpoints: EndpointOptions

        @Flag(help: "Replace the profile of this name, if there is one, and say what changed.")
        var force = false

        @Option(name: .customLong("role-session-name"), help: "Session name to ask for (the Roles Anywhere profile must accept it; with --source-profile, AssumeRole's, default rolecall-$USER).")
        var roleSessionName: String?

        func validate() throws {
            if sourceProfile != nil {
                let others = [("--profile-arn", profileArn), ("--trust-anchor-arn", trustAnchorArn), ("--mfa", mfa?.rawValue),
                              ("--pin-command", pinCommand), ("--certificate", certificate), ("--private-key", privateKey),
                              ("--intermediates", intermediates), ("--pkcs11-module", pkcs11Module), ("--mfa-interval", mfaInterval?.description),
                              ("--endpoint", endpoints.endpoint)].filter { $0.1 != nil }.map(\.0)
                guard others.isEmpty else {
                    throw ValidationError(ConfigError.chainedFlag(others).description)
                }
                return
            }
            if externalId != nil { throw ValidationError("--external-id goes with --source-profile") }
            guard profileArn != nil, trustAnchorArn != nil else {
                throw ValidationError("give --profile-arn and --trust-anchor-arn (the Roles Anywhere profile and trust anchor), or --source-profile to chain from another profile")
            }
            if (certificate == nil) != (privateKey == nil) { throw ValidationError("give --certificate and --private-key together") }
            if intermediates != nil && certificate == nil { throw ValidationError("--intermediates goes with --certificate") }
        }

        func run(_ ctx: CommandContext) async throws {
            try await ctx.reportingErrors {
                var context = ctx.session()
                if let sourceProfile {
                    try context.home.checkDirectory()
                    var profile = Profile.chained(name: name, sourceProfile: sourceProfile, roleArn: roleArn, externalId: externalId, region: region,
                                                  durationSeconds: duration.seconds, roleSessionName: roleSessionName)
                    profile.endpoints = endpoints.givenForChain
                    try save(profile, in: context, ctx, saying: "\(roleArn), assumed with sessions of profile \(sourceProfile), at most 1h")
                    return
                }
                context.pkcs11Module = pkcs11Module
                // A profile with its own certificate needs no `rolecall init`: only a home for the config.
                if certificate != nil { try context.home.create() } else { try context.home.checkDirectory() }
                let setup = ProfileSetup(context: context)
                let own = try certificate.map { certificate in
                    try setup.ownCertificate(certificate: certificate, privateKey: privateKey ?? "", intermediates: intermediates,
                                             pinCommand: pinCommand, workingDirectory: ctx.workingDirectory())
                }
                let mode = try setup.mfaMode(asked: mfa, own: own)
                let target = Profile.RolesAnywhereTarget(profileArn: profileArn ?? "", trustAnchorArn: trustAnchorArn ?? "")
                var profile = Profile(
                    name: name, roleArn: roleArn, kind: own.map { .ownCertificate($0, target) } ?? .localCA(target),
                    region: region, durationSeconds: duration.seconds, mfa: mode, roleSessionName: roleSessionName,
                    mfaVerificationIntervalSeconds: mfaInterval?.seconds, pinCommand: pinCommand
                )
                profile.endpoints = endpoints.given
                try save(profile, in: context, ctx, saying: "\(roleArn), MFA \(mode.rawValue)")
            }
        }

        /// Adds the profile, or with --force replaces one of its name and says field by field what changed.
        private func save(_ profile: Profile, in context: SessionContext, _ ctx: CommandContext, saying summary: String) throws {
            guard let replaced = try context.config.add(profile, replacing: force) else {
                ctx.err("Added profile \(name) (\(summary)).\n")
                return
            }
            let changes = profile.changes(from: replaced)
            ctx.err("Replaced profile \(name) (\(summary)): \(changes.isEmpty ? "nothing changed" : "\(changes.count) \(changes.count == 1 ? "change" : "changes")")\n")
            for line in changes { ctx.err("  \(line)\n") }
        }
    }

    struct List: ContextualCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List profiles.")

        @Flag(help: "Print JSON.")
        var json = false

        func run(_ ctx: CommandContext) async throws {
            try await ctx.reportingErrors {
                let profiles = try ctx.session().config.profiles()
                if json {
                    ctx.out(try ProfileJSON.encode(profiles) + "\n")
                    return
                }
                ctx.out("NAME\tMFA\tDURATION\tROLE\n")
                for profile in profiles {
                    ctx.out("\(profile.name)\t\(profile.mfaShown.rawValue)\t\(DurationText.format(profile.durationSeconds))\t\(profile.roleArn)\n")
                }
            }
        }
    }

    struct Show: ContextualCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one profile.")

        @Argument(help: "The profile's name.", completion: Completions.profileNames)
        var name: String

        @Flag(help: "Print JSON.")
        var json = false

        func run(_ ctx: CommandContext) async throws {
            try await ctx.reportingErrors {
                let profile = try ctx.session().config.profile(named: name)
                if json {
                    ctx.out(try ProfileJSON.encode(profile) + "\n")
                    return
                }
                let target: Profile.RolesAnywhereTarget, certificate: String
                switch profile.kind {
                case .chained(let chain):
                    ctx.out("""
                    name:              \(profile.name)
                    role ARN:          \(profile.roleArn)
                    source profile:    \(chain.sourceProfile) (AssumeRole with its sessions; its MFA: \(profile.mfa.rawValue))
                    external ID:       \(chain.externalId ?? "none")
                    region:            \(profile.region ?? "the source profile's")
                    duration:          \(DurationText.format(profile.durationSeconds))
                    role session name: \(profile.roleSessionName ?? "rolecall-$USER")
                    STS endpoint:      \(profile.stsEndpoint ?? "the source profile's, else default")
                    sign-in endpoint:  \(profile.signinEndpoint ?? "the source profile's, else default")

                    """)
                    return
                case .localCA(let ca): (target, certificate) = (ca, "from rolecall's CA")
                case .teamIssuer(let issuer, let team): (target, certificate) = (team, "from the team issuer at \(issuer) (`rolecall login`)")
                case .ownCertificate(let own, let given): (target, certificate) = (given, "\(own.certificate), key \(own.privateKey)")
                }
                ctx.out("""
                name:              \(profile.name)
                role ARN:          \(profile.roleArn)
                profile ARN:       \(target.profileArn)
                trust anchor ARN:  \(target.trustAnchorArn)
                region:            \(profile.effectiveRegion)
                duration:          \(DurationText.format(profile.durationSeconds))
                MFA:               \(profile.mfaShown == .login ? "login (the code at `rolecall login`; none per session)" : profile.mfaShown.rawValue)
                endpoint:          \(profile.endpoint ?? "default")
                STS endpoint:      \(profile.stsEndpoint ?? "default")
                sign-in endpoint:  \(profile.signinEndpoint ?? "default")
                PIN command:       \(profile.pinCommand ?? "none")
                certificate:       \(certificate)

                """)
            }
        }
    }

    struct Remove: ContextualCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a profile.")

        @Argument(help: "The profile's name.", completion: Completions.profileNames)
        var name: String

        func run(_ ctx: CommandContext) async throws {
            try await ctx.reportingErrors {
                try ctx.session().config.remove(named: name)
                ctx.err("Removed profile \(name).\n")
            }
        }
    }
}

extension Profile.MFAMode: ExpressibleByArgument {}

extension ProfileCommand {
    struct SetEndpoints: ContextualCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Change the endpoints of a profile, and say what changed (other settings: profile add NAME ... --force).",
            discussion: "Example: rolecall profile set dev --emulator http://127.0.0.1:8443"
        )

        @Argument(help: "The profile's name.", completion: Completions.profileNames)
        var name: String

        @OptionGroup var endpoints: EndpointOptions

        func validate() throws {
            guard !endpoints.given.isEmpty else {
                throw ValidationError("give --endpoint, --sts-endpoint, --signin-endpoint or --emulator")
            }
        }

        func run(_ ctx: CommandContext) async throws {
            try await ctx.reportingErrors {
                let (old, new) = try ctx.session().config.update(named: name) { profile in
                    profile.endpoints = (profile.kind.chain == nil ? endpoints.given : endpoints.givenForChain).filled(from: profile.endpoints)
                }
                let changes = new.changes(from: old)
                ctx.err("Profile \(name): \(changes.isEmpty ? "nothing changed" : changes.joined(separator: "; "))\n")
                if new.kind.isTeamIssuer {
                    ctx.err("rolecall: warning: profile \(name) comes from the team issuer, and `rolecall login` writes it again: to keep these endpoints, log in with them (`rolecall login \(endpoints.given.arguments.joined(separator: " "))`, remembered)\n")
                }
            }
        }
    }

    struct SetTrustAnchor: ContextualCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-trust-anchor",
            abstract: "Point the profiles of rolecall's CA at another trust anchor (after promoting a staged CA that has a trust anchor of its own)."
        )

        @Argument(help: "The new trust anchor: arn:aws:rolesanywhere:REGION:ACCOUNT:trust-anchor/ID")
        var trustAnchorArn: String

        @Option(help: "Only the profiles on this trust anchor (default: every profile of rolecall's CA).")
        var from: String?

        func run(_ ctx: CommandContext) async throws {
            try await ctx.reportingErrors {
                for name in try ctx.session().config.setTrustAnchor(trustAnchorArn, from: from) {
                    ctx.err("profile \(name): trust anchor \(trustAnchorArn)\n")
                }
            }
        }
    }
}

enum ProfileJSON {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
