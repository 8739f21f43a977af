#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Issuance
import RolesAnywhere

/// The JSON that AWS's `credential_process` setting expects (Version 1).
public enum CredentialProcessOutput {
    public static func render(_ credentials: AWSCredentials) -> String {
        object(credentials).line + "\n"
    }

    /// The JSON object itself (the agent sends it inside its answer).
    static func object(_ credentials: AWSCredentials) -> JSONValue {
        [
            "Version": 1,
            "AccessKeyId": .string(credentials.accessKeyId),
            "SecretAccessKey": .string(credentials.secretAccessKey.unsafeStringValue()),
            "SessionToken": .string(credentials.sessionToken.unsafeStringValue()),
            "Expiration": .string(RFC3339.string(from: credentials.expiration)),
        ]
    }

    /// Why credential-process refuses a per-session-MFA profile, and the two commands that work.
    /// No "rolecall: " prefix: the command line adds it, as it does to every error.
    public static func refusal(profile: String) -> String {
        let name = shellQuoted(profile)
        return """
        profile \(name) requires per-session MFA, so its credentials are only available to one session.
        credential_process would let an SDK cache or re-run it outside that session, so it is refused.
        Use one of these instead:
          eval "$(rolecall env --profile \(name))"
          rolecall exec --profile \(name) -- aws sts get-caller-identity
        """
    }
}
