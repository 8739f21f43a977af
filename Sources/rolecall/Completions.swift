import ArgumentParser
import ChildProcess
import CommandLineSupport
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import IssuanceCore
import Session

/// Completions computed when the shell asks for them (argument-parser's `CompletionKind.custom`,
/// which runs this program with `---completion`). Each reads one local file or runs one local
/// program: nothing prompts, nothing reaches the network.
enum Completions {
    /// `--profile`: the profile names in the config file; none when it is missing or unreadable.
    static let profileNames = CompletionKind.custom { _, _, prefix in
        let profiles = (try? ConfigStore(directory: Home.directory(environment: StandardIO.environment)).profiles()) ?? []
        return profiles.map(\.name).filter { $0.hasPrefix(prefix) }
    }

    /// `rolecall issuer …`: rolecall-issuer's subcommands and options after the words typed so far,
    /// from its own description of its command line (`--experimental-dump-help`).
    static let issuerArguments = CompletionKind.custom { words, index, prefix in
        guard let name = IssuerHandoff.configuration.commandName, let start = words.firstIndex(of: name), start < index,
              let root = IssuerCommandLine.load() else { return [] }
        let command = words[(start + 1)..<index].reduce(root) { command, word in
            command.subcommands?.first { $0.commandName == word } ?? command
        }
        return command.candidates.filter { $0.hasPrefix(prefix) }
    }
}

/// The part of argument-parser's `--experimental-dump-help` JSON (ToolInfoV0) completion needs.
struct IssuerCommandLine: Decodable {
    struct Argument: Decodable {
        struct Name: Decodable { var kind: String; var name: String }
        var names: [Name]?
        var shouldDisplay: Bool
    }

    var commandName: String
    var subcommands: [IssuerCommandLine]?
    var arguments: [Argument]?

    /// Subcommand names, then option and flag spellings (`--name`, `-n`).
    var candidates: [String] {
        let options = (arguments ?? []).filter(\.shouldDisplay).flatMap { $0.names ?? [] }.map { name in
            name.kind == "long" ? "--\(name.name)" : "-\(name.name)"
        }
        return (subcommands ?? []).map(\.commandName) + options
    }

    /// rolecall-issuer's command line, as the installed program describes it; nil when it is not there.
    static func load() -> IssuerCommandLine? {
        struct Tool: Decodable { var command: IssuerCommandLine }
        guard let executable = try? CompanionProgram.locate("rolecall-issuer", environment: StandardIO.environment) else { return nil }
        let json = try? CapturedRun.run(executable, ["--experimental-dump-help"], outputLimit: 1 << 20, discardErrors: true) { status, output in
            status == 0 ? Data(output) : nil
        }
        return json.flatMap { try? JSONDecoder().decode(Tool.self, from: $0).command }
    }
}
