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

    /// Why credential-process refuses a per-session-MFA profile outside an agent's tree, and the
    /// two ways in. No "rolecall: " prefix: the command line adds it, as it does to every error.
    public static func refusal(profile: String) -> String {
        let name = shellQuoted(profile)
        return """
        profile \(name) requires per-session MFA, and this process is not inside a tree that holds its session.
        credential_process is answered for it only inside one, after one MFA check:
          rolecall exec --server --profile \(name) -- COMMAND
          eval "$(rolecall agent --shell-pid $$ --profile \(name))"
        """
    }
}
