import RolesAnywhere

/// Where AssumeRole goes: the region's STS endpoint, or the override the AWS SDKs honour.
public enum STSEndpoint {
    /// The profile's `--sts-endpoint` (`explicit`), else `AWS_ENDPOINT_URL_STS`, else
    /// `AWS_ENDPOINT_URL`, unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is true (the SDKs' rule);
    /// else `https://sts.REGION.amazonaws.com` (`.com.cn` in China).
    public static func resolve(explicit: String? = nil, region: String, environment: [String: String]) throws(RolesAnywhereError) -> Endpoint {
        if let explicit, !explicit.isEmpty { return try Endpoint(parsing: explicit, from: "--sts-endpoint") }
        if environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]?.lowercased() != "true" {
            for name in ["AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"] {
                if let value = environment[name], !value.isEmpty { return try Endpoint(parsing: value) }
            }
        }
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        return try Endpoint(parsing: "https://sts.\(region).\(suffix)")
    }
}
