import Foundation
import RolesAnywhere

extension Emulator {
    /// STS, signed with SigV4 (HMAC) by credentials this emulator issued: `GetCallerIdentity`, and
    /// `AssumeRole` for role chaining.
    func securityTokenService(_ request: SignableRequest, requestId: String, record: inout RequestRecord) async -> EmulatorResponse {
        func error(_ status: Int, _ code: String, _ message: String) -> EmulatorResponse {
            .xmlError(status, code, message, requestId: requestId)
        }
        guard request.body.count <= Self.maximumBodyBytes else { return error(400, "InvalidRequest", "Request body is too large") }
        let form = Self.formFields(request.body)
        record.action = form["Action"].map { "sts:\($0.prefix(40))" } ?? "sts"
        guard form["Action"] == "GetCallerIdentity" || form["Action"] == "AssumeRole" else {
            return error(400, "InvalidAction", "Could not find operation \(form["Action"]?.prefix(40) ?? "") for version \(form["Version"]?.prefix(20) ?? "")")
        }
        let caller: IssuedSessions.Entry
        switch await authenticate(request, record: &record) {
        case .success(let entry): caller = entry
        case .failure(let refusal): return error(403, refusal.code, refusal.message)
        }
        record.roleArn = caller.roleArn.description
        let body = form["Action"] == "AssumeRole"
            ? await assumeRole(form, by: caller, requestId: requestId, record: &record)
            : .success(callerIdentity(caller, requestId: requestId))
        switch body {
        case .success(let xml):
            return EmulatorResponse(status: 200, headers: [("Content-Type", "text/xml"), ("x-amzn-RequestId", requestId)], body: Array(xml.utf8))
        case .failure(let refusal):
            return error(refusal.status, refusal.code, refusal.message)
        }
    }

    struct STSRefusal: Error {
        var status = 403
        let code: String
        let message: String
    }

    /// The session whose credentials signed `request`, checked as STS checks SigV4.
    private func authenticate(_ request: SignableRequest, record: inout RequestRecord) async -> Result<IssuedSessions.Entry, STSRefusal> {
        guard let authorizationValue = request.header("authorization"),
              let authorization = AuthorizationHeader(parsing: authorizationValue),
              authorization.algorithm == HMACSigV4.algorithm
        else { return .failure(.init(code: "MissingAuthenticationToken", message: "Request is missing a valid Authentication Token")) }
        record.accessKeyId = authorization.credential
        guard let entry = await sessions.entry(for: authorization.credential),
              let token = request.header("x-amz-security-token"),
              SecretBytes(token) == entry.sessionToken
        else { return .failure(.init(code: "InvalidClientTokenId", message: "The security token included in the request is invalid.")) }
        guard entry.expiration > now() else { return .failure(.init(code: "ExpiredToken", message: "The security token included in the request is expired")) }
        guard authorization.signedHeaders.contains("host"), authorization.signedHeaders.contains("x-amz-date"),
              authorization.signedHeaders.contains("x-amz-security-token")
        else { return .failure(.init(code: "SignatureDoesNotMatch", message: "SignedHeaders must include host, x-amz-date and x-amz-security-token.")) }
        guard authorization.scope.service == "sts",
              let amzDate = request.header("x-amz-date"), let signedAt = AmzDate.date(from: amzDate),
              authorization.scope.date == String(amzDate.prefix(8)),
              abs(signedAt.timeIntervalSince(now())) <= Self.allowedClockSkew
        else { return .failure(.init(code: "SignatureDoesNotMatch", message: "Signature expired, or the date or credential scope is malformed.")) }
        let canonical = CanonicalRequest.string(for: request, signedHeaders: authorization.signedHeaders)
        let stringToSign = CanonicalRequest.stringToSign(
            algorithm: HMACSigV4.algorithm, amzDate: amzDate, scope: authorization.scope, canonicalRequest: canonical
        )
        let expected = HMACSigV4.signature(stringToSign: stringToSign, secret: entry.secretAccessKey, scope: authorization.scope)
        guard SecretBytes(expected) == SecretBytes(authorization.signature) else {
            return .failure(.init(code: "SignatureDoesNotMatch", message: "The request signature we calculated does not match the signature you provided."))
        }
        return .success(entry)
    }

