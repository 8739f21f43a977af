#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RolesAnywhere

/// The variables a session's process tree gets, and those it must not inherit.
public enum SessionEnvironment {
    /// Set inside a session; also what refuses a nested one.
    public static let sessionVariable = "ROLECALL_SESSION"
    public static let roleVariable = "ROLECALL_ROLE_ARN"
    /// When the `exec --server` MFA window (the in-memory certificate) ends.
    public static let mfaWindowVariable = "ROLECALL_MFA_WINDOW_END"

    /// Variables that would make an SDK ignore or override the session's credentials.
    public static let removed = [
        "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_CREDENTIAL_EXPIRATION",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
        "AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
        "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME",
    ]

    /// The variables whose values are secrets: shown by their length only.
    public static let secretVariables: Set<String> = ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN"]

    /// A variable's value as it may be shown: a secret by its length only.
    public static func masked(_ variable: (name: String, value: String)) -> String {
        secretVariables.contains(variable.name) ? "<\(variable.value.count) characters>" : variable.value
    }

    /// Static credentials, in the order they are printed.
    public static func staticCredentials(_ credentials: AWSCredentials, region: String?, session: String, roleArn: String) -> [(name: String, value: String)] {
        var variables: [(name: String, value: String)] = [
            ("AWS_ACCESS_KEY_ID", credentials.accessKeyId),
            ("AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey.unsafeStringValue()),
            ("AWS_SESSION_TOKEN", credentials.sessionToken.unsafeStringValue()),
            ("AWS_CREDENTIAL_EXPIRATION", RFC3339.string(from: credentials.expiration)),
        ]
        variables += common(region: region, session: session, roleArn: roleArn)
        return variables
    }

    /// Region and session markers shared by both modes.
    public static func common(region: String?, session: String, roleArn: String) -> [(name: String, value: String)] {
        var variables: [(name: String, value: String)] = []
        if let region {
            variables.append(("AWS_REGION", region))
            variables.append(("AWS_DEFAULT_REGION", region))
        }
        variables.append((sessionVariable, session))
        variables.append((roleVariable, roleArn))
        return variables
    }

    /// What the child's AWS SDKs and CLIs need to reach the profile's own endpoints: its STS
    /// endpoint (`--sts-endpoint`, `--emulator`), so that `aws sts get-caller-identity` goes where
    /// the session came from.
    public static func endpoints(_ endpoints: ServiceEndpoints) -> [(name: String, value: String)] {
        endpoints.sts.map { [("AWS_ENDPOINT_URL_STS", $0)] } ?? []
    }

    /// `base` without the removed variables, plus `variables`.
    public static func child(of base: [String: String], adding variables: [(name: String, value: String)]) -> [String: String] {
        var environment = base
        for name in removed { environment[name] = nil }
        for variable in variables { environment[variable.name] = variable.value }
        return environment
    }

    /// The refusal for a session started inside another.
    public static func nestedSessionMessage(current: String) -> String {
        "already inside the rolecall session \(current): leave it first (type `exit` in the shell that `rolecall exec` started; after `eval \"$(rolecall env)\"`, run `unset ROLECALL_SESSION` to replace its credentials), then run rolecall again"
    }
}
