import ArgumentParser
import Testing
@testable import rolecall
@testable import rolecall_issuer

/// Start-up cost: a command without an explicit name makes argument-parser call `String(describing:)`
/// on its type at every start, which means scanning every protocol conformance in the binary.
@Suite struct CommandNamesTests {
    static func all(_ command: any ParsableCommand.Type) -> [any ParsableCommand.Type] {
        [command] + command.configuration.subcommands.flatMap { all($0) }
    }

    @Test(arguments: [Rolecall.self, RolecallIssuer.self] as [any ParsableCommand.Type])
    func everyCommandNamesItself(root: any ParsableCommand.Type) {
        let unnamed = Self.all(root).filter { $0.configuration.commandName == nil }.map { "\($0)" }
        #expect(unnamed.isEmpty, "give these a commandName: \(unnamed)")
    }
}
