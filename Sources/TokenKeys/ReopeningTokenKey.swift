import CPKCS11
import RolesAnywhere
import Synchronization
import X509

/// A token key held open for a long-lived process (a team issuer replica): opened and logged in
/// once, and opened again, with a fresh login, when the token says the session is gone (an HSM that
/// restarted, a token removed and put back), so the signature that found out is retried once
/// rather than failed.
public final class ReopeningTokenKey: ExternalSigningKey, Sendable {
    private let reference: TokenKeyReference
    private let opening: @Sendable () throws -> OpenTokenKey
    private let open: Mutex<OpenTokenKey?>
    public let algorithm: SigningAlgorithm
    public let certificatePublicKey: Certificate.PublicKey

    /// Opens the key now with `opening` (`TokenAccess.open`, or a caller's guard around it), so
    /// that a wrong PIN or an absent token shows at once; `opening` opens it again later.
    public init(_ reference: TokenKeyReference, opening: @escaping @Sendable () throws -> OpenTokenKey) throws {
        let opened = try opening()
        self.reference = reference
        self.opening = opening
        self.algorithm = opened.key.algorithm
        self.certificatePublicKey = opened.key.certificatePublicKey
        self.open = Mutex(opened)
    }

    public var certificatePrivateKey: Certificate.PrivateKey { Certificate.PrivateKey(TokenPrivateKey(key: self)) }

    public var description: String { "ReopeningTokenKey(\(reference.uri))" }

    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        try open.withLock { open in
            do {
                return try Self.sign(message, with: try current(&open))
            } catch let error as TokenError where Self.meansSessionGone(error) {
                open?.close()
                open = nil
                return try Self.sign(message, with: try current(&open))
            }
        }
    }

    /// Logs out and unloads the module; a later signature opens the key again.
    public func close() {
        open.withLock { open in
            open?.close()
            open = nil
        }
    }

    deinit { close() }

    private func current(_ open: inout OpenTokenKey?) throws -> OpenTokenKey {
        if let open { return open }
        let opened = try opening()
        guard opened.key.certificatePublicKey == certificatePublicKey else {
            opened.close()
            throw TokenError.keyMismatch(uri: reference.uri)
        }
        open = opened
        return opened
    }

    private static func sign(_ message: [UInt8], with open: OpenTokenKey) throws -> [UInt8] {
        guard case .external(let key) = open.key else { throw TokenError.sessionEnded }
        return try key.sign(message)
    }

    private static func meansSessionGone(_ error: TokenError) -> Bool {
        switch error {
        case .tokenRemoved, .sessionEnded: true
        case .failed(_, _, let code): code == UInt(CKR_USER_NOT_LOGGED_IN)
        default: false
        }
    }
}
