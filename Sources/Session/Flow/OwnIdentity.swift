#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Issuance
import RolesAnywhere
import SwiftASN1
import TokenKeys
import X509

/// A bring-your-own-certificate profile's identity, opened for one command: the certificate and
/// intermediates from their files or the token, the key from its file or the token (the PIN asked
/// once). `release()` logs out of the token; a key file's key is only in memory.
struct OwnIdentity: Sendable {
    let identity: SigningIdentity
    let release: @Sendable () -> Void

    /// `pin` gives the token's PIN (through `tokens`) or an encrypted key file's passphrase.
    static func open(_ own: Profile.OwnCertificate, tokens: TokenAccess, pin: PINSource, asking context: SessionContext) throws -> OwnIdentity {
        let intermediates = try own.intermediates.map { try certificates(inFile: $0, flag: "--intermediates") } ?? []
        if own.keyIsOnToken {
            let certificateURI = PKCS11URI.isURI(own.certificate) ? try PKCS11URI(parsing: own.certificate) : nil
            let opened = try tokens.open(TokenKeyReference(uri: own.privateKey, modulePath: own.pkcs11Module ?? ""), certificate: certificateURI)
            do {
                let chain = try opened.certificateDER.map { [try Certificate(derEncoded: $0)] } ?? certificates(inFile: own.certificate, flag: "--certificate")
                let identity = try identity(chain: chain, intermediates: intermediates, key: opened.key, keyName: own.privateKey)
                return OwnIdentity(identity: identity, release: { opened.close() })
            } catch {
                opened.close()
                throw error
            }
        }
        let chain = try certificates(inFile: own.certificate, flag: "--certificate")
        let key = try privateKey(inFile: own.privateKey) { try pin.obtainPassphrase(keyFile: own.privateKey, on: context.terminal, environment: context.environment) }
        return OwnIdentity(identity: try identity(chain: chain, intermediates: intermediates, key: key, keyName: own.privateKey), release: {})
    }

    /// The leaf (first) with the intermediates that followed it in its file, then those of `--intermediates`.
    private static func identity(chain: [Certificate], intermediates: [Certificate], key: SigningKey, keyName: String) throws -> SigningIdentity {
        guard let leaf = chain.first else { throw OwnCertificateError.noCertificate() }
        guard leaf.publicKey == key.certificatePublicKey else {
            throw OwnCertificateError.keyMismatch(keyName)
        }
        return SigningIdentity(certificate: leaf, intermediates: Array(chain.dropFirst()) + intermediates, key: key, isSingleUse: false)
    }

    /// Every certificate in a PEM file (in order), or the one in a DER file.
    static func certificates(inFile path: String, flag: String) throws -> [Certificate] {
        let bytes = try readFile(path, flag: flag)
        do {
            if let text = String(validating: bytes, as: UTF8.self), text.contains("-----BEGIN") {
                return try PEMDocument.parseMultiple(pemString: text).filter { $0.discriminator == "CERTIFICATE" }.map { try Certificate(derEncoded: $0.derBytes) }
            }
            return [try Certificate(derEncoded: bytes)]
        } catch {
            throw OwnCertificateError.notACertificate(flag, path)
        }
    }

    /// A P-256, P-384 or RSA (2048 bits or more) key from a PEM file that only its owner can read;
    /// an encrypted PKCS#8 one is opened with what `passphrase` gives.
    static func privateKey(inFile path: String, passphrase: () throws -> SecretBytes) throws -> SigningKey {
        var info = stat()
        guard stat(path, &info) == 0 else { throw OwnCertificateError.unreadableKey(path, reason: String(cString: strerror(errno))) }
        guard info.st_mode & 0o077 == 0 else {
            throw OwnCertificateError.readableByOthers(path, mode: info.st_mode)
        }
        guard var data = FileManager.default.contents(atPath: path) else {
            throw OwnCertificateError.unreadable("--private-key", path)
        }
        defer { data.resetBytes(in: 0..<data.count) }
        var pem = String(decoding: data, as: UTF8.self)
        if let encrypted = try? PEMDocument(pemString: pem), encrypted.discriminator == EncryptedPrivateKey.pemDiscriminator {
            let secret = try passphrase()
            defer { secret.wipe() }
            do {
                var der = try EncryptedPrivateKey.decrypt(encrypted.derBytes, passphrase: secret)
                defer { wipeBytes(&der) }
                pem = PEMDocument(type: "PRIVATE KEY", derBytes: der).pemString
            } catch {
                throw OwnCertificateError.encryptedKeyNotOpened(path, error)
            }
        }
        let key: SigningKey
        do { key = try SigningKey(unsafePEM: pem) } catch {
            throw OwnCertificateError.unsupportedKey(path)
        }
        if case .rsa(let rsa) = key, rsa.keySizeInBits < 2048 {
            throw OwnCertificateError.weakRSAKey(path, bits: rsa.keySizeInBits)
        }
        return key
    }

    private static func readFile(_ path: String, flag: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw OwnCertificateError.unreadable(flag, path)
        }
        return Array(data)
    }
}
