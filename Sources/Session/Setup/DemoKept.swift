#if canImport(Glibc)
import Glibc
#endif
import RolesAnywhere

extension Demo {
    /// What `rolecall demo --keep` leaves behind: the emulator, still serving, and the temporary
    /// directory (the home whose CA it trusts, its config and its log).
    public struct Kept: Sendable {
        public let pid: pid_t
        public let url: String
        public let directory: String
        /// The demo's throwaway TOTP device, for an authenticator (as `rolecall init` shows one).
        let otpauthURI: String

        /// Shell lines for stdout: `export`s to evaluate, the rest as comments, so that
        /// `eval "$(rolecall demo --keep -- true)"` sets up the shell.
        public var lines: String {
            let quotedDirectory = shellQuoted(directory)
            return """
                # rolecall demo --keep: the emulator (pid \(pid)) serves \(url) until stopped.
                # Its config: \(directory)/emulator.json; its request log: \(directory)/emulator.log.
                # To use it from a shell (the demo's home, whose CA the emulator trusts, holds profile demo):
                export ROLECALL_HOME=\(shellQuoted(directory + "/home"))
                export AWS_ENDPOINT_URL_STS=\(url)
                export ROLECALL_SIGNIN_ENDPOINT=\(url)/federation
                # rolecall exec --profile demo -- aws sts get-caller-identity
                # MFA codes come from the demo's TOTP device; add it to an authenticator app:
                # \(otpauthURI)
                # The profile, as another home would add it (append that home's `rolecall ca show` to
                # \(directory)/ca.pem, then restart the emulator with --config \(directory)/emulator.json):
                # rolecall profile add demo --region \(Demo.region) --emulator \(url) \\
                #   --role-arn \(Demo.roleArn) \\
                #   --profile-arn \(Demo.profileArn) \\
                #   --trust-anchor-arn \(Demo.trustAnchorArn)
                # To stop the emulator and remove the demo's home:
                # kill \(pid) && rm -rf \(quotedDirectory)

                """
        }
    }
}
