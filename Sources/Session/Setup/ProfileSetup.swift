#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What `profile add` decides from the local state rather than the flags.
public struct ProfileSetup: Sendable {
    private let context: SessionContext

    public init(context: SessionContext) {
        self.context = context
    }

    /// The MFA mode for a new local profile: the one asked for, else `token` when the CA's key is on
    /// a token and `required` otherwise. `token` needs the CA's key on a token.
    public func mfaMode(asked: Profile.MFAMode?) throws -> Profile.MFAMode {
        let store = context.issuerStore
        let onToken = try FileManager.default.fileExists(atPath: store.path) && store.currentAuthority().tokenKey != nil
        guard let asked else { return onToken ? .token : .required }
        if asked == .token && !onToken {
            throw ProfileError("--mfa token needs the local CA's key on a token, and it is in \(store.path): use --mfa required, or move the CA to a token with `rolecall ca rotate --ca-key pkcs11:URI`")
        }
        return asked
    }
}
