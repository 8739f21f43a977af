import Foundation
import RolesAnywhere

extension Emulator {
    /// STS `GetCallerIdentity`, signed with SigV4 (HMAC) by credentials this emulator issued.
    func securityTokenService(_ request: SignableRequest, requestId: String, record: inout RequestRecord) async -> EmulatorResponse {
        func error(_ status: Int, _ code: String, _ message: String) -> EmulatorResponse {
            .xmlError(status, code, message, requestId: requestId)
        }
        guard request.body.count <= Self.maximumBodyBytes else { return error(400, "InvalidRequest", "Request body is too large") }
        let form = Self.formFields(request.body)
        record.action = form["Action"].map { "sts:\($0.prefix(40))" } ?? "sts"
        guard form["Action"] == "GetCallerIdentity" else {
            return error(400, "InvalidAction", "Could not find operation \(form["Action"]?.prefix(40) ?? "") for version \(form["Version"]?.prefix(20) ?? "")")
        }
        guard let authorizationValue = request.header("authorization"),
              let authorization = AuthorizationHeader(parsing: authorizationValue),
              authorization.algorithm == HMACSigV4.algorithm
        else { return error(403, "MissingAuthenticationToken", "Request is missing a valid Authentication Token") }
        record.accessKeyId = authorization.credential
        guard let entry = await sessions.entry(for: authorization.credential),
              let token = request.header("x-amz-security-token"),
              SecretBytes(token) == entry.sessionToken
        else { return error(403, "InvalidClientTokenId", "The security token included in the request is invalid.") }
        guard entry.expiration > now() else { return error(403, "ExpiredToken", "The security token included in the request is expired") }
        guard authorization.signedHeaders.contains("host"), authorization.signedHeaders.contains("x-amz-date"),
              authorization.signedHeaders.contains("x-amz-security-token")
        else { return error(403, "SignatureDoesNotMatch", "SignedHeaders must include host, x-amz-date and x-amz-security-token.") }
        guard authorization.scope.service == "sts",
              let amzDate = request.header("x-amz-date"), let signedAt = AmzDate.date(from: amzDate),
              authorization.scope.date == String(amzDate.prefix(8)),
              abs(signedAt.timeIntervalSince(now())) <= Self.allowedClockSkew
        else { return error(403, "SignatureDoesNotMatch", "Signature expired, or the date or credential scope is malformed.") }
        let canonical = CanonicalRequest.string(for: request, signedHeaders: authorization.signedHeaders)
        let stringToSign = CanonicalRequest.stringToSign(
            algorithm: HMACSigV4.algorithm, amzDate: amzDate, scope: authorization.scope, canonicalRequest: canonical
        )
        let expected = HMACSigV4.signature(stringToSign: stringToSign, secret: entry.secretAccessKey, scope: authorization.scope)
        guard SecretBytes(expected) == SecretBytes(authorization.signature) else {
            return error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")
        }
        record.roleArn = entry.roleArn.description
        let arn = "arn:\(entry.roleArn.partition):sts::\(entry.roleArn.account):assumed-role/\(entry.roleArn.shortName)/\(entry.sessionName)"
        let xml = """
        <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <GetCallerIdentityResult>
            <Arn>\(XML.escape(arn))</Arn>
            <UserId>\(XML.escape("\(entry.roleId):\(entry.sessionName)"))</UserId>
            <Account>\(entry.roleArn.account)</Account>
          </GetCallerIdentityResult>
          <ResponseMetadata>
            <RequestId>\(requestId)</RequestId>
          </ResponseMetadata>
        </GetCallerIdentityResponse>

        """
        return EmulatorResponse(status: 200, headers: [("Content-Type", "text/xml"), ("x-amzn-RequestId", requestId)], body: Array(xml.utf8))
    }

    /// `application/x-www-form-urlencoded` fields.
    static func formFields(_ body: [UInt8]) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (text: Substring) in String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text) }
            fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }
}
