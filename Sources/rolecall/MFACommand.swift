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

    struct Add: ContextualCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a TOTP device (needs a code from an existing one).")

        @Argument(help: "A name for the new device.")
        var name: String

        @OptionGroup var mfa: MFAOptions

        func run(_ ctx: CommandContext) async throws {
            try await ctx.reportingErrors {
                let code = try mfa.source(label: "an existing device").obtain(on: ctx.terminal, environment: ctx.environment)
                let uri = try LocalSetup(context: ctx.session()).addDevice(name: name, mfaCode: code)
                ctx.out(uri + "\n")
                if let qr = TerminalQRCode.render(uri) { ctx.out(qr + "\n") }
            }
        }
    }

    struct Verify: ContextualCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check that an authenticator gives codes rolecall accepts (spends the code), e.g. after init."
        )

        @OptionGroup var mfa: MFAOptions

        func run(_ ctx: CommandContext) async throws {
            try await ctx.reportingErrors {
                try await LocalSetup(context: ctx.session()).verifyDevice(codes: mfa.source(label: "the device to check"))
                ctx.err("The code was accepted: the authenticator works.\n")
            }
        }
    }

    struct List: ContextualCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List TOTP devices (never their secrets).")

        @Flag(help: "Print JSON.")
        var json = false

        func run(_ ctx: CommandContext) async throws {
            try await ctx.reportingErrors {
                let devices = try LocalSetup(context: ctx.session()).devices()
                if json {
                    let objects: JSONValue = .array(devices.map { device in
                        ["name": .string(device.name), "created": .string(RFC3339.string(from: device.createdAt)),
                         "lastUsed": .string(device.lastUsed.map(RFC3339.string(from:))),
                         "lockedUntil": .string(device.lockedUntil.map(RFC3339.string(from:)))]
                    })
                    ctx.out(objects.line + "\n")
                    return
                }
                ctx.out("NAME\tCREATED\tLAST USED\tLOCKED UNTIL\n")
                for device in devices {
                    let used = device.lastUsed.map(RFC3339.string(from:)) ?? "never"
                    let locked = device.lockedUntil.map(RFC3339.string(from:)) ?? "-"
                    ctx.out("\(device.name)\t\(RFC3339.string(from: device.createdAt))\t\(used)\t\(locked)\n")
                }
            }
        }
    }

    struct Remove: ContextualCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a TOTP device (needs a code).")

        @Argument(help: "The device to remove.")
        var name: String

        @OptionGroup var mfa: MFAOptions

        func run(_ ctx: CommandContext) async throws {
            try await ctx.reportingErrors {
                let code = try mfa.source(label: "removing \(name)").obtain(on: ctx.terminal, environment: ctx.environment)
                try LocalSetup(context: ctx.session()).removeDevice(name: name, mfaCode: code)
                ctx.err("Removed MFA device \(name).\n")
            }
        }
    }
}
