import Issuance
import RolesAnywhere
import TokenKeys

extension Profile {
    /// Where a profile's session comes from. Only the three Roles Anywhere kinds have a profile and
    /// a trust anchor: a chained profile's session comes from its source's.
    public enum Kind: Sendable, Equatable {
        /// A certificate from rolecall's own CA on this machine.
        case localCA(RolesAnywhereTarget)
        /// A certificate from the team issuer of the current login (written by `rolecall login`);
        /// `issuer` is its first URL, for display.
        case teamIssuer(issuer: String, RolesAnywhereTarget)
        /// A certificate and key from elsewhere sign CreateSession; no CA of rolecall's is involved.
        case ownCertificate(OwnCertificate, RolesAnywhereTarget)
        /// `roleArn` assumed with STS AssumeRole, signed with a session of another profile.
        case chained(RoleChain)

        /// The Roles Anywhere profile and trust anchor; nil for a chained profile.
        public var rolesAnywhere: RolesAnywhereTarget? {
            switch self {
            case .localCA(let target), .teamIssuer(_, let target), .ownCertificate(_, let target): target
            case .chained: nil
            }
        }

        /// The link to the source profile; nil unless chained.
        public var chain: RoleChain? {
            guard case .chained(let chain) = self else { return nil }
            return chain
        }

        /// Written by `rolecall login`, and written again by the next one.
        public var isTeamIssuer: Bool {
            guard case .teamIssuer = self else { return false }
            return true
        }
    }

    /// The Roles Anywhere profile and trust anchor that CreateSession names.
    public struct RolesAnywhereTarget: Sendable, Equatable {
        public var profileArn: String
        public var trustAnchorArn: String

        public init(profileArn: String, trustAnchorArn: String) {
            self.profileArn = profileArn
            self.trustAnchorArn = trustAnchorArn
        }
    }

    /// The second link of a role chain.
    public struct RoleChain: Codable, Sendable, Equatable {
        /// The profile whose session signs AssumeRole; not itself chained.
        public var sourceProfile: String
        /// The `sts:ExternalId` the target role's trust policy asks for.
        public var externalId: String?

        public init(sourceProfile: String, externalId: String? = nil) {
            self.sourceProfile = sourceProfile
            self.externalId = externalId
        }
    }

    /// A certificate from elsewhere (a corporate PKI) and its key: files, or objects on a token.
    public struct OwnCertificate: Codable, Sendable, Equatable {
        /// An absolute path (PEM or DER; PEM may hold the intermediates after the leaf), or a
        /// `pkcs11:` URI of a certificate object.
        public var certificate: String
        /// An absolute path (PEM, 0600; PKCS#8, SEC 1 or PKCS#1; an encrypted PKCS#8 file asks for
        /// its passphrase), or a `pkcs11:` URI of a private key.
        public var privateKey: String
        /// An absolute path of PEM intermediates, leaf-most first.
        public var intermediates: String?
        /// The module the token objects were found with (`profile add`), remembered.
        public var pkcs11Module: String?

        public init(certificate: String, privateKey: String, intermediates: String? = nil, pkcs11Module: String? = nil) {
            self.certificate = certificate
            self.privateKey = privateKey
            self.intermediates = intermediates
            self.pkcs11Module = pkcs11Module
        }

        public var keyIsOnToken: Bool { PKCS11URI.isURI(privateKey) }

        func validate() throws(ConfigError) {
            for (flag, value) in [("--certificate", certificate), ("--private-key", privateKey), ("--intermediates", intermediates)] {
                guard let value else { continue }
                if PKCS11URI.isURI(value) {
                    guard flag != "--intermediates" else { throw .intermediatesOnToken() }
                    do { _ = try PKCS11URI(parsing: value) } catch { throw .invalidPKCS11URI(flag, error) }
                } else if !value.hasPrefix("/") {
                    throw .relativeCredentialPath(flag, value)
                }
            }
            if PKCS11URI.isURI(certificate) && !keyIsOnToken {
                throw .mixedCredentialStorage()
            }
        }
    }
}
