#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TokenKeys

/// What `profile add` decides from the local state rather than the flags.
public struct ProfileSetup: Sendable {
    private let context: SessionContext

    public init(context: SessionContext) {
        self.context = context
    }

    /// The MFA mode for a new local profile: the one asked for, else `token` when the CA's key is on
    /// a token and `required` otherwise. `token` needs the CA's key on a token. A profile with its
    /// own certificate: `token` when its key is on one, else `off` (Profile.validate says the rest).
    public func mfaMode(asked: Profile.MFAMode?, own: Profile.OwnCertificate? = nil) throws -> Profile.MFAMode {
        if let own { return asked ?? (own.keyIsOnToken ? .token : .off) }
        let store = context.localCAStore
        let onToken = try FileManager.default.fileExists(atPath: store.path) && store.currentAuthority().tokenKey != nil
        guard let asked else { return onToken ? .token : .required }
        if asked == .token && !onToken {
            throw ConfigError.mfaTokenNeedsTokenCA(store.path)
        }
        return asked
    }

    /// A profile's own certificate and key, from `profile add`'s flags: paths made absolute, the
    /// token's module remembered, a key file checked (readable by its owner only, the certificate's key).
    /// `pinCommand`: the profile's own, which gives an encrypted key file's passphrase here too.
    public func ownCertificate(certificate: String, privateKey: String, intermediates: String?, pinCommand: String? = nil,
                               workingDirectory: String) throws -> Profile.OwnCertificate {
        func absolute(_ path: String) -> String {
            PKCS11URI.isURI(path) || path.hasPrefix("/") ? path : workingDirectory + "/" + path
        }
        var own = Profile.OwnCertificate(certificate: absolute(certificate), privateKey: absolute(privateKey), intermediates: intermediates.map(absolute))
        if own.keyIsOnToken {
            own.pkcs11Module = try context.tokens().modulePath(for: try PKCS11URI(parsing: own.privateKey))
        } else {
            // Opened now so that a wrong path, mode or key is said at once, not at the first session.
            try OwnIdentity.open(own, tokens: context.tokens(), pin: context.pinSource(profileCommand: pinCommand), asking: context).release()
        }
        return own
    }
}
