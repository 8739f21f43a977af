import Foundation
import RolesAnywhere
// The emulator checks expiry at its own clock (`now`), which tests move: a fixed validation time.
@_spi(FixedExpiryValidationTime) import X509

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

    /// The request's body and query, or the refusal AWS gives for them.
    init(_ request: SignableRequest) throws(CreateSessionRefusal) {
        do {
            try self.init(body: request.body, query: request.query)
        } catch {
            throw .invalid("Request body must be JSON with durationSeconds, profileArn, roleArn and trustAnchorArn (the ARNs may come as URI parameters instead)")
        }
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
    /// signature, serial, trust anchor and chain, leaf validity, profile, role, duration, session name;
    /// each step a named check (CreateSessionChecks.swift). A refusal's first clause names the refused
    /// part for the person reading it, as AWS's do (clients show it, and judge the part by the error
    /// code and their own request): everything about the Authorization header, its credential scope
    /// and serial is the signature's.
    func createSession(_ request: SignableRequest, requestId: String, record: inout RequestRecord) async -> EmulatorResponse {
        let now = now()
        do throws(CreateSessionRefusal) {
            guard request.body.count <= Self.maximumBodyBytes else { throw .invalid("Request body is too large") }
            let claims = try SignatureClaims(request, now: now)
            let chain = try PresentedChain(request)
            record.certificateSerial = chain.leaf.serialNumber.decimalString
            record.certificateLifetimeSeconds = Int(chain.leaf.notValidAfter.timeIntervalSince(chain.leaf.notValidBefore))
            try claims.verify(request, signedBy: chain.leaf)
            let body = try IncomingCreateSession(request)
            let anchor = try await trustAnchor(for: body, claims: claims, chain: chain, now: now)
            let granted = try grantedRole(body, anchor: anchor, leaf: chain.leaf, record: &record)
            try Self.checkDuration(body, granted, record: &record)
            return await issue(body, granted, anchor: anchor, leaf: chain.leaf, requestId: requestId, now: now, record: &record)
        } catch {
            return .jsonError(error.status, error.type, error.message, requestId: requestId)
        }
    }

    /// Credentials for the role, in AWS's response shape.
    func issue(_ body: IncomingCreateSession, _ granted: GrantedRole, anchor: LoadedEmulatorConfig.Anchor, leaf: Certificate,
               requestId: String, now: Date, record: inout RequestRecord) async -> EmulatorResponse {
        let sessionName = body.roleSessionName ?? Array(leaf.serialNumber.bytes).hexString
        let issued = await sessions.issue(roleArn: granted.roleArn, sessionName: sessionName, seconds: body.durationSeconds, now: now, chained: false)
        record.accessKeyId = issued.accessKeyId
        let response = CreateSessionResponseBody(
            credentialSet: [.init(
                assumedRoleUser: .init(arn: Self.assumedRoleArn(granted.roleArn, sessionName), assumedRoleId: "\(issued.roleId):\(sessionName)"),
                credentials: .init(accessKeyId: issued.accessKeyId, expiration: RFC3339.string(from: issued.expiration),
                                   secretAccessKey: issued.secretAccessKey, sessionToken: issued.sessionToken),
                packedPolicySize: 0,
                roleArn: granted.role.arn,
                sourceIdentity: "CN=\(Self.commonName(of: leaf))"
            )],
            subjectArn: "arn:\(granted.roleArn.partition):rolesanywhere:\(anchor.arn.region):\(anchor.arn.account):subject/\(UUID().uuidString.lowercased())"
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
            RFC5280Policy(fixedExpiryValidationTime: time)
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
