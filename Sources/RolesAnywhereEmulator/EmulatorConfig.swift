import Foundation
import RolesAnywhere
import SwiftASN1
import X509

/// The emulator's configuration file: JSON, comments allowed (JSON5); docs/emulator.md describes it.
/// Key names are a contract (tests and demos write them): `accountId` (optional: when given,
/// every ARN must be in that account; leave it out to hold trust anchors, profiles and roles in several accounts), `trustAnchors[].arn|certificatePath|enabled`,
/// `profiles[].arn|roleArns|durationSeconds|acceptRoleSessionName|enabled`,
/// `roles[].arn|maxSessionDuration|principalTagConditions|assumableBy|externalId|assumedLifetimeSeconds`.
/// Optional keys take AWS's defaults: enabled, 3600 s, no role session name.
public struct EmulatorConfig: Sendable, Codable {
    public struct TrustAnchor: Sendable, Codable {
        public var arn: String
        /// Relative to the config file.
        public var certificatePath: String
        public var enabled: Bool

        public init(arn: String, certificatePath: String, enabled: Bool = true) {
            self.arn = arn
            self.certificatePath = certificatePath
            self.enabled = enabled
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(arn: try container.decode(String.self, forKey: .arn),
                      certificatePath: try container.decode(String.self, forKey: .certificatePath),
                      enabled: try container.decodeIfPresent(Bool.self, forKey: .enabled) ?? true)
        }
    }

    public struct Profile: Sendable, Codable {
        public var arn: String
        public var roleArns: [String]
        public var durationSeconds: Int
        public var acceptRoleSessionName: Bool
        public var enabled: Bool

        public init(arn: String, roleArns: [String], durationSeconds: Int = 3600, acceptRoleSessionName: Bool = false, enabled: Bool = true) {
            self.arn = arn
            self.roleArns = roleArns
            self.durationSeconds = durationSeconds
            self.acceptRoleSessionName = acceptRoleSessionName
            self.enabled = enabled
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(arn: try container.decode(String.self, forKey: .arn),
                      roleArns: try container.decode([String].self, forKey: .roleArns),
                      durationSeconds: try container.decodeIfPresent(Int.self, forKey: .durationSeconds) ?? 3600,
                      acceptRoleSessionName: try container.decodeIfPresent(Bool.self, forKey: .acceptRoleSessionName) ?? false,
                      enabled: try container.decodeIfPresent(Bool.self, forKey: .enabled) ?? true)
        }
    }

    public struct Role: Sendable, Codable {
        public var arn: String
        public var maxSessionDuration: Int
        /// The trust policy's conditions on the certificate, as `StringEquals` on
        /// `aws:PrincipalTag/KEY` does: each key (`x509SAN/URI`, `x509Subject/OU`, `x509Subject/CN`,
        /// `x509Issuer/CN`, …) must have one of the values listed. Empty: any certificate.
        public var principalTagConditions: [String: [String]]
        /// The roles whose sessions may `sts:AssumeRole` this one (its trust policy's AWS
        /// principals). Empty: not assumable with AssumeRole.
        public var assumableBy: [String]
        /// The `sts:ExternalId` the trust policy asks of AssumeRole, if any.
        public var externalId: String?
        /// A test knob AWS does not have: AssumeRole's credentials for this role expire after this
        /// many seconds, whatever was asked, so that a test sees a supervisor refresh without waiting.
        public var assumedLifetimeSeconds: Int?

        public init(arn: String, maxSessionDuration: Int = 3600, principalTagConditions: [String: [String]] = [:],
                    assumableBy: [String] = [], externalId: String? = nil, assumedLifetimeSeconds: Int? = nil) {
            self.arn = arn
            self.maxSessionDuration = maxSessionDuration
            self.principalTagConditions = principalTagConditions
            self.assumableBy = assumableBy
            self.externalId = externalId
            self.assumedLifetimeSeconds = assumedLifetimeSeconds
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(arn: try container.decode(String.self, forKey: .arn),
                      maxSessionDuration: try container.decodeIfPresent(Int.self, forKey: .maxSessionDuration) ?? 3600,
                      principalTagConditions: try container.decodeIfPresent([String: [String]].self, forKey: .principalTagConditions) ?? [:],
                      assumableBy: try container.decodeIfPresent([String].self, forKey: .assumableBy) ?? [],
                      externalId: try container.decodeIfPresent(String.self, forKey: .externalId),
                      assumedLifetimeSeconds: try container.decodeIfPresent(Int.self, forKey: .assumedLifetimeSeconds))
        }
    }

    public var accountId: String?
    public var trustAnchors: [TrustAnchor]
    public var profiles: [Profile]
    public var roles: [Role]

    public init(accountId: String? = nil, trustAnchors: [TrustAnchor], profiles: [Profile], roles: [Role]) {
        self.accountId = accountId
        self.trustAnchors = trustAnchors
        self.profiles = profiles
        self.roles = roles
    }
}

