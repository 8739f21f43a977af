import Foundation
import HTTPSTransport
import Issuance
import RolesAnywhere
import SecurityTokenService
import Session
import TestSupport
import Testing

/// Issue 24: an endpoint that cannot be reached (a closed port, a mistyped region's name) fails
/// in one plain sentence, before the MFA code is asked for. The time it takes is measured on the
/// built client (`UnreachableEndpointCommandTests`), whose tasks no parallel test can hold up.
@Suite(.removesTemporaryFiles) struct UnreachableEndpointTests {
    @Test(arguments: ["http://127.0.0.1:9", "https://rolesanywhere.us-eest-1.rolecall.invalid"])
    func anUnreachableEndpointFailsBeforeTheCodeIsAsked(endpoint: String) async throws {
        let base = try Paths.temporaryDirectory()
        let context = SessionContext(environment: ["ROLECALL_HOME": base + "/home"], transport: ClientTransport.make())
        _ = try LocalSetup(context: context).initialize(user: "alice")
        try context.config.add(Profile(name: "dev", roleArn: EmulatorHarness.roleArn, kind: .localCA(EmulatorHarness.target),
                                       mfa: .required, endpoint: endpoint))
        let asked = base + "/asked"
        let error = await #expect(throws: RolesAnywhereError.self) {
            try await SessionStarter(context: context).start(.init(profileName: "dev"), mfa: .command("echo >> '\(asked)'; echo 123456"))
        }
        #expect(!FileManager.default.fileExists(atPath: asked), "the MFA code was asked for")
        let message = try #require(error?.message)
        #expect(message.hasPrefix("could not reach \(endpoint): "), "\(message)")
        #expect(message.hasSuffix("; check the network and the endpoint"), "\(message)")
        #expect(message.contains("connection refused") || message.contains("no address found for rolesanywhere.us-eest-1.rolecall.invalid"), "\(message)")
        #expect(!message.contains("errno") && message.filter { $0 == "(" }.count == message.filter { $0 == ")" }.count, "\(message)")
    }

    /// A chained profile: STS is reached before the source's session asks for the code, so a closed
    /// STS port spends none either.
    @Test func anUnreachableSTSFailsBeforeTheSourceAsksForTheCode() async throws {
        let base = try Paths.temporaryDirectory()
        let context = SessionContext(environment: ["ROLECALL_HOME": base + "/home"], transport: ClientTransport.make())
        _ = try LocalSetup(context: context).initialize(user: "alice")
        try context.config.add(Profile(name: "dev", roleArn: EmulatorHarness.roleArn, kind: .localCA(EmulatorHarness.target),
                                       mfa: .required, endpoint: "http://127.0.0.1:9"))
        var admin = Profile.chained(name: "admin", sourceProfile: "dev", roleArn: EmulatorHarness.targetRoleArn)
        admin.stsEndpoint = "http://127.0.0.1:9"
        try context.config.add(admin)
        let asked = base + "/asked"
        let error = await #expect(throws: STSError.self) {
            try await SessionStarter(context: context).start(.init(profileName: "admin"), mfa: .command("echo >> '\(asked)'; echo 123456"))
        }
        #expect(!FileManager.default.fileExists(atPath: asked), "the MFA code was asked for")
        #expect(error?.message.hasPrefix("could not reach STS at http://127.0.0.1:9: connection refused; check") == true, "\(String(describing: error))")
    }
}
