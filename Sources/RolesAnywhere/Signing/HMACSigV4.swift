import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Classic SigV4 (`AWS4-HMAC-SHA256`) with an access key's secret: how rolecall signs STS calls
/// made with session credentials (AssumeRole, for role chaining), and what the emulator checks.
public enum HMACSigV4 {
    public static let algorithm = "AWS4-HMAC-SHA256"

    /// Hex signature of `stringToSign` with the key derived from `secret` and `scope`.
    public static func signature(stringToSign: String, secret: SecretBytes, scope: CredentialScope) -> String {
        var secretKey = secret.withUnsafeBytes { Array("AWS4".utf8) + Array($0) }
        defer { wipeBytes(&secretKey) }
        var key = SymmetricKey(data: secretKey)
        for part in [scope.date, scope.region, scope.service, "aws4_request"] {
            // Straight from one key to the next: no array copy of a derived key is left to wipe.
            key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key))
        }
        return Array(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key)).hexString
    }

    /// Adds `Host`, `X-Amz-Date`, `X-Amz-Security-Token` (for session credentials), then
    /// `Authorization` over every header the request has.
    public static func sign(_ request: SignableRequest, host: String, credentials: AWSCredentials,
                            region: String, service: String, at date: Date) -> SignableRequest {
        var request = request
        let amzDate = AmzDate.string(from: date)
        request.headers += [("Host", host), ("X-Amz-Date", amzDate)]
        if !credentials.sessionToken.isEmpty {
            request.headers.append(("X-Amz-Security-Token", credentials.sessionToken.unsafeStringValue()))
        }
        let signedHeaders = CanonicalRequest.signedHeaderNames(for: request)
        let scope = CredentialScope(date: String(amzDate.prefix(8)), region: region, service: service)
        let stringToSign = CanonicalRequest.stringToSign(
            algorithm: algorithm, amzDate: amzDate, scope: scope,
            canonicalRequest: CanonicalRequest.string(for: request, signedHeaders: signedHeaders)
        )
        let authorization = AuthorizationHeader(
            algorithm: algorithm, credential: credentials.accessKeyId, scope: scope, signedHeaders: signedHeaders,
            signature: signature(stringToSign: stringToSign, secret: credentials.secretAccessKey, scope: scope)
        )
        request.headers.append(("Authorization", authorization.headerValue()))
        return request
    }
}
