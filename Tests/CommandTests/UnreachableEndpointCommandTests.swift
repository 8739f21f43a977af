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
        // Room for a process started on a machine a full parallel run keeps busy; the connect
        // timeout (5 s) is what a refusal treated as a timeout would take.
        #expect(elapsed < .seconds(5), "\(elapsed)")
    }
}
