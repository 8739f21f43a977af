import ArgumentParser
import CommandLineSupport
import Foundation
import IssuanceCore
import IssuerServer
import RolesAnywhere

struct IssuerUserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage the people who may log in.",
        subcommands: [Add.self, List.self, Reset.self, Disable.self, Enable.self, Admin.self, Remove.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a user; prints their one-time password and TOTP enrollment URI once."
        )

        @OptionGroup var options: IssuerOptions

        @Argument(help: "The user's name (letters, digits, '.', '_', '@', '-').")
        var name: String

        @Option(name: .customLong("login-session"), help: "How long a login session lasts, 15m to 168h.", transform: DurationArgument.parse)
        var loginSession = DurationArgument(seconds: 12 * 3600)

        @Flag(help: "May use the web console's administrator pages (audit, users, roles, certificates).")
        var admin = false

        @Flag(help: "Print {user, password, otpauthURI} as JSON and nothing else.")
        var json = false

        func run() async throws {
            try await StandardIO.reportingErrors {
                let enrollment = try await options.withAdmin { try await $0.addUser(name, loginSessionSeconds: loginSession.seconds, admin: admin) }
                defer {
                    enrollment.password.wipe()
                    enrollment.otpauthURI.wipe()
                }
                if json {
                    try printJSON(["user": enrollment.user, "password": enrollment.password.unsafeStringValue(), "otpauthURI": enrollment.otpauthURI.unsafeStringValue()])
                    return
                }
                StandardIO.out("""
                Added \(enrollment.user). Give them these two secrets over a trusted channel; they are shown only now.

                One-time password (their first `rolecall login` replaces it): \(enrollment.password.unsafeStringValue())
                TOTP device (add it to an authenticator app):
                  \(enrollment.otpauthURI.unsafeStringValue())

                """)
                if let qr = TerminalQRCode.render(enrollment.otpauthURI.unsafeStringValue()) { StandardIO.out(qr + "\n") }
                StandardIO.out("Next: rolecall issuer role allow \(enrollment.user) arn:aws:iam::ACCOUNT:role/NAME --profile-arn … --trust-anchor-arn …\n")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List users (never their secrets).")

        @OptionGroup var options: IssuerOptions

        @Flag(help: "Print JSON.")
        var json = false

        struct Row: Encodable {
            let name: String
            let disabled: Bool
            let admin: Bool
            /// Still the one-time password from `add` or `reset`.
            let passwordMustChange: Bool
            let loginSessionSeconds: Int
            let created: Date
        }

        func run() async throws {
            try await StandardIO.reportingErrors {
                let rows = try await options.withAdmin { try await $0.users() }
                    .map { Row(name: $0.name, disabled: $0.disabled, admin: $0.admin, passwordMustChange: $0.passwordMustChange,
                               loginSessionSeconds: $0.loginSessionSeconds, created: $0.createdAt) }
                if json { return try printJSON(rows) }
                StandardIO.out("NAME\tSTATUS\tLOGIN SESSION\tCREATED\n")
                for row in rows {
                    let state = row.disabled ? "disabled" : row.passwordMustChange ? "one-time-password" : "active"
                    let status = row.admin ? state + ",admin" : state
                    StandardIO.out("\(row.name)\t\(status)\t\(DurationText.format(row.loginSessionSeconds))\t\(RFC3339.string(from: row.created))\n")
                }
            }
        }
    }

    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset",
            abstract: "Give a user a new one-time password (printed once), end their login and console sessions and lift a lockout; their TOTP devices stay unless --new-device."
        )

        @OptionGroup var options: IssuerOptions

        @Argument(help: "The user's name.")
        var name: String

        @Flag(name: .customLong("new-device"), help: "Also replace all the user's TOTP devices with one new seed (printed once), for a lost phone.")
        var newDevice = false

        @Flag(help: "Print {user, password} (and otpauthURI with --new-device) as JSON and nothing else.")
        var json = false

        func run() async throws {
            try await StandardIO.reportingErrors {
                let reset = try await options.withAdmin { try await $0.resetPassword(user: name, newDevice: newDevice) }
                defer { reset.wipe() }
                if json {
                    var fields = ["user": name, "password": reset.password.unsafeStringValue()]
                    fields["otpauthURI"] = reset.otpauthURI?.unsafeStringValue()
                    return try printJSON(fields)
                }
                StandardIO.out("One-time password for \(name) (their next `rolecall login` replaces it; shown only now): \(reset.password.unsafeStringValue())\n")
                if let uri = reset.otpauthURI {
                    StandardIO.out("Their new TOTP device (every other device of theirs no longer works):\n  \(uri.unsafeStringValue())\n\n")
                    if let qr = TerminalQRCode.render(uri.unsafeStringValue()) { StandardIO.out(qr + "\n") }
                }
            }
        }
    }

    struct Admin: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "admin",
            abstract: "Let a user use the web console's administrator pages, or no longer (audited)."
        )

        @OptionGroup var options: IssuerOptions

        @Argument(help: "The user's name.")
        var name: String

        @Flag(exclusivity: .exclusive)
        var state: State

        enum State: String, EnumerableFlag {
            case on, off

            static func help(for value: State) -> ArgumentHelp? {
                value == .on ? "Make the user an administrator of the console (its audit, users and roles pages)."
                    : "Make the user an ordinary user again: their own page only."
            }
        }

        func run() async throws {
            try await StandardIO.reportingErrors {
                try await options.withAdmin { try await $0.setAdmin(state == .on, user: name) }
                StandardIO.out(state == .on ? "\(name) is an administrator of the console.\n" : "\(name) is no longer an administrator of the console.\n")
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "disable", abstract: "Refuse the user's logins and certificates from now on; enabling again does not revive their login sessions.")

        @OptionGroup var options: IssuerOptions

        @Argument(help: "The user's name.")
        var name: String

        func run() async throws {
            try await StandardIO.reportingErrors {
                try await options.withAdmin { try await $0.setDisabled(true, user: name) }
                StandardIO.out("Disabled \(name): their login sessions get no more certificates.\n")
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "enable", abstract: "Allow a disabled user again.")

        @OptionGroup var options: IssuerOptions

        @Argument(help: "The user's name.")
        var name: String

        func run() async throws {
            try await StandardIO.reportingErrors {
                try await options.withAdmin { try await $0.setDisabled(false, user: name) }
                StandardIO.out("Enabled \(name).\n")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a user and their role grants (audit rows stay).")

        @OptionGroup var options: IssuerOptions

        @Argument(help: "The user's name.")
        var name: String

        func run() async throws {
            try await StandardIO.reportingErrors {
                try await options.withAdmin { try await $0.removeUser(name) }
                StandardIO.out("Removed \(name).\n")
            }
        }
    }
}
