import Foundation
import RolesAnywhere
import X509

/// A CreateSession refused as AWS refuses it: AccessDenied (403) or Validation (400).
struct CreateSessionRefusal: Error {
    let status: Int
    let type: String
    let message: String

    static func denied(_ message: String) -> CreateSessionRefusal { .init(status: 403, type: "AccessDeniedException", message: message) }
    static func invalid(_ message: String) -> CreateSessionRefusal { .init(status: 400, type: "ValidationException", message: message) }
}

/// The Authorization header and X-Amz-Date: well-formed, an algorithm Roles Anywhere knows, its
/// scope for this service and date, the headers it must sign, and a date within the allowed skew.
struct SignatureClaims {
    let authorization: AuthorizationHeader
    let algorithm: SigningAlgorithm
    let amzDate: String

    init(_ request: SignableRequest, now: Date) throws(CreateSessionRefusal) {
        guard let value = request.header("authorization"), let authorization = AuthorizationHeader(parsing: value) else {
            throw .denied("Signature missing: there is no well-formed Authorization header")
        }
        guard let algorithm = SigningAlgorithm(rawValue: authorization.algorithm) else {
            throw .denied("Unsupported signature algorithm \(authorization.algorithm.prefix(40))")
        }
        guard authorization.scope.service == X509RequestSigner.service else {
            throw .denied("Signature rejected: the credential scope names service \(authorization.scope.service.prefix(40)), expected rolesanywhere")
        }
        for required in ["host", "x-amz-date", "x-amz-x509"] where !authorization.signedHeaders.contains(required) {
            throw .denied("Signature rejected: SignedHeaders must include \(required)")
        }
        guard let amzDate = request.header("x-amz-date"), let signedAt = AmzDate.date(from: amzDate) else {
            throw .denied("Signature rejected: X-Amz-Date is missing or malformed")
        }
        guard abs(signedAt.timeIntervalSince(now)) <= Emulator.allowedClockSkew else {
            throw .denied("Signature expired: X-Amz-Date is more than 5 minutes from the server's time")
        }
        guard authorization.scope.date == String(amzDate.prefix(8)) else {
            throw .denied("Signature rejected: the credential scope date does not match X-Amz-Date")
        }
        (self.authorization, self.algorithm, self.amzDate) = (authorization, algorithm, amzDate)
    }

    /// The signature, with the leaf's key, over what was received; the credential is the leaf's serial.
    func verify(_ request: SignableRequest, signedBy leaf: Certificate) throws(CreateSessionRefusal) {
        let canonical = CanonicalRequest.string(for: request, signedHeaders: authorization.signedHeaders)
        let stringToSign = CanonicalRequest.stringToSign(algorithm: algorithm.rawValue, amzDate: amzDate, scope: authorization.scope, canonicalRequest: canonical)
        guard let signature = bytes(fromHex: authorization.signature),
              SignatureVerifier.isValid(signature: signature, message: Array(stringToSign.utf8), algorithm: algorithm, publicKey: leaf.publicKey)
        else { throw .denied("Signature validation failed: the signature does not match the request and the certificate's key") }
        guard authorization.credential == leaf.serialNumber.decimalString else {
            throw .denied("Signature rejected: the credential serial number does not match the signing certificate's serial")
        }
    }
}

/// The certificates the request presents: X-Amz-X509 and at most four from X-Amz-X509-Chain.
struct PresentedChain {
    let leaf: Certificate
    let intermediates: [Certificate]

    init(_ request: SignableRequest) throws(CreateSessionRefusal) {
        guard let leafBase64 = request.header("x-amz-x509"), let leaf = Emulator.certificate(base64: leafBase64) else {
            throw .denied("X-Amz-X509 is not a base64 DER certificate: invalid certificate")
        }
        var intermediates: [Certificate] = []
        if let chainValue = request.header("x-amz-x509-chain") {
            let parts = chainValue.split(separator: ",")
            guard parts.count <= 4 else { throw .denied("Certificate chain is too long: at most 4 intermediate certificates are accepted") }
            for part in parts {
                guard let certificate = Emulator.certificate(base64: String(part)) else {
                    throw .denied("X-Amz-X509-Chain holds something that is not a base64 DER certificate: invalid certificate")
                }
                intermediates.append(certificate)
            }
        }
        (self.leaf, self.intermediates) = (leaf, intermediates)
    }
}

