import Foundation
import RolesAnywhere
import X509

/// CreateSession's parameters as AWS reads them: the three ARNs "as URI parameters or as JSON in the
/// request body" (AWS's signing helper sends them in the query, with only `durationSeconds` in the
/// body); `durationSeconds` defaults to 3600.
struct IncomingCreateSession {
    var durationSeconds: Int
    var profileArn: String
    var roleArn: String
    var trustAnchorArn: String
    var roleSessionName: String?

    /// The body as sent, each ARN optional.
    private struct Body: Decodable {
        var durationSeconds: Int?
        var profileArn: String?
        var roleArn: String?
        var trustAnchorArn: String?
        var roleSessionName: String?
    }

    /// The body (JSON; empty counts as `{}`) and the query string's parameters; a body value wins.
    init(body: [UInt8], query: String) throws {
        let decoded = body.isEmpty ? Body() : try JSONDecoder().decode(Body.self, from: Data(body))
        try self.init(body: decoded, query: Self.parameters(query))
    }

    private init(body: Body, query: [String: String]) throws {
        guard let profileArn = body.profileArn ?? query["profileArn"], let roleArn = body.roleArn ?? query["roleArn"],
              let trustAnchorArn = body.trustAnchorArn ?? query["trustAnchorArn"]
        else { throw DecodingError.valueNotFound(String.self, .init(codingPath: [], debugDescription: "an ARN is missing")) }
        durationSeconds = body.durationSeconds ?? query["durationSeconds"].flatMap { Int($0) } ?? 3600
        self.profileArn = profileArn
        self.roleArn = roleArn
        self.trustAnchorArn = trustAnchorArn
        roleSessionName = body.roleSessionName ?? query["roleSessionName"]
    }

    /// `name=value&…`, percent-decoded; a parameter given twice is refused.
    static func parameters(_ query: String) throws -> [String: String] {
        var parameters: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = parts[0].removingPercentEncoding, let value = (parts.count == 2 ? parts[1] : "").removingPercentEncoding,
                  parameters.updateValue(value, forKey: name) == nil
            else { throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "a query parameter is malformed or repeated")) }
        }
        return parameters
    }
}

