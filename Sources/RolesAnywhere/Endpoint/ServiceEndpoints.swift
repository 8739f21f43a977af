/// Where a profile's sessions go instead of AWS's standard endpoints: Roles Anywhere (CreateSession
/// only, as stored profiles have always meant `endpoint`), STS (a chained profile's AssumeRole and
/// the child's `AWS_ENDPOINT_URL_STS`) and the console's federation (sign-in) endpoint. The
/// emulator serves all three at one URL (`POST /sessions`, `POST /`, `GET /federation`).
public struct ServiceEndpoints: Codable, Sendable, Equatable {
    public var rolesAnywhere: String?
    public var sts: String?
    public var signin: String?

    public init(rolesAnywhere: String? = nil, sts: String? = nil, signin: String? = nil) {
        (self.rolesAnywhere, self.sts, self.signin) = (rolesAnywhere, sts, signin)
    }

    /// All three at the emulator's one URL (`--emulator URL`).
    public static func emulator(_ url: String) -> ServiceEndpoints {
        ServiceEndpoints(rolesAnywhere: url, sts: url, signin: url)
    }

    public var isEmpty: Bool { self == ServiceEndpoints() }

    /// The options that set each one, with their values, in the order help lists them.
    public var options: [(option: String, value: String?)] {
        [("--endpoint", rolesAnywhere), ("--sts-endpoint", sts), ("--signin-endpoint", signin)]
    }

    /// The options that give these endpoints again (`--emulator URL` when all three are one URL).
    public var arguments: [String] {
        if let url = rolesAnywhere, sts == url, signin == url { return ["--emulator", url] }
        return options.flatMap { option, value in value.map { [option, $0] } ?? [] }
    }

    /// Each one set passes the rules of every endpoint (`Endpoint(parsing:)`); a refusal of the STS
    /// or sign-in endpoint starts with its option.
    public func validate() throws(RolesAnywhereError) {
        if let rolesAnywhere { _ = try Endpoint(parsing: rolesAnywhere) }
        if let sts { _ = try Endpoint(parsing: sts, from: "--sts-endpoint") }
        if let signin { _ = try Endpoint(parsing: signin, from: "--signin-endpoint") }
    }

    /// These, with `fallback`'s where these set none.
    public func filled(from fallback: ServiceEndpoints) -> ServiceEndpoints {
        ServiceEndpoints(rolesAnywhere: rolesAnywhere ?? fallback.rolesAnywhere, sts: sts ?? fallback.sts, signin: signin ?? fallback.signin)
    }
}
