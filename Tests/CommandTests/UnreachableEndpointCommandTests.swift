import Foundation
import TestSupport
import Testing

/// Issue 24, point 4, on the built client: `exec` against a closed port or a name that does not
/// resolve ends at once (0.1–0.2 s alone; async-http-client waited 30 s), says in one sentence
/// what was tried, what happened and what to check, and never asks for the MFA code.
@Suite(.removesTemporaryFiles) struct UnreachableEndpointCommandTests {
    @Test(arguments: [("http://127.0.0.1:9", "connection refused"),
                      ("https://rolesanywhere.us-eest-1.rolecall.invalid", "no address found for rolesanywhere.us-eest-1.rolecall.invalid")])
    func execAgainstAnUnreachableEndpointEndsAtOnceAndAsksForNoCode(endpoint: String, what: String) async throws {
        let world = try await CLIWorld.initialized()
        let added = try await world.rolecall(["profile", "add", "dev", "--role-arn", EmulatorHarness.roleArn, "--profile-arn", EmulatorHarness.profileArn,
                                              "--trust-anchor-arn", EmulatorHarness.trustAnchorArn, "--endpoint", endpoint])
        try #require(added.status == 0, "\(added.stderr)")
        let asked = world.base + "/asked"
        let started = ContinuousClock.now
        let outcome = try await world.rolecall(["exec", "--profile", "dev", "--mfa-command", "echo >> '\(asked)'; echo 123456", "--", "true"])
        let elapsed = ContinuousClock.now - started
        #expect(outcome.status != 0)
        #expect(outcome.stderr == "rolecall: could not reach \(endpoint): \(what); check the network and the endpoint\n")
        #expect(!FileManager.default.fileExists(atPath: asked), "the MFA code was asked for")
        // The message already shows that nothing waited for the 5 s connect timeout. The bound is
        // room for a machine a full parallel run keeps busy (13 s seen at a load of 29 on two
        // cores), still short of async-http-client's 30 s.
        #expect(elapsed < .seconds(20), "\(elapsed)")
    }
}
