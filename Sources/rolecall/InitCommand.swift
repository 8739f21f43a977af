import ArgumentParser
import CommandLineSupport
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import IssuanceCore
import Session

struct InitCommand: ContextualCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the rolecall home, a local CA and a first TOTP device."
    )

    @Option(help: "The name certificates are issued to (default: $USER).")
    var user: String?

    @Flag(help: "Print {user, otpauthURI, caCertificatePEM, caFingerprintSHA256} as JSON and nothing else.")
    var json = false

    @OptionGroup var caKeyOptions: CAKeyOptions

    @OptionGroup var mfa: MFAOptions

    @Flag(name: .customLong("no-verify"), help: "Do not ask for a code at the end to check that the authenticator was set up (for scripts).")
    var noVerify = false

    func validate() throws {
        if noVerify && (mfa.mfaCode != nil || mfa.mfaCommand != nil) { throw ValidationError("give --no-verify or an MFA code option, not both") }
    }

    func run(_ ctx: CommandContext) async throws {
        try await ctx.reportingErrors {
            let context = caKeyOptions.apply(to: ctx.session())
            let name = user ?? context.environment["USER"] ?? "rolecall-user"
            let caKey = try caKeyOptions.caKeyURI()
            let result = try LocalSetup(context: context).initialize(user: name, caKey: caKey)
            if json {
                let object: JSONValue = [
                    "user": .string(result.user), "otpauthURI": .string(result.otpauthURI),
                    "caCertificatePEM": .string(result.caCertificatePEM), "caFingerprintSHA256": .string(result.caFingerprintSHA256),
                ]
                ctx.out(object.line + "\n")
                try await verify(context, ctx)
                return
            }
            ctx.out("""
            Created \(result.home) for \(result.user).

            Add this TOTP device to your authenticator app (it is shown only now):
              \(result.otpauthURI)

            """)
            if let qr = TerminalQRCode.render(result.otpauthURI) { ctx.out(qr + "\n") }
            if let caKey, let created = result.caKeyCreated {
                ctx.out("The CA's key is on the token, \(created ? "made there now" : "the one already there"): \(caKey). No file holds it; each certificate needs the token and its PIN.\n")
            }
            ctx.out("""
            CA fingerprint (SHA-256): \(result.caFingerprintSHA256)

            Next steps:
              1. Register the CA as an IAM Roles Anywhere trust anchor:  rolecall ca show > rolecall-ca.pem
              2. Add a profile:  rolecall profile add NAME --role-arn ARN --profile-arn ARN --trust-anchor-arn ARN
              3. Use it:         rolecall exec --profile NAME -- aws sts get-caller-identity

            """)
            try await verify(context, ctx)
        }
    }

    /// One code from the new device, so that a mistyped secret or a wrong clock shows now, not at
    /// the first `exec`. Without a terminal and without a code option there is no one to ask.
    private func verify(_ context: SessionContext, _ ctx: CommandContext) async throws {
        guard !noVerify else { return }
        let codes = mfa.source(label: "the device just added (to check it)")
        if case .terminalPrompt = codes, !ctx.terminal.isAvailable {
            ctx.err("rolecall: the authenticator was not checked (no terminal to ask on): run `rolecall mfa verify` once it is set up, or give init --no-verify\n")
            return
        }
        do {
            try await LocalSetup(context: context).verifyDevice(codes: codes)
        } catch let error as SetupError {
            throw error.afterInit()
        }
        ctx.err("The authenticator works: its code was accepted.\n")
    }
}