    private func callerIdentity(_ entry: IssuedSessions.Entry, requestId: String) -> String {
        """
        <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <GetCallerIdentityResult>
            <Arn>\(XML.escape(Self.assumedRoleArn(entry.roleArn, entry.sessionName)))</Arn>
            <UserId>\(XML.escape("\(entry.roleId):\(entry.sessionName)"))</UserId>
            <Account>\(entry.roleArn.account)</Account>
          </GetCallerIdentityResult>
          <ResponseMetadata>
            <RequestId>\(requestId)</RequestId>
          </ResponseMetadata>
        </GetCallerIdentityResponse>

        """
    }

    /// AssumeRole with the caller's (always temporary) credentials: role chaining, so at most 1 h.
    /// A role is assumable only by the roles its `assumableBy` lists, and with its `externalId`
    /// when it has one (an ExternalId it does not ask for is ignored, as AWS does); like AWS, a
    /// refusal does not say which condition failed.
    private func assumeRole(_ form: [String: String], by caller: IssuedSessions.Entry, requestId: String,
                            record: inout RequestRecord) async -> Result<String, STSRefusal> {
        func invalid(_ message: String) -> Result<String, STSRefusal> { .failure(.init(status: 400, code: "ValidationError", message: message)) }
        guard let target = form["RoleArn"], let sessionName = form["RoleSessionName"] else {
            return invalid("RoleArn and RoleSessionName are required")
        }
        guard RoleSessionName.isValid(sessionName) else { return invalid("RoleSessionName must be \(RoleSessionName.rule)") }
        let duration = form["DurationSeconds"].map { Int($0) ?? -1 } ?? 3600
        record.durationSeconds = duration
        guard duration >= 900 else {
            return invalid("1 validation error detected: Value '\(duration)' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900")
        }
        let callerArn = Self.assumedRoleArn(caller.roleArn, caller.sessionName)
        let notAuthorized = STSRefusal(code: "AccessDenied", message: "User: \(callerArn) is not authorized to perform: sts:AssumeRole on resource: \(target.prefix(200))")
        guard let role = config.roles[target], let roleArn = try? ARN(target, kind: .role),
              role.assumableBy.contains(caller.roleArn.description),
              role.externalId == nil || role.externalId == form["ExternalId"]
        else { return .failure(notAuthorized) }
        guard duration <= 3600 else { return invalid("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.") }
        guard duration <= role.maxSessionDuration else { return invalid("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.") }
        record.roleArn = target

        let issued = await sessions.issue(roleArn: roleArn, sessionName: sessionName, seconds: min(duration, role.assumedLifetimeSeconds ?? duration),
                                          now: now(), chained: true)
        let (accessKeyId, secret, token, roleId, expiration) = (issued.accessKeyId, issued.secretAccessKey, issued.sessionToken, issued.roleId, issued.expiration)
        return .success("""
        <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <AssumeRoleResult>
            <Credentials>
              <AccessKeyId>\(accessKeyId)</AccessKeyId>
              <SecretAccessKey>\(XML.escape(secret))</SecretAccessKey>
              <SessionToken>\(XML.escape(token))</SessionToken>
              <Expiration>\(RFC3339.string(from: expiration))</Expiration>
            </Credentials>
            <AssumedRoleUser>
              <Arn>\(XML.escape(Self.assumedRoleArn(roleArn, sessionName)))</Arn>
              <AssumedRoleId>\(roleId):\(XML.escape(sessionName))</AssumedRoleId>
            </AssumedRoleUser>
            <PackedPolicySize>0</PackedPolicySize>
          </AssumeRoleResult>
          <ResponseMetadata>
            <RequestId>\(requestId)</RequestId>
          </ResponseMetadata>
        </AssumeRoleResponse>

        """)
    }

    static func assumedRoleArn(_ role: ARN, _ sessionName: String) -> String {
        "arn:\(role.partition):sts::\(role.account):assumed-role/\(role.shortName)/\(sessionName)"
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
