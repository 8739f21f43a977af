import ArgumentParser
import CommandLineSupport
import IssuanceCore
import RolesAnywhere
import Session
import TokenKeys

/// Which profile and session a command uses.
struct SelectionOptions: ParsableArguments {
    @Option(name: .customLong("profile"),
            help: ArgumentHelp("The profile to use (default: the one for --aws-role, $ROLECALL_PROFILE, or the only profile); `exec --server` and `agent` take several.",
                               valueName: "profile"),
            completion: Completions.profileNames)
    var profiles: [String] = []

    @Option(name: .customLong("aws-role"), help: "Use the profile whose role ARN is this.")
    var awsRole: String?

    @Option(help: "AWS session length, 15m to 12h (default 1h, at most the profile's --duration).", transform: DurationArgument.session)
    var duration: DurationArgument?

    @Option(help: "AWS region (default: the profile's, else the trust anchor's).")
    var region: String?

    @Option(help: .hidden)
    var endpoint: String?

    func validate() throws {
        if !profiles.isEmpty && awsRole != nil { throw ValidationError("give --profile or --aws-role, not both") }
    }

    /// The first (or only) profile's selection.
    var selection: SessionStarter.Selection { selections[0] }

    /// One selection for each `--profile`, in the order given (one without a name when none is).
    var selections: [SessionStarter.Selection] {
        (profiles.isEmpty ? [nil] : profiles.map(Optional.some)).map { name in
            .init(profileName: name, roleArn: awsRole, durationSeconds: duration?.seconds,
                  region: region, endpoint: endpoint)
        }
    }

    /// What the MFA prompt names: the profiles, the role, or rolecall.
    var label: String { profiles.isEmpty ? awsRole ?? "rolecall" : profiles.joined(separator: ", ") }

    /// For the commands that serve one profile: several are a usage error that says which commands take them.
    func requireOneProfile(_ command: String) throws {
        guard profiles.count > 1 else { return }
        throw ValidationError("\(command) uses one profile; to serve several after one MFA check, use rolecall exec --server or eval \"$(rolecall agent --profile A --profile B)\"")
    }
}

/// Where the MFA code comes from.
struct MFAOptions: ParsableArguments {
    @Option(name: .customLong("mfa-code"), help: "The current TOTP code (visible in the process list; prefer the prompt or --mfa-command).")
    var mfaCode: String?

    @Option(name: .customLong("mfa-command"), help: "A command whose first line of output is the code, e.g. 'ykman oath accounts code -s rolecall'.")
    var mfaCommand: String?

    func validate() throws {
        if mfaCode != nil && mfaCommand != nil { throw ValidationError("give --mfa-code or --mfa-command, not both") }
    }

    func source(label: String) -> MFACodeSource {
        if let mfaCode { return .code(mfaCode) }
        if let mfaCommand { return .command(mfaCommand) }
        return .terminalPrompt(label: label)
    }
}

/// Where a token's PIN comes from, and which PKCS#11 module to load.
struct TokenOptions: ParsableArguments {
    @Option(name: .customLong("pin-command"), help: "A command whose first line of output is the token's PIN (default: a prompt on the terminal).")
    var pinCommand: String?

    @Option(name: .customLong("pkcs11-module"), help: "The PKCS#11 module (default: the URI's module-path, the one the config remembers, $ROLECALL_PKCS11_MODULE, else p11-kit's proxy).",
            transform: { TokenAccess.absoluteModulePath($0) })
    var pkcs11Module: String?

    func apply(to context: SessionContext) -> SessionContext {
        var context = context
        if let pinCommand { context.pin = .command(pinCommand) }
        context.pkcs11Module = pkcs11Module
        return context
    }
}

/// `--ca-key`: a CA whose key is on a PKCS#11 token.
struct CAKeyOptions: ParsableArguments {
    @Option(name: .customLong("ca-key"), help: "Keep the CA's key on a PKCS#11 token, e.g. 'pkcs11:token=NAME;object=rolecall-ca' (made there when absent; never written to a file).")
    var caKey: String?

    @OptionGroup var token: TokenOptions

    func validate() throws {
        do { _ = try caKeyURI() } catch { throw ValidationError("--ca-key: \(error)") }
    }

    func caKeyURI() throws -> PKCS11URI? {
        try caKey.map { try PKCS11URI(parsing: $0) }
    }

    func apply(to context: SessionContext) -> SessionContext { token.apply(to: context) }
}
