#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Signs a request the way IAM Roles Anywhere expects (`AWS4-X509-*-SHA256`).
///
/// Adds `Host`, `Content-Type`, `X-Amz-Date`, `X-Amz-X509`, `X-Amz-X509-Chain` (only with
/// intermediates), then `Authorization` over all of them.
public struct X509RequestSigner: Sendable {
    public static let service = "rolesanywhere"
    public static let contentType = "application/x-amz-json-1.0"

    public let identity: SigningIdentity
    public let region: String

    public init(identity: SigningIdentity, region: String) {
        self.identity = identity
        self.region = region
    }

    /// The signed request plus the intermediate strings, for tests and cross-checks.
    public struct Result: Sendable, CustomStringConvertible {
        public var request: SignableRequest
        public var canonicalRequest: String
        public var stringToSign: String

        /// The canonical request holds the leaf certificate; only the request's redacted form shows.
        public var description: String { "X509RequestSigner.Result(\(request))" }
    }

    public func sign(method: String, host: String, path: String, body: [UInt8], at date: Date) throws -> Result {
        let amzDate = AmzDate.string(from: date)
        var headers: [(name: String, value: String)] = [
            ("Host", host),
            ("Content-Type", Self.contentType),
            ("X-Amz-Date", amzDate),
            ("X-Amz-X509", try identity.certificate.derBytes().base64()),
        ]
        if !identity.intermediates.isEmpty {
            let chain = try identity.intermediates.map { try $0.derBytes().base64() }
            headers.append(("X-Amz-X509-Chain", chain.joined(separator: ",")))
        }
        var request = SignableRequest(method: method, path: path, headers: headers, body: body)
        let signedHeaders = CanonicalRequest.signedHeaderNames(for: request)
        let canonical = CanonicalRequest.string(for: request, signedHeaders: signedHeaders)
        let scope = CredentialScope(date: String(amzDate.prefix(8)), region: region, service: Self.service)
        let algorithm = identity.key.algorithm
        let stringToSign = CanonicalRequest.stringToSign(
            algorithm: algorithm.rawValue, amzDate: amzDate, scope: scope, canonicalRequest: canonical
        )
        let signature = try identity.key.sign(Array(stringToSign.utf8))
        let authorization = AuthorizationHeader(
            algorithm: algorithm.rawValue,
            credential: identity.certificate.serialNumber.decimalString,
            scope: scope,
            signedHeaders: signedHeaders,
            signature: signature.hexString
        )
        request.headers.append(("Authorization", authorization.headerValue()))
        return Result(request: request, canonicalRequest: canonical, stringToSign: stringToSign)
    }
}

extension Array where Element == UInt8 {
    func base64() -> String { Data(self).base64EncodedString() }
}
