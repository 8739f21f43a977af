import ArgumentParser
import IssuanceCore
import RolesAnywhere
import Session

/// Which profile and session a command uses.
struct SelectionOptions: ParsableArguments {
    @Option(help: "The profile to use (default: the one for --aws-role, $ROLECALL_PROFILE, or the only profile).")
    var profile: String?

    @Option(name: .customLong("aws-role"), help: "Use the profile whose role ARN is this.")
    var awsRole: String?

    @Option(help: "AWS session length, 15m to 12h (default 1h, at most the profile's --duration).")
    var duration: String?

    @Option(help: "AWS region (default: the profile's, else the trust anchor's).")
    var region: String?

    @Option(help: .hidden)
    var endpoint: String?

    func validate() throws {
        if profile != nil && awsRole != nil { throw ValidationError("give --profile or --aws-role, not both") }
        if let duration {
            let seconds: Int
            do { seconds = try DurationText.seconds(duration) } catch { throw ValidationError(error.description) }
            do {
                _ = try SessionDurationPolicy.durationSeconds(for: .init(requestedSeconds: seconds, profileLimitSeconds: SessionDurationPolicy.maximumSeconds))
            } catch { throw ValidationError(error.description) }
        }
    }

    var selection: SessionStarter.Selection {
        .init(profileName: profile, roleArn: awsRole, durationSeconds: duration.flatMap { try? DurationText.seconds($0) },
              region: region, endpoint: endpoint)
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
