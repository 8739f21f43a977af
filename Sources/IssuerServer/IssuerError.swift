import Foundation
import IssuerProtocol
import RolesAnywhere
import TokenKeys

/// A setup, configuration or administration problem of the team issuer: a stable code, and a
/// message that says what to do next. Built from paths, names and ARNs only: never from a key,
/// a PIN or a password. Each message is written here once.
public struct IssuerError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        // The issuer key and the files holding it.
        case invalidIssuerKey, noIssuerKey, sealingFailed, sealDoesNotOpen
        case keyFileRefused, keyFileUnreadable, keyFileExists
        case passwordInArguments, cannotCreateDirectory
        // Setup and the CA.
        case alreadyInitialized, notInitialized, authorityStaged, noStagedAuthority
        case caKeyReused, caKeyNeeded, tokenReferenceMissing, tokenReferenceTampered, tokenKeyMismatch
        // The HSM's PIN.
        case pinNeeded, pinCommandFailed, pinRefused
        // Users, grants and the audit log.
        case invalidUserName, noUser, loginSessionOutOfRange
        case invalidRole, invalidRegion, maxDurationOutOfRange, grantDoesNotFit, noGrant
        case auditTooRecent
        // Serving.
        case tlsFilesUnusable, tlsIdentityDamaged, didNotStart
    }

    public let code: Code
    public let description: String

    init(code: Code, _ description: String) {
        self.code = code
        self.description = description
    }

    static let listRoles = "see `rolecall issuer role list`"

    // MARK: The issuer key

    static func invalidIssuerKey() -> IssuerError {
        .init(code: .invalidIssuerKey, "the issuer key must be the base64 of 32 bytes, as `rolecall issuer init` writes it")
    }

    static func noIssuerKey(keyFile: String) -> IssuerError {
        .init(code: .noIssuerKey, "no issuer key: set \(IssuerKey.environmentVariable) or create \(keyFile) with `rolecall issuer init`")
    }

    static func sealingFailed() -> IssuerError { .init(code: .sealingFailed, "sealing failed") }

    /// `what` names the sealed value by its context's first part ("ca-key", "totp"), never its bytes.
    static func sealDoesNotOpen(_ what: String) -> IssuerError {
        .init(code: .sealDoesNotOpen, "a sealed \(what) does not open with this issuer key: is \(IssuerKey.environmentVariable) or the key file the one `issuer init` made?")
    }

    /// The key file (or the PIN file, as `name` says) is not one this issuer trusts: `why` says how.
    static func keyFileRefused(_ name: String, _ path: String, _ why: String) -> IssuerError {
        .init(code: .keyFileRefused, "\(name) \(path) \(why)")
    }

    static func keyFileUnreadable(_ what: String, _ path: String, errno number: Int32) -> IssuerError {
        .init(code: .keyFileUnreadable, "cannot \(what) \(path): \(String(cString: strerror(number)))")
    }

    static func keyFileExists(_ path: String) -> IssuerError {
        .init(code: .keyFileExists, "\(path) already exists: the issuer was set up before (`rolecall issuer init` runs once)")
    }

    static func passwordInArguments(variable: String) -> IssuerError {
        .init(code: .passwordInArguments, "a password in --database is visible to every user of this machine (ps): put the URL in $\(variable) instead")
    }

    static func cannotCreateDirectory(_ directory: String, _ why: String) -> IssuerError {
        .init(code: .cannotCreateDirectory, "cannot create \(directory): \(why)")
    }

    // MARK: Setup and the CA

    public static let alreadyInitialized = IssuerError(code: .alreadyInitialized, "this issuer database has a CA already: see `rolecall issuer ca show`")

    /// `missing` is "CA" or "token key".
    static func notInitialized(missing: String) -> IssuerError {
        .init(code: .notInitialized, "the issuer has no \(missing): run `rolecall issuer init`")
    }

    static func authorityStaged() -> IssuerError {
        .init(code: .authorityStaged, "a CA is staged: switch to it with `rolecall issuer ca rotate --promote` once the trust anchor has it")
    }

    static func noStagedAuthority() -> IssuerError {
        .init(code: .noStagedAuthority, "no CA is staged: run `rolecall issuer ca rotate --stage` first")
    }

    static func caKeyReused(_ caKey: PKCS11URI) -> IssuerError {
        .init(code: .caKeyReused, "\(caKey) is the key of an existing CA: name a new object for the new CA's key (a rotation makes a new key)")
    }

    static func caKeyNeeded(currentOn uri: String) -> IssuerError {
        .init(code: .caKeyNeeded, "the current CA's key is on the token \(uri): name the new CA's key with --ca-key 'pkcs11:token=…;object=…' (a new object name)")
    }

    static func tokenReferenceMissing() -> IssuerError {
        .init(code: .tokenReferenceMissing, "a CA whose key is on a token needs its URI stored")
    }

    static func tokenReferenceTampered() -> IssuerError {
        .init(code: .tokenReferenceTampered, "the CA row's token_key_uri or token_module_path no longer matches its seal: someone changed them in the database; nothing was loaded")
    }

    static func tokenKeyMismatch(_ uri: String) -> IssuerError {
        .init(code: .tokenKeyMismatch, "the key \(uri) is not the CA's: the token holds another key by that name")
    }

    // MARK: The HSM's PIN

    static func pinNeededForNewKey() -> IssuerError {
        .init(code: .pinNeeded, "--ca-key needs the HSM's PIN: \(IssuerPIN.howToGiveIt)")
    }

    static func pinNeeded(caKeyOn uri: String) -> IssuerError {
        .init(code: .pinNeeded, "the CA's key is on the token \(uri): \(IssuerPIN.howToGiveIt)")
    }

    static func pinNeeded(tokenLabel: String) -> IssuerError {
        .init(code: .pinNeeded, "the HSM token \(printableExcerpt(tokenLabel, limit: 32)) needs its PIN: \(IssuerPIN.howToGiveIt)")
    }

    static func pinFileMissing(_ name: String, _ path: String) -> IssuerError {
        .init(code: .pinNeeded, "\(name) \(path) does not exist: write the PIN there (chmod 600), or pass --pin-command CMD")
    }

    static func pinFileEmpty(_ name: String, _ path: String) -> IssuerError {
        .init(code: .pinNeeded, "\(name) \(path) holds no PIN on its first line")
    }

    /// `reason` is `PINCommand`'s own message, which names the command's failure, never its output.
    static func pinCommandFailed(_ reason: String) -> IssuerError { .init(code: .pinCommandFailed, reason) }

    static func pinRefused(_ refusal: String) -> IssuerError {
        .init(code: .pinRefused, "\(refusal) This replica tries no other login, so as not to lock the token: correct the PIN ($\(IssuerPIN.fileVariable) or --pin-command) and restart it.")
    }

    // MARK: Users, grants and the audit log

    static func invalidUserName(_ name: String) -> IssuerError { .init(code: .invalidUserName, UserName.invalid(name)) }

    static func noUser(_ name: String) -> IssuerError {
        .init(code: .noUser, "no user named \(printableExcerpt(name, limit: 64)): see `rolecall issuer user list`")
    }

    static func loginSessionOutOfRange() -> IssuerError {
        .init(code: .loginSessionOutOfRange, "--login-session must be between 15m and 7 days (168h)")
    }

    /// `problem` is the ARN or role-name rule's own message.
    static func invalidRole(_ problem: String) -> IssuerError { .init(code: .invalidRole, problem) }

    static func invalidRegion(_ region: String) -> IssuerError {
        .init(code: .invalidRegion, "invalid region \"\(printableExcerpt(region, limit: 40))\": expected a name such as us-east-1")
    }

    static func maxDurationOutOfRange() -> IssuerError {
        .init(code: .maxDurationOutOfRange, "--max-duration must be between 15m and 12h")
    }

    static func grantDoesNotFit(user: String, roleArn: String, _ problem: any Error) -> IssuerError {
        .init(code: .grantDoesNotFit, "\(user)'s grant of \(roleArn): \(problem)")
    }

    static func noGrant(onTrustAnchor arn: String) -> IssuerError {
        .init(code: .noGrant, "no grant uses trust anchor \(printableExcerpt(arn, limit: 200)): \(listRoles)")
    }

    static func noGrant(user: String, roleArn: String) -> IssuerError {
        .init(code: .noGrant, "\(user) has no grant for \(printableExcerpt(roleArn, limit: 200)): \(listRoles)")
    }

    static func auditTooRecent() -> IssuerError {
        .init(code: .auditTooRecent, "refusing to prune audit rows of the last 12 hours: certificates issued then may still be valid (give --before 12h or more)")
    }

    // MARK: Serving

    static func tlsNoCertificate(_ path: String) -> IssuerError {
        .init(code: .tlsFilesUnusable, "\(path) holds no certificate")
    }

    static func tlsFilesUnusable(certificate: String, key: String, _ problem: any Error) -> IssuerError {
        .init(code: .tlsFilesUnusable, "cannot use --tls-cert \(certificate) and --tls-key \(key): they must be PEM files (\(problem))")
    }

    static func tlsIdentityDamaged() -> IssuerError {
        .init(code: .tlsIdentityDamaged, "the stored TLS identity is damaged")
    }

    /// An in-process replica (the load tool's, a test's) that ended before it listened.
    public static func didNotStart(_ what: String) -> IssuerError {
        .init(code: .didNotStart, "\(what) did not start")
    }
}
