import IssuanceCore
import RolesAnywhere
import Synchronization
import TokenKeys

/// Where the HSM's PIN comes from for the team CA: `$ROLECALL_ISSUER_PKCS11_PIN_FILE`, a file only
/// its owner can read, or `--pin-command CMD` (its first line of output). Never argv or the database.
public enum IssuerPIN: Sendable, CustomStringConvertible {
    case file(String)
    case command(String)
    /// Neither was given: a CA on a token cannot sign.
    case none

    public static let fileVariable = "ROLECALL_ISSUER_PKCS11_PIN_FILE"
    /// The advice every "no PIN" message ends with.
    static let howToGiveIt = "set $\(fileVariable) to a file holding the PIN (mode 0600), or pass --pin-command CMD"

    /// `--pin-command` when given, else the file the environment names.
    public init(command: String?, environment: [String: String]) {
        if let command {
            self = .command(command)
        } else if let file = environment[Self.fileVariable], !file.isEmpty {
            self = .file(file)
        } else {
            self = .none
        }
    }

    public var description: String {
        switch self {
        case .file(let path): "IssuerPIN.file(\(path))"
        case .command: "IssuerPIN.command"
        case .none: "IssuerPIN.none"
        }
    }

    func obtain(tokenLabel: String) throws -> SecretBytes {
        switch self {
        case .file(let path):
            let name = "the HSM PIN file ($\(Self.fileVariable))"
            guard var bytes = try KeyFile.read(path, named: name) else {
                throw IssuerError.pinFileMissing(name, path)
            }
            defer { wipeBytes(&bytes) }
            guard let pin = PINCommand.firstLine(of: bytes) else { throw IssuerError.pinFileEmpty(name, path) }
            return pin
        case .command(let command):
            do { return try PINCommand.firstLine(of: command) } catch { throw IssuerError.pinCommandFailed(error.description) }
        case .none:
            throw IssuerError.pinNeeded(tokenLabel: tokenLabel)
        }
    }
}

/// The team CA's keys on an HSM, as one replica reaches them.
///
/// A key is opened, and the token logged in, the first time it is needed (`issuer serve` does so
/// as it starts); it then stays open for the replica's life, so issuing a certificate asks the HSM
/// for one signature and never for the PIN again. A session the HSM ended (a restart, a removed
/// token) is opened anew by the signature that finds out (`ReopeningTokenKey`). `ca rotate` on any
/// replica is seen at the next certificate: keys are found by the URI each CA row names.
public final class IssuerTokens: Sendable {
    private let access: TokenAccess
    private let keys = Mutex<[TokenKeyReference: ReopeningTokenKey]>([:])
    /// Set when the HSM refused the PIN: no login is tried again, since each would cost one of the
    /// token's few attempts (a wrong PIN file would otherwise lock it within a few certificates).
    private let refusedPIN = Mutex<TokenError?>(nil)

    /// `moduleOverride` is `--pkcs11-module`, which wins over the module each CA row remembers.
    public init(moduleOverride: String?, pin: IssuerPIN, environment: [String: String]) {
        access = TokenAccess(moduleOverride: moduleOverride, environment: environment) { label in
            try pin.obtain(tokenLabel: label)
        }
    }

    /// The key `reference` names, opened once and kept open. One CA signs at a time, so the keys
    /// of CAs rotated away are closed first: their logout would otherwise end the new key's login
    /// too (a PKCS#11 login belongs to the token, not to one session).
    func signingKey(_ reference: TokenKeyReference) throws -> SigningKey {
        try keys.withLock { keys in
            if let held = keys[reference] { return .external(held) }
            for key in keys.values { key.close() }
            keys = [:]
            let opened = try ReopeningTokenKey(reference) { [weak self] in
                guard let self else { throw TokenError.sessionEnded }
                return try self.open(reference)
            }
            keys[reference] = opened
            return .external(opened)
        }
    }

    private func open(_ reference: TokenKeyReference) throws -> OpenTokenKey {
        if let refusal = refusedPIN.withLock({ $0 }) {
            throw IssuerError.pinRefused("\(refusal)")
        }
        do {
            return try access.open(reference)
        } catch let error as TokenError {
            switch error {
            case .pinIncorrect, .pinLocked: refusedPIN.withLock { $0 = error }
            default: break
            }
            throw error
        }
    }

    /// A new CA whose key is the one `uri` names, generated there first when absent (P-256,
    /// sensitive, never extractable); `make` signs its certificate on the token.
    /// `remembered`: the module the current CA's key was reached with, used unless `--pkcs11-module` is given.
    func makeAuthority(on uri: PKCS11URI, remembered: String?,
                       _ make: (SigningKey) throws -> CertificateAuthority) throws -> (CertificateAuthority, TokenKeyReference) {
        try access.withKey(creatingIfAbsent: uri, remembered: remembered) { key, reference, _ in (try make(key), reference) }
    }

    /// Logs out of every token and unloads the modules.
    public func close() {
        keys.withLock { keys in
            for key in keys.values { key.close() }
            keys = [:]
        }
    }

    deinit { close() }
}
