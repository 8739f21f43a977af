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

    /// The part of the request AWS refused, when its message says so.
    public enum RefusedPart: String, Sendable {
        case certificate, trustAnchor = "trust anchor", profile, role, signature
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

    static func fromResponse(status: Int, awsErrorCode: String?, awsMessage: String?, requestId: String?) -> RolesAnywhereError {
        let awsText = awsMessage.map(Self.printable) ?? "no message"
        let errorCode = awsErrorCode.map(Self.printable)
        switch status {
        case 403, 401:
            let part = RefusedPart.inferred(from: awsText, errorCode: errorCode)
            let hint = switch part {
            case .certificate?: "the certificate was refused: check that it was issued by the trust anchor's CA (`rolecall ca show`) and has not expired"
            case .trustAnchor?: "the trust anchor was refused: check the trust anchor ARN and that it is enabled and holds rolecall's CA"
            case .profile?: "the Roles Anywhere profile was refused: check the profile ARN and that it is enabled"
            case .role?: "the role was refused: check that the profile lists the role and the role trusts rolesanywhere.amazonaws.com"
            case .signature?: "the request signature was refused: check the region and the machine's clock"
            case nil: "access denied by IAM Roles Anywhere"
            }
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

extension RolesAnywhereError.RefusedPart {
    /// Judged on the error code when it names the signature, else on the message's first clause,
    /// which names the refused part ("Untrusted signing certificate: …", "Unable to assume role …");
    /// later clauses often mention others. The credential scope (region, service, date) is part of
    /// the signature, even when its message goes on to name the trust anchor whose region it missed.
    static func inferred(from message: String, errorCode: String? = nil) -> Self? {
        if let errorCode, ["InvalidSignatureException", "SignatureDoesNotMatch", "IncompleteSignature"].contains(errorCode) { return .signature }
        let clause = message.lowercased().split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
        let words = Set(clause.split { !$0.isLetter }.map(String.init))
        if words.contains("signature") || words.contains("scope") || words.contains("scoped") { return .signature }
        if clause.contains("trust anchor") || words.contains("trustanchor") { return .trustAnchor }
        if words.contains("certificate") || words.contains("untrusted") { return .certificate }
        if words.contains("role") { return .role }
        if words.contains("profile") { return .profile }
        return nil
    }
}
