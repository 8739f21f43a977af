import RolesAnywhere

/// What STS refused, or why it could not be asked, with what to change. Built from codes, AWS's
/// own message text and public identifiers only: never from credentials or signatures.
public struct STSError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        case accessDenied, validation, expiredToken, invalidCredentials, regionDisabled, throttled, serverError
        case connection, unexpectedResponse
    }

    public let code: Code
    public let message: String
    public let awsErrorCode: String?
    public let httpStatus: Int?
    public let requestId: String?

    init(_ code: Code, _ message: String, awsErrorCode: String? = nil, httpStatus: Int? = nil, requestId: String? = nil) {
        self.code = code
        self.message = message
        self.awsErrorCode = awsErrorCode
        self.httpStatus = httpStatus
        self.requestId = requestId
    }

    public var isRetryable: Bool { [.throttled, .serverError, .connection].contains(code) }

    public var description: String {
        guard let awsErrorCode, let httpStatus else { return message }
        return message + " (\(awsErrorCode), HTTP \(httpStatus)" + (requestId.map { ", request id \($0))" } ?? ")")
    }

    /// An STS error answer, turned into what to fix.
    static func refused(_ request: AssumeRoleRequest, status: Int, awsErrorCode: String?, awsMessage: String?, requestId: String?) -> STSError {
        let said = printableExcerpt(awsMessage ?? "no message", limit: 300)
        let role = printableExcerpt(request.roleArn, limit: 200)
        let (code, message): (Code, String) = switch awsErrorCode {
        case "AccessDenied":
            (.accessDenied, "STS refused to let the source profile's role assume \(role): the target role's trust policy must allow sts:AssumeRole for the source role\(request.externalId == nil ? " (if it asks for an external ID, give the profile one: `rolecall profile add NAME --source-profile SOURCE --role-arn ARN --external-id ID --force`)" : " with this external ID (check --external-id)"): \(said)")
        case "ValidationError":
            (.validation, "STS refused the AssumeRole request for \(role): check --duration (at most 1h when chaining roles), --role-session-name and --role-arn: \(said)")
        case "ExpiredToken", "ExpiredTokenException":
            (.expiredToken, "the source profile's credentials had expired when AssumeRole was called: check the machine's clock, then run the command again: \(said)")
        case "InvalidClientTokenId", "SignatureDoesNotMatch", "IncompleteSignature", "MissingAuthenticationToken":
            (.invalidCredentials, "STS did not accept the source profile's credentials: check the region, the STS endpoint (the profile's --sts-endpoint, else AWS_ENDPOINT_URL_STS) and the machine's clock: \(said)")
        case "RegionDisabledException":
            (.regionDisabled, "STS is not activated in this region for the account: activate it in IAM's account settings, or give the profile another --region: \(said)")
        case "Throttling", "ThrottlingException":
            (.throttled, "STS is throttling requests: \(said)")
        default:
            status >= 500 ? (.serverError, "STS failed: \(said)") : (.unexpectedResponse, "STS refused AssumeRole for \(role): \(said)")
        }
        return STSError(code, message, awsErrorCode: awsErrorCode.map { printableExcerpt($0, limit: 64) } ?? "Unknown",
                        httpStatus: status, requestId: requestId.map { printableExcerpt($0, limit: 64) })
    }

    static func connection(_ endpoint: Endpoint, reason: String) -> STSError {
        STSError(.connection, "could not reach STS at \(endpoint): \(reason); check the network and the STS endpoint (the profile's --sts-endpoint, else AWS_ENDPOINT_URL_STS)")
    }

    /// A transport failure; a refused redirect is no connection problem and not worth another try.
    static func transport(_ endpoint: Endpoint, _ error: TransportError) -> STSError {
        guard error.code == .redirect else { return .connection(endpoint, reason: error.reason) }
        return STSError(.unexpectedResponse, "STS at \(endpoint): \(error.reason)")
    }

    static func unexpected(_ reason: String, status: Int) -> STSError {
        STSError(.unexpectedResponse, "STS sent an answer rolecall cannot use: \(reason)", awsErrorCode: "InvalidResponse", httpStatus: status)
    }
}
