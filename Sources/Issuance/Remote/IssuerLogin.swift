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

/// `login.json` in the home.
public struct IssuerLoginStore: Sendable {
    let file: JSONFile<IssuerLogin>

    public init(directory: SecureDirectory) {
        self.file = JSONFile(directory: directory, name: "login.json")
    }

    /// The current login, or a message saying how to log in.
    public func load() throws -> IssuerLogin {
        guard let login = try file.load() else {
            throw IssuanceRefusal(reason: .unauthenticated, message: "not logged in to a team issuer: run `rolecall login --issuer URL --user NAME`")
        }
        return login
    }

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
