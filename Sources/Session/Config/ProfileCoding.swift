/// `config.json`'s form of a profile: flat, as before profiles had kinds, so a file of profiles
/// that are not chained reads the same in older versions. The kind is what is set: `chain`, else
/// `issuer` or `ownCertificate`, else rolecall's CA. A chained profile is written without
/// Roles Anywhere ARNs; one with empty ones (as versions before kinds wrote it) still loads.
extension Profile: Codable {
    enum CodingKeys: String, CodingKey {
        case name, roleArn, profileArn, trustAnchorArn, region, durationSeconds, mfa, endpoint, stsEndpoint, signinEndpoint
        case roleSessionName, mfaVerificationIntervalSeconds, issuer, pinCommand, ownCertificate, chain
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try container.decode(String.self, forKey: .name), roleArn: try container.decode(String.self, forKey: .roleArn),
                  kind: try Self.decodeKind(container),
                  region: try container.decodeIfPresent(String.self, forKey: .region),
                  durationSeconds: try container.decode(Int.self, forKey: .durationSeconds),
                  mfa: try container.decode(MFAMode.self, forKey: .mfa),
                  endpoint: try container.decodeIfPresent(String.self, forKey: .endpoint),
                  roleSessionName: try container.decodeIfPresent(String.self, forKey: .roleSessionName),
                  mfaVerificationIntervalSeconds: try container.decodeIfPresent(Int.self, forKey: .mfaVerificationIntervalSeconds),
                  pinCommand: try container.decodeIfPresent(String.self, forKey: .pinCommand))
        stsEndpoint = try container.decodeIfPresent(String.self, forKey: .stsEndpoint)
        signinEndpoint = try container.decodeIfPresent(String.self, forKey: .signinEndpoint)
    }

    /// A combination no kind holds (a chained profile with ARNs, an issuer or a certificate; an
    /// issuer and a certificate) is refused at the field that does not belong, not dropped.
    private static func decodeKind(_ container: KeyedDecodingContainer<CodingKeys>) throws -> Kind {
        let issuer = try container.decodeIfPresent(String.self, forKey: .issuer)
        let own = try container.decodeIfPresent(OwnCertificate.self, forKey: .ownCertificate)
        if let chain = try container.decodeIfPresent(RoleChain.self, forKey: .chain) {
            for key in [CodingKeys.profileArn, .trustAnchorArn] where try container.decodeIfPresent(String.self, forKey: key)?.isEmpty == false {
                throw refused(key, in: container, ConfigError.chainedFlag())
            }
            if issuer != nil { throw refused(.issuer, in: container, ConfigError.chainedFlag()) }
            if own != nil { throw refused(.ownCertificate, in: container, ConfigError.chainedFlag()) }
            return .chained(chain)
        }
        let target = RolesAnywhereTarget(profileArn: try container.decode(String.self, forKey: .profileArn),
                                         trustAnchorArn: try container.decode(String.self, forKey: .trustAnchorArn))
        switch (issuer, own) {
        case (nil, nil): return .localCA(target)
        case (let issuer?, nil): return .teamIssuer(issuer: issuer, target)
        case (nil, let own?): return .ownCertificate(own, target)
        case (_?, _?): throw refused(.ownCertificate, in: container, ConfigError.certificateAndIssuer())
        }
    }

    /// Reported by `JSONFile` as "invalid value at profiles[N].KEY".
    private static func refused(_ key: CodingKeys, in container: KeyedDecodingContainer<CodingKeys>, _ error: ConfigError) -> DecodingError {
        .dataCorrupted(.init(codingPath: container.codingPath + [key], debugDescription: error.description, underlyingError: error))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(roleArn, forKey: .roleArn)
        if let target = kind.rolesAnywhere {
            try container.encode(target.profileArn, forKey: .profileArn)
            try container.encode(target.trustAnchorArn, forKey: .trustAnchorArn)
        }
        switch kind {
        case .localCA: break
        case .teamIssuer(let issuer, _): try container.encode(issuer, forKey: .issuer)
        case .ownCertificate(let own, _): try container.encode(own, forKey: .ownCertificate)
        case .chained(let chain): try container.encode(chain, forKey: .chain)
        }
        try container.encodeIfPresent(region, forKey: .region)
        try container.encode(durationSeconds, forKey: .durationSeconds)
        try container.encode(mfa, forKey: .mfa)
        try container.encodeIfPresent(endpoint, forKey: .endpoint)
        try container.encodeIfPresent(stsEndpoint, forKey: .stsEndpoint)
        try container.encodeIfPresent(signinEndpoint, forKey: .signinEndpoint)
        try container.encodeIfPresent(roleSessionName, forKey: .roleSessionName)
        try container.encodeIfPresent(mfaVerificationIntervalSeconds, forKey: .mfaVerificationIntervalSeconds)
        try container.encodeIfPresent(pinCommand, forKey: .pinCommand)
    }
}