/// The role a CreateSession may have: listed by an enabled profile of the trust anchor's account,
/// whose trust policy admits the certificate.
struct GrantedRole {
    let profile: EmulatorConfig.Profile
    let role: EmulatorConfig.Role
    let roleArn: ARN
}

extension Emulator {
    /// The trust anchor: known, enabled, in the signature's region; the leaf valid now, not a CA,
    /// and chaining to the anchor's certificates.
    func trustAnchor(for body: IncomingCreateSession, claims: SignatureClaims, chain: PresentedChain,
                     now: Date) async throws(CreateSessionRefusal) -> LoadedEmulatorConfig.Anchor {
        guard let anchor = config.anchors[body.trustAnchorArn] else { throw .denied("Trust anchor not found: \(body.trustAnchorArn.prefix(200))") }
        guard anchor.enabled else { throw .denied("Trust anchor is disabled: \(anchor.arn)") }
        guard claims.authorization.scope.region == anchor.arn.region else {
            throw .denied("Signature rejected: the credential scope region \(claims.authorization.scope.region.prefix(40)) does not match the trust anchor's region \(anchor.arn.region)")
        }
        guard now >= chain.leaf.notValidBefore, now <= chain.leaf.notValidAfter else {
            throw .denied("Invalid certificate: the signing certificate is expired or not yet valid")
        }
        switch Result(catching: { try chain.leaf.extensions.basicConstraints }) {
        case .success(.isCertificateAuthority?):
            throw .denied("Invalid certificate: the signing certificate is a CA certificate, not an end-entity certificate")
        case .failure:
            throw .denied("Invalid certificate: its basic constraints extension cannot be parsed")
        case .success:
            break
        }
        guard await Self.chains(chain.leaf, intermediates: chain.intermediates, to: anchor.certificates, at: now) else {
            throw .denied("Untrusted signing certificate: it does not chain to the trust anchor's certificate")
        }
        return anchor
    }

    /// The profile (enabled, in the trust anchor's account; it lists only its own account's roles,
    /// checked when the config loads) and the role it lists, whose trust policy admits the leaf.
    func grantedRole(_ body: IncomingCreateSession, anchor: LoadedEmulatorConfig.Anchor, leaf: Certificate,
                     record: inout RequestRecord) throws(CreateSessionRefusal) -> GrantedRole {
        guard let profile = config.profiles[body.profileArn] else { throw .denied("Profile not found: \(body.profileArn.prefix(200))") }
        guard profile.enabled else { throw .denied("Profile is disabled: \(profile.arn)") }
        guard (try? ARN(profile.arn, kind: .profile))?.account == anchor.arn.account else {
            throw .denied("Profile not found: \(profile.arn) is not in the trust anchor's account \(anchor.arn.account)")
        }
        guard profile.roleArns.contains(body.roleArn), let role = config.roles[body.roleArn], let roleArn = try? ARN(body.roleArn, kind: .role) else {
            throw .denied("Unable to assume role \(body.roleArn.prefix(200)): the profile does not list it")
        }
        record.roleArn = role.arn
        if let key = PrincipalTags.unmet(role.principalTagConditions, by: PrincipalTags.of(leaf)) {
            throw .denied("Unable to assume role \(role.arn): its trust policy's condition on aws:PrincipalTag/\(key) does not admit this certificate")
        }
        return GrantedRole(profile: profile, role: role, roleArn: roleArn)
    }

    /// 900 s up to the profile's and the role's limits; a role session name only where the
    /// profile accepts one, in AWS's alphabet.
    static func checkDuration(_ body: IncomingCreateSession, _ granted: GrantedRole, record: inout RequestRecord) throws(CreateSessionRefusal) {
        record.durationSeconds = body.durationSeconds
        let ceiling = min(granted.profile.durationSeconds, granted.role.maxSessionDuration, SessionDurationPolicy.maximumSeconds)
        guard (SessionDurationPolicy.minimumSeconds...ceiling).contains(body.durationSeconds) else {
            throw .invalid("durationSeconds must be between \(SessionDurationPolicy.minimumSeconds) and \(ceiling) for this profile and role, got \(body.durationSeconds)")
        }
        if let name = body.roleSessionName {
            guard granted.profile.acceptRoleSessionName else { throw .invalid("roleSessionName is not accepted by this profile") }
            guard RoleSessionName.isValid(name) else { throw .invalid("roleSessionName must be \(RoleSessionName.rule)") }
        }
    }
}
