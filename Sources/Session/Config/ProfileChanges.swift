import RolesAnywhere

extension Profile {
    /// What `profile add --force` changed from `old`, one line per field ("region: us-east-1 ->
    /// eu-west-1"). No secret lives in a profile; the PIN command is said to change, not shown, as
    /// a hand-written one might carry more than a command.
    public func changes(from old: Profile) -> [String] {
        var lines: [String] = []
        for ((field, before), (_, after)) in zip(Self.shownFields(old), Self.shownFields(self)) where before != after {
            lines.append("\(field): \(before ?? "none") -> \(after ?? "none")")
        }
        if old.pinCommand != pinCommand {
            lines.append("PIN command: \(pinCommand == nil ? "removed" : old.pinCommand == nil ? "added" : "changed")")
        }
        return lines
    }

    /// The fields `changes(from:)` compares, as `profile show` names them. A chained profile's MFA
    /// is its source's, so it is not one of its own fields.
    private static func shownFields(_ profile: Profile) -> [(String, String?)] {
        let (chain, target) = (profile.kind.chain, profile.kind.rolesAnywhere)
        var (issuer, own): (String?, OwnCertificate?) = (nil, nil)
        switch profile.kind {
        case .teamIssuer(let url, _): issuer = url
        case .ownCertificate(let certificate, _): own = certificate
        case .localCA, .chained: break
        }
        return [
            ("source profile", chain?.sourceProfile), ("role ARN", profile.roleArn),
            ("profile ARN", target?.profileArn), ("trust anchor ARN", target?.trustAnchorArn),
            ("external ID", chain?.externalId), ("region", profile.region),
            ("duration", DurationText.format(profile.durationSeconds)), ("MFA", chain == nil ? profile.mfa.rawValue : nil),
            ("endpoint", profile.endpoint), ("STS endpoint", profile.stsEndpoint), ("sign-in endpoint", profile.signinEndpoint),
            ("role session name", profile.roleSessionName), ("MFA interval", profile.mfaVerificationIntervalSeconds.map(DurationText.format)),
            ("issuer", issuer), ("certificate", own?.certificate), ("private key", own?.privateKey),
            ("intermediates", own?.intermediates), ("PKCS#11 module", own?.pkcs11Module),
        ]
    }
}
