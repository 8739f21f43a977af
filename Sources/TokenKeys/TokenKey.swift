import CPKCS11
import Crypto
import _CryptoExtras
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RolesAnywhere
import SwiftASN1
import X509

/// A private key on a token, signing through it: its bytes never enter this process.
///
/// ECDSA keys sign the SHA-256 digest swift-crypto computes with `CKM_ECDSA` (or the message with
/// `CKM_ECDSA_SHA256` where that is all the token offers), and the token's raw r‖s becomes DER;
/// RSA keys sign with `CKM_SHA256_RSA_PKCS`.
final class TokenKey: ExternalSigningKey, @unchecked Sendable {
    enum Curve: Sendable { case p256, p384 }
    enum KeyType: Sendable { case ec(Curve), rsa(bits: Int) }

    let session: TokenSession
    let handle: CK_OBJECT_HANDLE
    let type: KeyType
    let certificatePublicKey: Certificate.PublicKey
    private let mechanism: CK_MECHANISM_TYPE
    private let alwaysAuthenticate: Bool

    private init(session: TokenSession, handle: CK_OBJECT_HANDLE, type: KeyType, publicKey: Certificate.PublicKey,
                 mechanism: CK_MECHANISM_TYPE, alwaysAuthenticate: Bool) {
        self.session = session
        self.handle = handle
        self.type = type
        self.certificatePublicKey = publicKey
        self.mechanism = mechanism
        self.alwaysAuthenticate = alwaysAuthenticate
    }

    var algorithm: SigningAlgorithm {
        if case .rsa = type { .rsaSHA256 } else { .ecdsaSHA256 }
    }

    func sign(_ message: [UInt8]) throws -> [UInt8] {
        switch type {
        case .rsa:
            return try session.sign(message, key: handle, mechanism: mechanism, alwaysAuthenticate: alwaysAuthenticate)
        case .ec(let curve):
            let input = mechanism == CK_MECHANISM_TYPE(CKM_ECDSA) ? Array(SHA256.hash(data: message)) : message
            let raw = try session.sign(input, key: handle, mechanism: mechanism, alwaysAuthenticate: alwaysAuthenticate)
            do {
                switch curve {
                case .p256: return Array(try P256.Signing.ECDSASignature(rawRepresentation: raw).derRepresentation)
                case .p384: return Array(try P384.Signing.ECDSASignature(rawRepresentation: raw).derRepresentation)
                }
            } catch {
                throw TokenError.failed(uri: session.uri.description, function: "C_Sign (the signature is not r‖s)", code: UInt(CKR_GENERAL_ERROR))
            }
        }
    }

    var certificatePrivateKey: Certificate.PrivateKey { Certificate.PrivateKey(TokenPrivateKey(key: self)) }

    var description: String {
        let name = switch type {
        case .ec(.p256): "P-256"
        case .ec(.p384): "P-384"
        case .rsa(let bits): "RSA-\(bits)"
        }
        return "TokenKey(\(name), on token \(session.tokenLabel))"
    }

    // MARK: Finding and making keys

    /// The one private key the URI names (`object=`, `id=`), with its public half.
    static func find(in session: TokenSession) throws -> TokenKey {
        let uri = session.uri
        if let type = uri.attributes["type"], type != "private" {
            throw TokenError.invalidURI("\(uri) names a \(type) object; a signing key needs type=private or no type")
        }
        let handles = try session.findObjects(class: CK_OBJECT_CLASS(CKO_PRIVATE_KEY), label: uri.object, id: uri.id)
        guard let handle = handles.first else { throw TokenError.objectNotFound(uri: uri.description) }
        guard handles.count == 1 else { throw TokenError.ambiguousObject(uri: uri.description, count: handles.count) }
        return try load(handle, in: session)
    }

