#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Issuance

/// `config.json` in the home: the user's profiles. Human-readable; state lives elsewhere.
public struct ConfigStore: Sendable {
    public struct Document: Codable, Sendable, Equatable {
        public var profiles: [Profile]
        public init(profiles: [Profile] = []) { self.profiles = profiles }
    }

    let file: JSONFile<Document>

    public init(directory: SecureDirectory) {
        self.file = JSONFile(directory: directory, name: "config.json")
    }

    public var path: String { file.path }

    /// The profiles, each checked again by the rules `profile add` applies: the file may have been
    /// edited by hand, and its names end up in shell lines, `~/.aws/config` sections and messages.
    public func profiles() throws -> [Profile] {
        try loadChecked().profiles
    }

    private func loadChecked() throws -> Document {
        let document = try file.load() ?? Document()
        for (index, profile) in document.profiles.enumerated() {
            do {
                try profile.validate()
            } catch {
                throw StoreError.damaged(path, detail: "profile \(index + 1): \(error.description)")
            }
        }
        return document
    }

    public func profile(named name: String) throws -> Profile {
        guard let profile = try profiles().first(where: { $0.name == name }) else {
            throw ProfileError("no profile named \(Profile.shown(name)): see `rolecall profile list`")
        }
        return profile
    }

    /// Adds a profile; refuses a name that exists.
    public func add(_ profile: Profile) throws {
        try profile.validate()
        try file.directory.withLock {
            var document = try loadChecked()
            guard !document.profiles.contains(where: { $0.name == profile.name }) else {
                throw ProfileError("a profile named \(shellQuoted(profile.name)) already exists: remove it first with `rolecall profile remove \(shellQuoted(profile.name))`")
            }
            document.profiles.append(profile)
            try file.save(document)
        }
    }

    public func remove(named name: String) throws {
        try file.directory.withLock {
            var document = try file.load() ?? Document()
            guard document.profiles.contains(where: { $0.name == name }) else {
                throw ProfileError("no profile named \(Profile.shown(name)): see `rolecall profile list`")
            }
            document.profiles.removeAll { $0.name == name }
            try file.save(document)
        }
    }

    /// Replaces the profiles of the previous team-issuer login with `profiles`; a name taken by a
    /// profile of the user's own is left alone and returned.
    public func replaceIssuerProfiles(with profiles: [Profile]) throws -> [String] {
        for profile in profiles { try profile.validate() }
        return try file.directory.withLock {
            var document = try loadChecked()
            document.profiles.removeAll { $0.issuer != nil }
            var skipped: [String] = []
            for profile in profiles {
                if document.profiles.contains(where: { $0.name == profile.name }) {
                    skipped.append(profile.name)
                } else {
                    document.profiles.append(profile)
                }
            }
            try file.save(document)
            return skipped
        }
    }
}
