import ArgumentParser
import Foundation
import RolesAnywhereEmulator

@main
struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rolesanywhere-emulator",
        abstract: "A loopback stand-in for IAM Roles Anywhere CreateSession, STS GetCallerIdentity and AssumeRole, and the console's federation endpoint.",
        discussion: """
        Prints its base URL (http://127.0.0.1:PORT) as the first line on stdout once it accepts \
        connections, then one JSON line per request on stderr. For tests and demos only. A role is \
        assumable with AssumeRole only by the roles its "assumableBy" lists, and with its \
        "externalId" when it has one. The configuration's keys: --example-config, and docs/emulator.md.
        """
    )

    @Option(help: "The emulator's JSON configuration (trust anchors, profiles, roles; comments allowed).")
    var config: String?

    @Flag(name: .customLong("example-config"), help: "Print a working configuration, every key explained in comments, and exit.")
    var exampleConfig = false

    @Option(help: "The port to listen on; 0 picks a free one.")
    var port: Int = 0

    @Option(help: "The address to bind; loopback unless you say otherwise.")
    var host: String = "127.0.0.1"

    @Flag(name: .customLong("until-stdin-closes"), help: "Stop when standard input closes (a parent that ends, however it ends, takes the emulator along).")
    var untilStdinCloses = false

    func validate() throws {
        guard exampleConfig || config != nil else { throw ValidationError("give --config FILE (--example-config prints one to start from)") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
    }

    func run() async throws {
        guard let config, !exampleConfig else {
            FileHandle.standardOutput.write(Data(ExampleConfig.text.utf8))
            return
        }
        let loaded: LoadedEmulatorConfig
        do {
            loaded = try LoadedEmulatorConfig.load(path: config)
        } catch {
            FileHandle.standardError.write(Data("rolesanywhere-emulator: \(error)\n".utf8))
            throw ExitCode(1)
        }
        if untilStdinCloses {
            Thread.detachNewThread {
                var byte: UInt8 = 0
                while true {
                    let got = read(STDIN_FILENO, &byte, 1)
                    if got == 0 || (got < 0 && errno != EINTR) { Foundation.exit(0) }
                }
            }
        }
        let emulator = Emulator(config: loaded, log: { record in
            FileHandle.standardError.write(Data((record.jsonLine() + "\n").utf8))
        })
        try await EmulatorServer(emulator: emulator, host: host, port: port).run { url in
            FileHandle.standardOutput.write(Data((url + "\n").utf8))
        }
    }
}
