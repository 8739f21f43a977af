import Foundation
import Testing
import TestSupport

/// Most command tests run `rolecall` in-process (`CLIWorld`); these run the program itself for each
/// command and expect the same exit status and output, so the live wiring (`CommandContext.live`,
/// `CommandMain`'s exit codes and streams) is what the in-process tests exercise. (`--version`
/// is VersionTests': the commit it names is the build's, which a test bundle built apart may not share.)
@Suite(.removesTemporaryFiles) struct ProgramWiringTests {
    static let commands: [[String]] = [
        ["profile", "list"], ["profile", "show", "dev"], ["profile", "list", "--json"], ["ca", "show"], ["ca", "show", "--json"],
        ["aws-config"], ["aws-config", "--profile", "dev"], ["profile", "--help"], ["mfa"],
        ["exec", "--bogus"], ["exec", "--profile", "dev", "--profile", "prod", "--", "true"], ["profile", "show", "nope"],
        ["credential-process", "--profile", "dev"], ["env", "--profile", "dev", "--profile", "prod"], ["logout"],
    ]

    @Test(arguments: commands)
    func theProgramAndTheInProcessRunAgree(arguments: [String]) async throws {
        try #require(!CLIWorld.needsItsOwnProcess(arguments), "world.rolecall would start the program too")
        let world = try await CLIWorld.withEmulator()
        let program = try await world.rolecallProcess(arguments)
        let inProcess = try await world.rolecall(arguments)
        #expect(program.status == inProcess.status, "\(program.stderr) | \(inProcess.stderr)")
        #expect(program.stdout == inProcess.stdout)
        #expect(program.stderr == inProcess.stderr)
        #expect(!(program.stdout + program.stderr).isEmpty, "each command says something")
    }
}