    /// Generates a P-256 key pair named by the URI's `object=` (and `id=`, else a random one).
    static func generateP256(in session: TokenSession) throws -> TokenKey {
        let uri = session.uri
        guard let label = uri.object else {
            throw TokenError.invalidURI("\(uri) has no object=: name the key to create, e.g. \(uri.text);object=rolecall-ca")
        }
        var generator = SystemRandomNumberGenerator()
        let id = uri.id ?? (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        var serializer = DER.Serializer()
        try serializer.serialize(ASN1ObjectIdentifier.NamedCurves.secp256r1)
        let common = [
            TemplateAttribute(CKA_KEY_TYPE, ulong: CKK_EC), TemplateAttribute(CKA_TOKEN, bool: true),
            TemplateAttribute(CKA_LABEL, Array(label.utf8)), TemplateAttribute(CKA_ID, id),
        ]
        let handle = try session.generateKeyPair(
            mechanism: CK_MECHANISM_TYPE(CKM_EC_KEY_PAIR_GEN),
            publicTemplate: common + [
                TemplateAttribute(CKA_CLASS, ulong: CKO_PUBLIC_KEY), TemplateAttribute(CKA_PRIVATE, bool: false),
                TemplateAttribute(CKA_VERIFY, bool: true), TemplateAttribute(CKA_EC_PARAMS, serializer.serializedBytes),
            ],
            privateTemplate: common + [
                TemplateAttribute(CKA_CLASS, ulong: CKO_PRIVATE_KEY), TemplateAttribute(CKA_PRIVATE, bool: true),
                TemplateAttribute(CKA_SENSITIVE, bool: true), TemplateAttribute(CKA_EXTRACTABLE, bool: false),
                TemplateAttribute(CKA_SIGN, bool: true),
            ]
        )
        return try load(handle, in: session)
    }

    private static func load(_ handle: CK_OBJECT_HANDLE, in session: TokenSession) throws -> TokenKey {
        let uri = session.uri.description
        let mechanisms = try session.module.mechanisms(session.slot)
        let alwaysAuthenticate = try session.boolAttribute(CK_ATTRIBUTE_TYPE(CKA_ALWAYS_AUTHENTICATE), of: handle) ?? false
        // Only a key that asks again before each signature needs the PIN after the login.
        if !alwaysAuthenticate { session.forgetPIN() }
        let publicKey = try publicKey(of: handle, in: session)
        switch try session.ulongAttribute(CK_ATTRIBUTE_TYPE(CKA_KEY_TYPE), of: handle) {
        case CK_KEY_TYPE(CKK_EC):
            let curve: Curve
            if P256.Signing.PublicKey(publicKey) != nil { curve = .p256 }
            else if P384.Signing.PublicKey(publicKey) != nil { curve = .p384 }
            else { throw TokenError.unsupportedKey(uri: uri, detail: "its curve is neither P-256 nor P-384") }
            let mechanism: CK_MECHANISM_TYPE
            if mechanisms.contains(CK_MECHANISM_TYPE(CKM_ECDSA)) { mechanism = CK_MECHANISM_TYPE(CKM_ECDSA) }
            else if mechanisms.contains(CK_MECHANISM_TYPE(CKM_ECDSA_SHA256)) { mechanism = CK_MECHANISM_TYPE(CKM_ECDSA_SHA256) }
            else { throw TokenError.unsupportedKey(uri: uri, detail: "the token offers neither CKM_ECDSA nor CKM_ECDSA_SHA256") }
            return TokenKey(session: session, handle: handle, type: .ec(curve), publicKey: publicKey,
                            mechanism: mechanism, alwaysAuthenticate: alwaysAuthenticate)
        case CK_KEY_TYPE(CKK_RSA):
            guard let rsa = _RSA.Signing.PublicKey(publicKey), rsa.keySizeInBits >= 2048 else {
                throw TokenError.unsupportedKey(uri: uri, detail: "its RSA modulus is shorter than 2048 bits")
            }
            guard mechanisms.contains(CK_MECHANISM_TYPE(CKM_SHA256_RSA_PKCS)) else {
                throw TokenError.unsupportedKey(uri: uri, detail: "the token does not offer CKM_SHA256_RSA_PKCS")
            }
            return TokenKey(session: session, handle: handle, type: .rsa(bits: rsa.keySizeInBits), publicKey: publicKey,
                            mechanism: CK_MECHANISM_TYPE(CKM_SHA256_RSA_PKCS), alwaysAuthenticate: alwaysAuthenticate)
        default:
            throw TokenError.unsupportedKey(uri: uri, detail: "it is neither an EC nor an RSA key")
        }
    }

    /// The public half: from the private key object itself where the token shows it there, else
    /// the public key or certificate object with the same `CKA_ID`.
    private static func publicKey(of handle: CK_OBJECT_HANDLE, in session: TokenSession) throws -> Certificate.PublicKey {
        if let key = try publicKeyAttributes(of: handle, in: session) { return key }
        let id = try session.attribute(CK_ATTRIBUTE_TYPE(CKA_ID), of: handle) ?? []
        let label = id.isEmpty ? try session.attribute(CK_ATTRIBUTE_TYPE(CKA_LABEL), of: handle).map { String(decoding: $0, as: UTF8.self) } : nil
        guard !id.isEmpty || label != nil else { throw TokenError.unsupportedKey(uri: session.uri.description, detail: "it has neither CKA_ID nor a label to find its public key by") }
        for object in try session.findObjects(class: CK_OBJECT_CLASS(CKO_PUBLIC_KEY), label: label, id: id.isEmpty ? nil : id) {
            if let key = try publicKeyAttributes(of: object, in: session) { return key }
        }
        for object in try session.findObjects(class: CK_OBJECT_CLASS(CKO_CERTIFICATE), label: label, id: id.isEmpty ? nil : id) {
            if let der = try session.attribute(CK_ATTRIBUTE_TYPE(CKA_VALUE), of: object), let certificate = try? Certificate(derEncoded: der) {
                return certificate.publicKey
            }
        }
        throw TokenError.unsupportedKey(uri: session.uri.description, detail: "the token shows no public key or certificate with the same CKA_ID")
    }

    /// `CKA_EC_PARAMS` and `CKA_EC_POINT`, or `CKA_MODULUS` and `CKA_PUBLIC_EXPONENT`, as a public key.
    private static func publicKeyAttributes(of object: CK_OBJECT_HANDLE, in session: TokenSession) throws -> Certificate.PublicKey? {
        if let parameters = try session.attribute(CK_ATTRIBUTE_TYPE(CKA_EC_PARAMS), of: object),
           let encodedPoint = try session.attribute(CK_ATTRIBUTE_TYPE(CKA_EC_POINT), of: object) {
            // The point is an OCTET STRING in DER (PKCS#11 §2.3.3); a few tokens give it bare.
            let point = (try? ASN1OctetString(derEncoded: encodedPoint[...])).map { Array($0.bytes) } ?? encodedPoint
            let curve = try? ASN1ObjectIdentifier(derEncoded: parameters[...])
            if curve == .NamedCurves.secp256r1, let key = try? P256.Signing.PublicKey(x963Representation: point) {
                return Certificate.PublicKey(key)
            }
            if curve == .NamedCurves.secp384r1, let key = try? P384.Signing.PublicKey(x963Representation: point) {
                return Certificate.PublicKey(key)
            }
            throw TokenError.unsupportedKey(uri: session.uri.description, detail: "its curve is neither P-256 nor P-384")
        }
        if let modulus = try session.attribute(CK_ATTRIBUTE_TYPE(CKA_MODULUS), of: object),
           let exponent = try session.attribute(CK_ATTRIBUTE_TYPE(CKA_PUBLIC_EXPONENT), of: object),
           let key = try? _RSA.Signing.PublicKey(n: modulus, e: exponent) {
            return Certificate.PublicKey(key)
        }
        return nil
    }
}

/// A token key as swift-certificates signs with it (a CA certificate, a CSR): `key` is a
/// `TokenKey` or a `ReopeningTokenKey` over one.
struct TokenPrivateKey: CustomPrivateKey {
    let key: any ExternalSigningKey & AnyObject

