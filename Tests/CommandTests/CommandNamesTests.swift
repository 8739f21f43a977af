import ArgumentParser
import Testing
@testable import rolecall

/// Start-up cost: a command without an explicit name makes argument-parser call `String(describing:)`
/// on its type at every start, which in this binary means scanning every protocol conformance.
@Suite struct CommandNamesTests {
    static func all(_ command: any ParsableCommand.Type) -> [any ParsableCommand.Type] {
        [command] + command.configuration.subcommands.flatMap { all($0) }
    }

    @Test func everyCommandNamesItself() {
        let unnamed = Self.all(Rolecall.self).filter { $0.configuration.commandName == nil }.map { "\($0)" }
        #expect(unnamed.isEmpty, "give these a commandName: \(unnamed)")
    }
}
