import Crypto
import _CryptoExtras
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import X509

/// A private key that signs: CreateSession, a CSR, or (for a CA) certificates. In memory, or on a
/// token (`external`), where it signs without ever entering this process.
///
/// There is deliberately no way to serialise it: rolecall generates a key per session and never
/// writes it anywhere. Tests that need a fixed key build one from PEM with `init(unsafePEM:)`.
public enum SigningKey: Sendable, CustomStringConvertible {
    case rsa(_RSA.Signing.PrivateKey)
    case p256(P256.Signing.PrivateKey)
    case p384(P384.Signing.PrivateKey)
    case external(any ExternalSigningKey)

    /// A fresh P-256 key: the default for per-session keys (fast to generate, small signatures).
    /// Not necessarily compact-representable: nothing exports the 32-byte compact form, and asking
    /// for it has swift-crypto generate and self-test two keys per key on average (BENCHMARKS.md).
    public static func generateP256() -> SigningKey { .p256(P256.Signing.PrivateKey(compactRepresentable: false)) }

    /// Loads a key from PEM. Only for tests and fixtures: rolecall itself never reads a leaf key from disk.
    public init(unsafePEM pem: String) throws {
        if let key = try? P256.Signing.PrivateKey(pemRepresentation: pem) {
            self = .p256(key)
        } else if let key = try? P384.Signing.PrivateKey(pemRepresentation: pem) {
            self = .p384(key)
        } else if let key = try? _RSA.Signing.PrivateKey(pemRepresentation: pem) {
            self = .rsa(key)
        } else {
            throw RolesAnywhereError.unsupportedKey()
        }
    }

    /// `AWS4-X509-RSA-SHA256` or `AWS4-X509-ECDSA-SHA256`.
    public var algorithm: SigningAlgorithm {
        switch self {
        case .rsa: .rsaSHA256
        case .p256, .p384: .ecdsaSHA256
        case .external(let key): key.algorithm
        }
    }

    /// The public half, as a certificate carries it.
    public var certificatePublicKey: Certificate.PublicKey {
        switch self {
        case .rsa(let key): Certificate.PublicKey(key.publicKey)
        case .p256(let key): Certificate.PublicKey(key.publicKey)
        case .p384(let key): Certificate.PublicKey(key.publicKey)
        case .external(let key): key.certificatePublicKey
        }
    }

    /// The same key as swift-certificates wants it (to sign a CSR or, for a CA, a certificate).
    public var certificatePrivateKey: Certificate.PrivateKey {
        switch self {
        case .rsa(let key): Certificate.PrivateKey(key)
        case .p256(let key): Certificate.PrivateKey(key)
        case .p384(let key): Certificate.PrivateKey(key)
        case .external(let key): key.certificatePrivateKey
        }
    }

    /// Signs `message` with SHA-256: RSA PKCS#1 v1.5, or ECDSA with a DER-encoded signature.
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        switch self {
        case .rsa(let key):
            return Array(try key.signature(for: message, padding: .insecurePKCS1v1_5).rawRepresentation)
        case .p256(let key):
            return Array(try key.signature(for: SHA256.hash(data: message)).derRepresentation)
        case .p384(let key):
            return Array(try key.signature(for: SHA256.hash(data: message)).derRepresentation)
        case .external(let key):
            return try key.sign(message)
        }
    }

    /// What swift-certificates signs a certificate with, for this key: ECDSA or RSA PKCS#1 v1.5, SHA-256.
    public var certificateSignatureAlgorithm: Certificate.SignatureAlgorithm {
        algorithm == .rsaSHA256 ? .sha256WithRSAEncryption : .ecdsaWithSHA256
    }

    public var description: String {
        switch self {
        case .rsa(let key): "SigningKey(RSA-\(key.keySizeInBits), <redacted>)"
        case .p256: "SigningKey(P-256, <redacted>)"
        case .p384: "SigningKey(P-384, <redacted>)"
        case .external(let key): "SigningKey(\(key))"
        }
    }
}

/// A key held elsewhere (a PKCS#11 token) that signs through it: its bytes never enter this process.
public protocol ExternalSigningKey: Sendable, CustomStringConvertible {
    var algorithm: SigningAlgorithm { get }
    var certificatePublicKey: Certificate.PublicKey { get }
    var certificatePrivateKey: Certificate.PrivateKey { get }
    /// As `SigningKey.sign`: SHA-256, then RSA PKCS#1 v1.5 or ECDSA with a DER-encoded signature.
    func sign(_ message: [UInt8]) throws -> [UInt8]
}

/// The two X.509 signing algorithms Roles Anywhere accepts.
public enum SigningAlgorithm: String, Sendable, CaseIterable {
    case rsaSHA256 = "AWS4-X509-RSA-SHA256"
    case ecdsaSHA256 = "AWS4-X509-ECDSA-SHA256"
}

/// Verifies a CreateSession signature with a certificate's public key (the emulator's side).
public enum SignatureVerifier {
    public static func isValid(
        signature: [UInt8], message: [UInt8], algorithm: SigningAlgorithm, publicKey: Certificate.PublicKey
    ) -> Bool {
        switch algorithm {
        case .rsaSHA256:
            guard let key = _RSA.Signing.PublicKey(publicKey) else { return false }
            let rsaSignature = _RSA.Signing.RSASignature(rawRepresentation: signature)
            return key.isValidSignature(rsaSignature, for: message, padding: .insecurePKCS1v1_5)
        case .ecdsaSHA256:
            let digest = SHA256.hash(data: message)
            if let key = P256.Signing.PublicKey(publicKey) {
                guard let parsed = try? P256.Signing.ECDSASignature(derRepresentation: signature) else { return false }
                return key.isValidSignature(parsed, for: digest)
            }
            if let key = P384.Signing.PublicKey(publicKey) {
                guard let parsed = try? P384.Signing.ECDSASignature(derRepresentation: signature) else { return false }
                return key.isValidSignature(parsed, for: digest)
            }
            return false
        }
    }
}
