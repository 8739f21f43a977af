#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import IssuerProtocol
import RolesAnywhere

/// A login session with the team issuer: the only thing remote mode keeps on disk
/// (`login.json`, 0600). Alone it cannot mint a certificate for a per-session-MFA role.
public struct IssuerLogin: Codable, Sendable, CustomStringConvertible {
    /// Tried in order; the next one on a connection failure.
    public var urls: [String]
    public var user: String
    public var token: String
    public var expiresAt: Date
    /// Whether the login passed a TOTP check.
    public var mfa: Bool
    /// The server certificate pinned at login (`--pin-sha256`); nil means the system trust store.
    public var pinnedCertificatePEM: String?

    public init(urls: [String], user: String, token: String, expiresAt: Date, mfa: Bool, pinnedCertificatePEM: String?) {
        self.urls = urls
        self.user = user
        self.token = token
        self.expiresAt = expiresAt
        self.mfa = mfa
        self.pinnedCertificatePEM = pinnedCertificatePEM
    }

    public func secondsLeft(at now: Date) -> Int { max(Int(expiresAt.timeIntervalSince(now).rounded(.down)), 0) }

    public var description: String { "IssuerLogin(\(user) at \(urls.joined(separator: ", ")), token: <redacted>, until \(expiresAt))" }
}

/// Where the last login went, kept after `logout` so that `rolecall login` alone signs in again:
/// no secret (the URLs, the user name, the pin's fingerprint).
public struct IssuerSettings: Codable, Sendable, Equatable {
    public var urls: [String]
    public var user: String
    public var pinSHA256: String?
    /// Put before each role's name in the profiles the login writes (`--prefix team-`).
    public var profilePrefix: String?
    /// The endpoints the profiles the login writes use (`--emulator URL` and the like).
    public var endpoints: ServiceEndpoints?

    public init(urls: [String], user: String, pinSHA256: String?, profilePrefix: String? = nil, endpoints: ServiceEndpoints? = nil) {
        (self.urls, self.user, self.pinSHA256) = (urls, user, pinSHA256)
        self.profilePrefix = profilePrefix.flatMap { $0.isEmpty ? nil : $0 }
        self.endpoints = endpoints.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The command that logs in again.
    public var loginCommand: String {
        var words = ["rolecall login"] + urls.map { "--issuer \($0)" } + ["--user \(user)"] + (pinSHA256.map { ["--pin-sha256 \($0)"] } ?? [])
        if let profilePrefix { words.append("--prefix \(profilePrefix)") }
        words += endpoints?.arguments ?? []
        return words.joined(separator: " ")
    }
}

/// `login.json` (the session) and `issuer-settings.json` (where it went) in the home.
public struct IssuerLoginStore: Sendable {
    let file: JSONFile<IssuerLogin>
    let settingsFile: JSONFile<IssuerSettings>

    public init(directory: SecureDirectory) {
        self.file = JSONFile(directory: directory, name: "login.json")
        self.settingsFile = JSONFile(directory: directory, name: "issuer-settings.json")
    }

    /// The current login, or a message saying how to log in.
    public func load() throws -> IssuerLogin {
        guard let login = try file.load() else {
            let how = (try? settingsFile.load()).flatMap { $0 }.map { "`rolecall login` (it remembers: \($0.loginCommand))" }
                ?? "`rolecall login --issuer URL --user NAME` (and --pin-sha256 FINGERPRINT from the administrator for a self-signed issuer)"
            throw IssuanceRefusal(reason: .unauthenticated, message: "not logged in to a team issuer: run \(how)")
        }
        return login
    }

    public func settings() throws -> IssuerSettings? { try settingsFile.load() }

    public func remember(_ settings: IssuerSettings) throws { try settingsFile.save(settings) }

    public func loadIfPresent() throws -> IssuerLogin? { try file.load() }

    public func save(_ login: IssuerLogin) throws {
        try file.directory.create()
        try file.save(login)
    }

    /// True when there was a login to delete.
    public func remove() throws -> Bool {
        guard try file.directory.read(file.name) != nil else { return false }
        try file.directory.remove(file.name)
        return true
    }
}
