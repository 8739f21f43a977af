/// What went wrong talking to IAM Roles Anywhere, with what to do next.
///
/// Built only from codes, AWS's own message text and public identifiers: never from a key,
/// signature, secret or token.
public struct RolesAnywhereError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case accessDenied, validation, throttled, serverError, unexpectedResponse
        case connection, insecureEndpoint, invalidEndpoint, missingRegion, unsupportedKey
        case invalidDuration
    }

    /// The part of the request AWS refused, when something structured names it: AWS's error code,
    /// or what the client knows of the request it sent (`SentCreateSession`). AWS's message is shown
    /// to the user and never read here: a refusal that neither explains names no part (nil).
    public enum RefusedPart: String, Sendable {
        case certificate, profile, role, signature
    }

    public let code: Code
    public let message: String
    public let httpStatus: Int?
    public let awsErrorCode: String?
    public let requestId: String?
    public let refusedPart: RefusedPart?

    init(code: Code, message: String, httpStatus: Int? = nil, awsErrorCode: String? = nil,
         requestId: String? = nil, refusedPart: RefusedPart? = nil) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.awsErrorCode = awsErrorCode
        self.requestId = requestId
        self.refusedPart = refusedPart
    }

    /// Whether a caller's retry policy may try again (never with a single-use certificate).
    public var isRetryable: Bool {
        switch code {
        case .throttled, .serverError, .connection: true
        default: false
        }
    }

    public var description: String {
        var text = message
        if let awsErrorCode, let httpStatus { text += " (\(awsErrorCode), HTTP \(httpStatus)" + (requestId.map { ", request id \($0))" } ?? ")") }
        return text
    }

    static func fromResponse(status: Int, awsErrorCode: String?, awsMessage: String?, requestId: String?,
                             sent: SentCreateSession? = nil) -> RolesAnywhereError {
        let awsText = awsMessage.map(Self.printable) ?? "no message"
        let errorCode = awsErrorCode.map(Self.printable)
        switch status {
        case 403, 401:
            let (part, hint) = judgeRefusal(errorCode: errorCode, sent: sent)
            return .init(code: .accessDenied, message: "\(hint): \(awsText)", httpStatus: status,
                         awsErrorCode: errorCode ?? "AccessDeniedException", requestId: requestId, refusedPart: part)
        case 400, 422:
            return .init(code: .validation, message: "IAM Roles Anywhere rejected the request: \(awsText)",
                         httpStatus: status, awsErrorCode: errorCode ?? "ValidationException", requestId: requestId)
        case 429:
            return .init(code: .throttled, message: "IAM Roles Anywhere is throttling requests: \(awsText)",
                         httpStatus: status, awsErrorCode: errorCode ?? "ThrottlingException", requestId: requestId)
        case 500...599:
            return .init(code: .serverError, message: "IAM Roles Anywhere failed: \(awsText)",
                         httpStatus: status, awsErrorCode: errorCode ?? "InternalServerError", requestId: requestId)
        default:
            return .init(code: .unexpectedResponse, message: "unexpected answer from IAM Roles Anywhere: \(awsText)",
                         httpStatus: status, awsErrorCode: errorCode ?? "Unknown", requestId: requestId)
        }
    }

    static func unexpectedBody(_ reason: String, status: Int, requestId: String?) -> RolesAnywhereError {
        .init(code: .unexpectedResponse, message: "IAM Roles Anywhere sent a response rolecall cannot use: \(reason)",
              httpStatus: status, awsErrorCode: "InvalidResponse", requestId: requestId)
    }

    static func connection(_ endpoint: String, reason: String) -> RolesAnywhereError {
        .init(code: .connection, message: "could not reach \(endpoint): \(reason); check the network and the endpoint")
    }

    /// A transport failure; a refused redirect is no connection problem and not worth another try.
    static func transport(_ endpoint: String, _ error: TransportError) -> RolesAnywhereError {
        guard error.code == .redirect else { return .connection(endpoint, reason: error.reason) }
        return .init(code: .unexpectedResponse, message: "\(endpoint): \(error.reason)")
    }

    static func insecureEndpoint(_ endpoint: String) -> RolesAnywhereError {
        .init(code: .insecureEndpoint, message: "refusing \(printable(endpoint)): credentials never cross a network in clear text; use https:// (http:// is allowed for loopback addresses only)")
    }

    static func invalidEndpoint(_ endpoint: String, reason: String) -> RolesAnywhereError {
        .init(code: .invalidEndpoint, message: "invalid endpoint \(printable(endpoint)): \(reason)")
    }

    static func missingRegion() -> RolesAnywhereError {
        .init(code: .missingRegion, message: "no AWS region: pass --region, set it on the profile, or set AWS_REGION")
    }

    static func unsupportedKey() -> RolesAnywhereError {
        .init(code: .unsupportedKey, message: "unsupported private key: Roles Anywhere accepts RSA, P-256 and P-384 keys")
    }

    /// Keeps error text printable and bounded, whatever a server or a user sent.
    static func printable(_ text: some StringProtocol) -> String { printableExcerpt(text, limit: 300) }
}

extension RolesAnywhereError {
    /// The error codes that name the signature (STS's and SigV4's; Roles Anywhere answers
    /// `AccessDeniedException` even for a bad signature).
    static let signatureErrorCodes: Set<String> = ["InvalidSignatureException", "SignatureDoesNotMatch", "IncompleteSignature"]

    /// The refused part and what to do, from the error code and the request the client sent; with
    /// neither naming a part, the hint lists what to check and AWS's message (shown after it) tells.
    static func judgeRefusal(errorCode: String?, sent: SentCreateSession?) -> (RefusedPart?, String) {
        if let errorCode, signatureErrorCodes.contains(errorCode) {
            return (.signature, "the request signature was refused: check the region and the machine's clock")
        }
        if let mismatch = sent?.mismatchedPart { return mismatch }
        if let sent, !sent.certificateWasValid {
            let validity = "\(RFC3339.string(from: sent.certificateNotValidBefore)) to \(RFC3339.string(from: sent.certificateNotValidAfter))"
            return (.certificate, "the certificate was not valid when the request was signed (it is valid from \(validity)): check the machine's clock, or renew the certificate")
        }
        return (nil, "IAM Roles Anywhere refused the session: check that the trust anchor holds the CA that issued the certificate (`rolecall ca show`) and is enabled, that the profile is enabled and lists the role, and that the role trusts rolesanywhere.amazonaws.com")
    }
}