extension Emulator {
    /// Checks a CreateSession the way AWS does, in this order: signature format, date, certificate,
    /// signature, serial, trust anchor and chain, leaf validity, profile, role, duration, session name.
    /// A refusal's first clause names the refused part (clients judge it by that): everything about the
    /// Authorization header, its credential scope and serial is the signature's.
    func createSession(_ request: SignableRequest, requestId: String, record: inout RequestRecord) async -> EmulatorResponse {
        func denied(_ message: String) -> EmulatorResponse { .jsonError(403, "AccessDeniedException", message, requestId: requestId) }
        func invalid(_ message: String) -> EmulatorResponse { .jsonError(400, "ValidationException", message, requestId: requestId) }
        let now = now()

        guard request.body.count <= Self.maximumBodyBytes else { return invalid("Request body is too large") }
        guard let authorizationValue = request.header("authorization"),
              let authorization = AuthorizationHeader(parsing: authorizationValue)
        else { return denied("Signature missing: there is no well-formed Authorization header") }
        guard let algorithm = SigningAlgorithm(rawValue: authorization.algorithm) else {
            return denied("Unsupported signature algorithm \(authorization.algorithm.prefix(40))")
        }
        guard authorization.scope.service == X509RequestSigner.service else {
            return denied("Signature rejected: the credential scope names service \(authorization.scope.service.prefix(40)), expected rolesanywhere")
        }
        for required in ["host", "x-amz-date", "x-amz-x509"] where !authorization.signedHeaders.contains(required) {
            return denied("Signature rejected: SignedHeaders must include \(required)")
        }
        guard let amzDate = request.header("x-amz-date"), let signedAt = AmzDate.date(from: amzDate) else {
            return denied("Signature rejected: X-Amz-Date is missing or malformed")
        }
        guard abs(signedAt.timeIntervalSince(now)) <= Self.allowedClockSkew else {
            return denied("Signature expired: X-Amz-Date is more than 5 minutes from the server's time")
        }
        guard authorization.scope.date == String(amzDate.prefix(8)) else {
            return denied("Signature rejected: the credential scope date does not match X-Amz-Date")
        }

        // The leaf and chain as sent.
        guard let leafBase64 = request.header("x-amz-x509"), let leaf = Self.certificate(base64: leafBase64) else {
            return denied("X-Amz-X509 is not a base64 DER certificate: invalid certificate")
        }
        var intermediates: [Certificate] = []
        if let chainValue = request.header("x-amz-x509-chain") {
            let parts = chainValue.split(separator: ",")
            guard parts.count <= 4 else { return denied("Certificate chain is too long: at most 4 intermediate certificates are accepted") }
            for part in parts {
                guard let certificate = Self.certificate(base64: String(part)) else {
                    return denied("X-Amz-X509-Chain holds something that is not a base64 DER certificate: invalid certificate")
                }
                intermediates.append(certificate)
            }
        }
        record.certificateSerial = leaf.serialNumber.decimalString
        record.certificateLifetimeSeconds = Int(leaf.notValidAfter.timeIntervalSince(leaf.notValidBefore))

        // The signature, with the leaf's key, over what was received.
        let canonical = CanonicalRequest.string(for: request, signedHeaders: authorization.signedHeaders)
        let stringToSign = CanonicalRequest.stringToSign(
            algorithm: algorithm.rawValue, amzDate: amzDate, scope: authorization.scope, canonicalRequest: canonical
        )
        guard let signature = bytes(fromHex: authorization.signature),
              SignatureVerifier.isValid(signature: signature, message: Array(stringToSign.utf8), algorithm: algorithm, publicKey: leaf.publicKey)
        else { return denied("Signature validation failed: the signature does not match the request and the certificate's key") }
        guard authorization.credential == leaf.serialNumber.decimalString else {
            return denied("Signature rejected: the credential serial number does not match the signing certificate's serial")
        }

        // The body.
        let body: IncomingCreateSession
        do {
            body = try IncomingCreateSession(body: request.body, query: request.query)
        } catch {
            return invalid("Request body must be JSON with durationSeconds, profileArn, roleArn and trustAnchorArn (the ARNs may come as URI parameters instead)")
        }

        // Trust anchor, chain, leaf.
        guard let anchor = config.anchors[body.trustAnchorArn] else { return denied("Trust anchor not found: \(body.trustAnchorArn.prefix(200))") }
        guard anchor.enabled else { return denied("Trust anchor is disabled: \(anchor.arn)") }
        guard authorization.scope.region == anchor.arn.region else {
            return denied("Signature rejected: the credential scope region \(authorization.scope.region.prefix(40)) does not match the trust anchor's region \(anchor.arn.region)")
        }
        guard now >= leaf.notValidBefore, now <= leaf.notValidAfter else {
            return denied("Invalid certificate: the signing certificate is expired or not yet valid")
        }
        switch Result(catching: { try leaf.extensions.basicConstraints }) {
        case .success(.isCertificateAuthority?):
            return denied("Invalid certificate: the signing certificate is a CA certificate, not an end-entity certificate")
        case .failure:
            return denied("Invalid certificate: its basic constraints extension cannot be parsed")
        case .success:
            break
        }
        guard await Self.chains(leaf, intermediates: intermediates, to: anchor.certificates, at: now) else {
            return denied("Untrusted signing certificate: it does not chain to the trust anchor's certificate")
        }

        // Profile, role, duration, session name.
        guard let profile = config.profiles[body.profileArn] else { return denied("Profile not found: \(body.profileArn.prefix(200))") }
        guard profile.enabled else { return denied("Profile is disabled: \(profile.arn)") }
        // Roles Anywhere looks the profile up in the trust anchor's account; a profile lists only
        // its own account's roles (checked when the config loads).
        guard (try? ARN(profile.arn, kind: .profile))?.account == anchor.arn.account else {
            return denied("Profile not found: \(profile.arn) is not in the trust anchor's account \(anchor.arn.account)")
        }
        guard profile.roleArns.contains(body.roleArn), let role = config.roles[body.roleArn], let roleArn = try? ARN(body.roleArn, kind: .role) else {
            return denied("Unable to assume role \(body.roleArn.prefix(200)): the profile does not list it")
        }
        record.roleArn = role.arn
        if let key = PrincipalTags.unmet(role.principalTagConditions, by: PrincipalTags.of(leaf)) {
            return denied("Unable to assume role \(role.arn): its trust policy's condition on aws:PrincipalTag/\(key) does not admit this certificate")
        }
        record.durationSeconds = body.durationSeconds
        let ceiling = min(profile.durationSeconds, role.maxSessionDuration, SessionDurationPolicy.maximumSeconds)
        guard (SessionDurationPolicy.minimumSeconds...ceiling).contains(body.durationSeconds) else {
            return invalid("durationSeconds must be between 900 and \(ceiling) for this profile and role, got \(body.durationSeconds)")
        }
        if let name = body.roleSessionName {
            guard profile.acceptRoleSessionName else { return invalid("roleSessionName is not accepted by this profile") }
            guard RoleSessionName.isValid(name) else {
                return invalid("roleSessionName must be \(RoleSessionName.rule)")
            }
        }

        // Issue.
        let sessionName = body.roleSessionName ?? Array(leaf.serialNumber.bytes).hexString
        let issued = await sessions.issue(roleArn: roleArn, sessionName: sessionName, seconds: body.durationSeconds, now: now, chained: false)
        let (accessKeyId, secret, token, roleId, expiration) = (issued.accessKeyId, issued.secretAccessKey, issued.sessionToken, issued.roleId, issued.expiration)
        record.accessKeyId = accessKeyId
        let assumedArn = Self.assumedRoleArn(roleArn, sessionName)
        let response = CreateSessionResponseBody(
            credentialSet: [.init(
                assumedRoleUser: .init(arn: assumedArn, assumedRoleId: "\(roleId):\(sessionName)"),
                credentials: .init(accessKeyId: accessKeyId, expiration: RFC3339.string(from: expiration), secretAccessKey: secret, sessionToken: token),
                packedPolicySize: 0,
                roleArn: role.arn,
                sourceIdentity: "CN=\(Self.commonName(of: leaf))"
            )],
            subjectArn: "arn:\(roleArn.partition):rolesanywhere:\(anchor.arn.region):\(anchor.arn.account):subject/\(UUID().uuidString.lowercased())"
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return EmulatorResponse(
            status: 201,
            headers: [("Content-Type", "application/json"), ("x-amzn-RequestId", requestId)],
            body: Array((try? encoder.encode(response)) ?? Data())
        )
    }

    static func certificate(base64: String) -> Certificate? {
        guard base64.count <= 64 * 1024, let der = Data(base64Encoded: base64) else { return nil }
        return try? Certificate(derEncoded: Array(der))
    }

    static func chains(_ leaf: Certificate, intermediates: [Certificate], to roots: [Certificate], at time: Date) async -> Bool {
        var verifier = Verifier(rootCertificates: CertificateStore(roots)) {
            RFC5280Policy(validationTime: time)
        }
        let result = await verifier.validate(leaf: leaf, intermediates: CertificateStore(intermediates))
        if case .validCertificate = result { return true }
        return false
    }

    static func commonName(of certificate: Certificate) -> String {
        for rdn in certificate.subject {
            for attribute in rdn where attribute.type == .RDNAttributeType.commonName {
                return "\(attribute.value)"
            }
        }
        return ""
    }
}
