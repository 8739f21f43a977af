#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RolesAnywhere

/// `rolecall console`: a browser session for the role, from the session's credentials, through
/// AWS's federation endpoint (`getSigninToken`, then the `login` URL). The sign-in URL is a bearer
/// secret for 15 minutes: it stays in `SecretBytes`, and reaches the browser through a one-time
/// loopback redirect (`OneTimeRedirect`), never through an argv.
public struct AWSConsoleSignIn: Sendable {
    /// Overrides the federation endpoint (the emulator's, in tests and `demo`).
    public static let endpointVariable = "ROLECALL_SIGNIN_ENDPOINT"
    /// What `getSigninToken` accepts as `SessionDuration`.
    public static let sessionDurationRange = SessionDurationPolicy.range
    /// The longest console session from credentials of role chaining.
    public static let chainedMaximumSeconds = 3600

    let transport: any HTTPTransport
    let environment: [String: String]
    let now: @Sendable () -> Date

    public init(context: SessionContext) {
        transport = context.transport
        environment = context.environment
        now = context.now
    }

    /// The profile's `--signin-endpoint` (`profileEndpoint`), else `ROLECALL_SIGNIN_ENDPOINT`, else
    /// `https://signin.aws.amazon.com/federation` and its equivalents, by the role's partition.
    /// An override passes the rules of every endpoint (`Endpoint(parsing:)`): the session's secret
    /// key and token travel in its query string, so http:// is for loopback only.
    func federationURL(partition: String, profileEndpoint: String?) throws -> String {
        let overrides = [("--signin-endpoint", profileEndpoint), (Self.endpointVariable, environment[Self.endpointVariable])]
        for (source, override) in overrides {
            guard let override, !override.isEmpty else { continue }
            let endpoint = try Endpoint(parsing: override, from: source)
            return endpoint.basePath.hasSuffix("/federation") ? endpoint.description : endpoint.url("/federation")
        }
        switch partition {
        case "aws": return "https://signin.aws.amazon.com/federation"
        case "aws-cn": return "https://signin.amazonaws.cn/federation"
        case "aws-us-gov": return "https://signin.amazonaws-us-gov.com/federation"
        default: throw AWSConsoleSignInError.unknownPartition(partition, variable: Self.endpointVariable)
        }
    }

    /// Throws when no federation endpoint is known for the role's partition (the ISO partitions).
    public func checkSignInPossible(roleArn: String, signinEndpoint: String? = nil) throws {
        _ = try federationURL(partition: Self.partition(of: roleArn), profileEndpoint: signinEndpoint)
    }

    static func partition(of roleArn: String) -> String { (try? ARN(roleArn, kind: .role))?.partition ?? "aws" }

    /// The console home of `region`, in the role's partition.
    static func defaultDestination(partition: String, region: String?) -> String {
        let host = switch partition {
        case "aws-cn": "console.amazonaws.cn"
        case "aws-us-gov": "console.amazonaws-us-gov.com"
        default: "console.aws.amazon.com"
        }
        let query = region.map { "?region=" + CanonicalRequest.uriEncode($0) } ?? ""
        return "https://\(host)/console/home\(query)"
    }

    /// The sign-in URL for `credentials` of `roleArn`, opening `destination` (default: the console
    /// home of `region`). The console session lasts what the credentials have left, within what
    /// `getSigninToken` accepts (a 900 s session has a second or two less left when it gets here),
    /// and within 1 h for `chained` credentials.
    public func signInURL(credentials: AWSCredentials, roleArn: String, region: String?, destination: String?, chained: Bool = false,
                          signinEndpoint: String? = nil) async throws -> SecretBytes {
        let partition = Self.partition(of: roleArn)
        let federation = try federationURL(partition: partition, profileEndpoint: signinEndpoint)
        let left = Int(credentials.expiration.timeIntervalSince(now()).rounded(.down))
        let ceiling = chained ? Self.chainedMaximumSeconds : Self.sessionDurationRange.upperBound
        let duration = min(max(left, Self.sessionDurationRange.lowerBound), ceiling)
        let session: JSONValue = [
            "sessionId": .string(credentials.accessKeyId),
            "sessionKey": .string(credentials.secretAccessKey.unsafeStringValue()),
            "sessionToken": .string(credentials.sessionToken.unsafeStringValue()),
        ]
        let tokenRequest = SecretBytes(federation + "?Action=getSigninToken&SessionDuration=\(duration)&Session="
                                       + CanonicalRequest.uriEncode(session.line))
        defer { tokenRequest.wipe() }
        let response = try await transport.send(TransportRequest(method: "GET", url: tokenRequest.unsafeStringValue(), headers: [], body: []))
        guard response.status == 200, let token = (try? JSONDecoder().decode(SigninTokenAnswer.self, from: Data(response.body)))?.signinToken,
              !token.isEmpty else {
            throw AWSConsoleSignInError.refused(federation, status: response.status)
        }
        let target = destination ?? Self.defaultDestination(partition: partition, region: region)
        return SecretBytes(federation + "?Action=login&Issuer=rolecall&Destination=" + CanonicalRequest.uriEncode(target)
                           + "&SigninToken=" + CanonicalRequest.uriEncode(token))
    }
}

/// `getSigninToken`'s answer.
private struct SigninTokenAnswer: Decodable {
    let signinToken: String

    enum CodingKeys: String, CodingKey {
        case signinToken = "SigninToken"
    }
}
