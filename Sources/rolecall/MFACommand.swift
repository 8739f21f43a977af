import ArgumentParser
import CommandLineSupport
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import IssuanceCore
import RolesAnywhere
import Session

struct MFACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mfa",
        abstract: "Manage TOTP devices.",
        subcommands: [Add.self, Verify.self, List.self, Remove.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a TOTP device (needs a code from an existing one).")

        @Argument(help: "A name for the new device.")
        var name: String

        @OptionGroup var mfa: MFAOptions

        func run() async throws {
            try await Console.reportingErrors {
                let code = try mfa.source(label: "an existing device").obtain()
                let uri = try LocalSetup(context: Console.context()).addDevice(name: name, mfaCode: code)
                Console.out(uri + "\n")
                if let qr = TerminalQRCode.render(uri) { Console.out(qr + "\n") }
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check that an authenticator gives codes rolecall accepts (spends the code), e.g. after init."
        )

        @OptionGroup var mfa: MFAOptions

        func run() async throws {
            try await Console.reportingErrors {
                try await LocalSetup(context: Console.context()).verifyDevice(codes: mfa.source(label: "the device to check"))
                Console.err("The code was accepted: the authenticator works.\n")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List TOTP devices (never their secrets).")

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            try await Console.reportingErrors {
                let devices = try LocalSetup(context: Console.context()).devices()
                if json {
                    let objects: JSONValue = .array(devices.map { device in
                        ["name": .string(device.name), "created": .string(RFC3339.string(from: device.createdAt)),
                         "lastUsed": .string(device.lastUsed.map(RFC3339.string(from:))),
                         "lockedUntil": .string(device.lockedUntil.map(RFC3339.string(from:)))]
                    })
                    Console.out(objects.line + "\n")
                    return
                }
                Console.out("NAME\tCREATED\tLAST USED\tLOCKED UNTIL\n")
                for device in devices {
                    let used = device.lastUsed.map(RFC3339.string(from:)) ?? "never"
                    let locked = device.lockedUntil.map(RFC3339.string(from:)) ?? "-"
                    Console.out("\(device.name)\t\(RFC3339.string(from: device.createdAt))\t\(used)\t\(locked)\n")
                }
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a TOTP device (needs a code).")

        @Argument(help: "The device to remove.")
        var name: String

        @OptionGroup var mfa: MFAOptions

        func run() async throws {
            try await Console.reportingErrors {
                let code = try mfa.source(label: "removing \(name)").obtain()
                try LocalSetup(context: Console.context()).removeDevice(name: name, mfaCode: code)
                Console.err("Removed MFA device \(name).\n")
            }
        }
    }
}