/// A configuration checked and with its CA certificates loaded.
public struct LoadedEmulatorConfig: Sendable {
    public struct Anchor: Sendable {
        public let arn: ARN
        public let certificates: [Certificate]
        public let enabled: Bool
    }

    public let anchors: [String: Anchor]
    public let profiles: [String: EmulatorConfig.Profile]
    public let roles: [String: EmulatorConfig.Role]

    /// Reads and checks `path`.
    public static func load(path: String) throws -> LoadedEmulatorConfig {
        let url = URL(fileURLWithPath: path)
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw EmulatorConfigError.unreadable(path, reason: error.localizedDescription)
        }
        let config: EmulatorConfig
        // JSON5 lets the file carry comments, as --example-config's does.
        let decoder = JSONDecoder()
        decoder.allowsJSON5 = true
        do {
            config = try decoder.decode(EmulatorConfig.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw EmulatorConfigError.missingKey(path, key: Self.path(context.codingPath + [key]))
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw EmulatorConfigError.wrongType(path, at: Self.path(context.codingPath))
        } catch let DecodingError.dataCorrupted(context) {
            throw EmulatorConfigError.invalidJSON(path, at: context.codingPath.isEmpty ? nil : Self.path(context.codingPath))
        }
        return try LoadedEmulatorConfig(config, baseDirectory: url.deletingLastPathComponent())
    }

    public init(_ config: EmulatorConfig, baseDirectory: URL) throws {
        if let accountId = config.accountId {
            guard accountId.count == 12, accountId.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw EmulatorConfigError.invalidAccountId()
            }
        }
        func arn(_ text: String, _ kind: ARN.Kind, at key: String) throws -> ARN {
            try Self.arn(text, kind, at: key, in: config.accountId)
        }
        var anchors: [String: Anchor] = [:]
        for (index, anchor) in config.trustAnchors.enumerated() {
            let arn = try arn(anchor.arn, .trustAnchor, at: "trustAnchors[\(index)].arn")
            let file = anchor.certificatePath.hasPrefix("/") ? URL(fileURLWithPath: anchor.certificatePath)
                : baseDirectory.appendingPathComponent(anchor.certificatePath)
            let key = "trustAnchors[\(index)].certificatePath"
            guard let pem = try? String(contentsOf: file, encoding: .utf8) else { throw EmulatorConfigError.unreadableCertificate(at: key, file.path) }
            let certificates: [Certificate]
            do {
                certificates = try PEMDocument.parseMultiple(pemString: pem).map { try Certificate(pemDocument: $0) }
            } catch {
                throw EmulatorConfigError.noCertificate(at: key, file.path)
            }
            guard !certificates.isEmpty else { throw EmulatorConfigError.noCertificate(at: key, file.path) }
            anchors[anchor.arn] = Anchor(arn: arn, certificates: certificates, enabled: anchor.enabled)
        }
        var profiles: [String: EmulatorConfig.Profile] = [:]
        for (index, profile) in config.profiles.enumerated() {
            let profileArn = try arn(profile.arn, .profile, at: "profiles[\(index)].arn")
            // As CreateProfile: a profile lists roles of its own account only.
            for roleArn in profile.roleArns where (try? ARN(roleArn, kind: .role))?.account != profileArn.account {
                throw EmulatorConfigError.roleOutsideProfileAccount(at: "profiles[\(index)].roleArns", roleArn: roleArn, account: profileArn.account)
            }
            guard SessionDurationPolicy.range.contains(profile.durationSeconds) else {
                throw EmulatorConfigError.durationOutOfRange(at: "profiles[\(index)].durationSeconds")
            }
            profiles[profile.arn] = profile
        }
        var roles: [String: EmulatorConfig.Role] = [:]
        for (index, role) in config.roles.enumerated() {
            _ = try arn(role.arn, .role, at: "roles[\(index)].arn")
            guard SessionDurationPolicy.range.contains(role.maxSessionDuration) else {
                throw EmulatorConfigError.durationOutOfRange(at: "roles[\(index)].maxSessionDuration")
            }
            for source in role.assumableBy {
                do { _ = try ARN(source, kind: .role) } catch {
                    throw EmulatorConfigError.invalidARN(at: "roles[\(index)].assumableBy", error)
                }
            }
            roles[role.arn] = role
        }
        self.anchors = anchors
        self.profiles = profiles
        self.roles = roles
    }

    /// An ARN of `kind` at `key`, in `accountId` when the config names one.
    private static func arn(_ text: String, _ kind: ARN.Kind, at key: String, in accountId: String?) throws -> ARN {
        let arn: ARN
        do { arn = try ARN(text, kind: kind) } catch { throw EmulatorConfigError.invalidARN(at: key, error) }
        if let accountId, arn.account != accountId {
            throw EmulatorConfigError.otherAccount(at: key, account: arn.account, accountId: accountId)
        }
        return arn
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }
}
