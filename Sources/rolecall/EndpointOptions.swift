import ArgumentParser
import RolesAnywhere

/// The endpoints a profile may set instead of AWS's: `profile add`, `profile set` and `login`
/// (for the profiles it writes; `rolecall login` without --issuer keeps the last login's).
struct EndpointOptions: ParsableArguments {
    @Option(help: "Roles Anywhere endpoint URL, for CreateSession only (default: $AWS_ENDPOINT_URL_ROLESANYWHERE or the region's).")
    var endpoint: String?

    @Option(name: .customLong("sts-endpoint"), help: "STS endpoint URL: a chained profile's AssumeRole, and AWS_ENDPOINT_URL_STS for the command (default: $AWS_ENDPOINT_URL_STS or the region's).")
    var stsEndpoint: String?

    @Option(name: .customLong("signin-endpoint"), help: "Console sign-in (federation) endpoint URL for `rolecall console` (default: $ROLECALL_SIGNIN_ENDPOINT or the partition's).")
    var signinEndpoint: String?

    @Option(help: "All three endpoints at one URL, as rolesanywhere-emulator serves them (the URL it prints first).")
    var emulator: String?

    func validate() throws {
        if emulator != nil, endpoint != nil || stsEndpoint != nil || signinEndpoint != nil {
            throw ValidationError("--emulator sets --endpoint, --sts-endpoint and --signin-endpoint to one URL: give it alone")
        }
        do { try given.validate() } catch { throw ValidationError(error.description) }
    }

    /// What the options give (nil where they give nothing).
    var given: ServiceEndpoints {
        emulator.map(ServiceEndpoints.emulator) ?? ServiceEndpoints(rolesAnywhere: endpoint, sts: stsEndpoint, signin: signinEndpoint)
    }

    /// For a chained profile, which has no Roles Anywhere endpoint of its own: `--emulator` gives
    /// its STS and sign-in endpoints.
    var givenForChain: ServiceEndpoints {
        var endpoints = given
        if emulator != nil { endpoints.rolesAnywhere = nil }
        return endpoints
    }
}