    var publicKey: Certificate.PublicKey { key.certificatePublicKey }

    var defaultSignatureAlgorithm: Certificate.SignatureAlgorithm {
        key.algorithm == .rsaSHA256 ? .sha256WithRSAEncryption : .ecdsaWithSHA256
    }

    var supportedSignatureAlgorithms: [Certificate.SignatureAlgorithm] { [defaultSignatureAlgorithm] }

    func signSynchronously(bytes: some DataProtocol, signatureAlgorithm: Certificate.SignatureAlgorithm) throws -> Certificate.Signature {
        guard signatureAlgorithm == defaultSignatureAlgorithm else {
            throw TokenError.unsupportedKey(uri: key.description, detail: "it signs with \(defaultSignatureAlgorithm) only")
        }
        let signature = try key.sign(Array(bytes))
        return try Certificate.Signature(signatureAlgorithm: signatureAlgorithm, signatureBytes: ASN1BitString(bytes: signature[...]))
    }

    static var defaultPEMDiscriminator: String { "PRIVATE KEY" }

    func serialize(into coder: inout DER.Serializer) throws { throw TokenError.notExportable }

    static func == (lhs: TokenPrivateKey, rhs: TokenPrivateKey) -> Bool { lhs.key === rhs.key }
    func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(key)) }
}
