#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Issuance
import RolesAnywhere

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

    /// A chained profile's `mfa` is set to its source's here, so every reader sees the MFA it gets.
    private func loadChecked() throws -> Document {
        var document = try file.load() ?? Document()
        for (index, profile) in document.profiles.enumerated() {
            do {
                try profile.validate()
            } catch {
                throw StoreError.damaged(path, detail: "profile \(index + 1): \(error.description)")
            }
        }
        for (index, profile) in document.profiles.enumerated() {
            guard let chain = profile.kind.chain else { continue }
            guard let source = document.profiles.first(where: { $0.name == chain.sourceProfile }) else {
                throw StoreError.damaged(path, detail: "profile \(index + 1): its source profile \(Profile.shown(chain.sourceProfile)) does not exist")
            }
            guard source.kind.chain == nil else {
                throw StoreError.damaged(path, detail: "profile \(index + 1): its source profile \(Profile.shown(source.name)) is itself chained; rolecall chains one role only")
            }
            document.profiles[index].mfa = source.mfa
        }
        return document
    }

    /// The profile whose session a chained profile's AssumeRole is signed with.
    public func source(of profile: Profile) throws -> Profile? {
        guard let chain = profile.kind.chain else { return nil }
        return try self.profile(named: chain.sourceProfile)
    }

    public func profile(named name: String) throws -> Profile {
        guard let profile = try profiles().first(where: { $0.name == name }) else {
            throw ConfigError.unknownProfile(name)
        }
        return profile
    }

    /// Adds a profile; refuses a name that exists unless `replacing` (`profile add --force`), which
    /// puts it in the old one's place. Returns the profile replaced.
    @discardableResult
    public func add(_ profile: Profile, replacing: Bool = false) throws -> Profile? {
        try profile.validate()
        return try file.directory.withLock {
            var document = try loadChecked()
            let existing = document.profiles.firstIndex { $0.name == profile.name }
            guard existing == nil || replacing else {
                throw ConfigError.profileExists(profile.name)
            }
            if let chain = profile.kind.chain {
                let dependents = document.profiles.filter { $0.kind.chain?.sourceProfile == profile.name }.map(\.name)
                guard dependents.isEmpty else {
                    throw ConfigError.sourceOfOthers(profile.name, dependents, becomingChained: true)
                }
                guard let source = document.profiles.first(where: { $0.name == chain.sourceProfile }) else {
                    throw ConfigError.unknownSourceProfile(chain.sourceProfile)
                }
                guard source.kind.chain == nil else {
                    throw ConfigError.sourceIsChained(source.name)
                }
            }
            guard let existing else {
                document.profiles.append(profile)
                try file.save(document)
                return nil
            }
            let replaced = document.profiles[existing]
            document.profiles[existing] = profile
            try file.save(document)
            return replaced
        }
    }

    /// Changes one profile in place (`profile set`); returns it before and after.
    public func update(named name: String, _ change: (inout Profile) -> Void) throws -> (old: Profile, new: Profile) {
        try file.directory.withLock {
            var document = try loadChecked()
            guard let index = document.profiles.firstIndex(where: { $0.name == name }) else {
                throw ConfigError.unknownProfile(name)
            }
            let old = document.profiles[index]
            change(&document.profiles[index])
            try document.profiles[index].validate()
            try file.save(document)
            return (old, document.profiles[index])
        }
    }

    public func remove(named name: String) throws {
        try file.directory.withLock {
            var document = try file.load() ?? Document()
            guard document.profiles.contains(where: { $0.name == name }) else {
                throw ConfigError.unknownProfile(name)
            }
            let dependents = document.profiles.filter { $0.kind.chain?.sourceProfile == name }.map(\.name)
            guard dependents.isEmpty else {
                throw ConfigError.sourceOfOthers(name, dependents, becomingChained: false)
            }
            document.profiles.removeAll { $0.name == name }
            try file.save(document)
        }
    }

    /// Points the profiles of rolecall's own CA (not a team issuer's, not those with a certificate
    /// of their own, not chained ones) that use trust anchor `from` (nil: any) at `arn`: after a
    /// staged CA with a trust anchor of its own is promoted. Returns the names changed.
    public func setTrustAnchor(_ arn: String, from: String?) throws -> [String] {
        do { _ = try ARN(arn, kind: .trustAnchor) } catch { throw ConfigError.invalidARN(error) }
        return try file.directory.withLock {
            var document = try loadChecked()
            var changed: [String] = []
            for index in document.profiles.indices {
                let profile = document.profiles[index]
                guard case .localCA(var target) = profile.kind, target.trustAnchorArn != arn,
                      from.map({ target.trustAnchorArn == $0 }) ?? true else { continue }
                target.trustAnchorArn = arn
                document.profiles[index].kind = .localCA(target)
                try document.profiles[index].validate()
                changed.append(profile.name)
            }
            guard !changed.isEmpty else {
                throw ConfigError.noProfileForTrustAnchor(from)
            }
            try file.save(document)
            return changed
        }
    }

    /// What `replaceIssuerProfiles` could not do as asked.
    public struct IssuerProfileChanges: Sendable, Equatable {
        /// New profiles not written: a profile of the user's own has the name.
        public var skipped: [String] = []
        /// Old team profiles kept although the new login does not give them: a chained profile
        /// starts from each.
        public var keptForChains: [String] = []
    }

    /// Replaces the profiles of the previous team-issuer login with `profiles`.
    public func replaceIssuerProfiles(with profiles: [Profile]) throws -> IssuerProfileChanges {
        for profile in profiles { try profile.validate() }
        return try file.directory.withLock {
            var document = try loadChecked()
            var changes = IssuerProfileChanges()
            // A team profile that a chained profile starts from stays until the new login replaces
            // it: without it the config would not load.
            let replaced = Set(profiles.map(\.name))
            let sources = Set(document.profiles.compactMap { $0.kind.chain?.sourceProfile })
            changes.keptForChains = document.profiles.filter { $0.kind.isTeamIssuer && !replaced.contains($0.name) && sources.contains($0.name) }.map(\.name)
            document.profiles.removeAll { $0.kind.isTeamIssuer && !changes.keptForChains.contains($0.name) }
            for profile in profiles {
                if document.profiles.contains(where: { $0.name == profile.name }) {
                    changes.skipped.append(profile.name)
                } else {
                    document.profiles.append(profile)
                }
            }
            try file.save(document)
            return changes
        }
    }
}
