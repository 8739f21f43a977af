import Crypto
import _CryptoExtras
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RolesAnywhere
import SwiftASN1

/// An encrypted PKCS#8 key file (`-----BEGIN ENCRYPTED PRIVATE KEY-----`, RFC 5958), opened with its
/// passphrase: PBES2 (RFC 8018) with PBKDF2 over HMAC-SHA-1, -256, -384 or -512 and AES-CBC, what
/// `openssl pkcs8 -topk8` and `openssl genpkey -aes256` write. The older PBES1 schemes (DES, RC2)
/// are refused.
enum EncryptedPrivateKey {
    static let pemDiscriminator = "ENCRYPTED PRIVATE KEY"

    /// Why the file cannot be opened; says nothing about the passphrase beyond whether it fitted.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// PBKDF2 rounds beyond this are refused rather than spent: a hostile file could ask for years.
    static let maximumRounds = 10_000_000

    /// The PKCS#8 `PrivateKeyInfo` DER inside `der`, decrypted with `passphrase`.
    static func decrypt(_ der: [UInt8], passphrase: SecretBytes) throws(Failure) -> [UInt8] {
        let scheme: Scheme
        let ciphertext: [UInt8]
        do {
            (scheme, ciphertext) = try DER.sequence(try DER.parse(der), identifier: .sequence) { nodes in
                let scheme = try Scheme(algorithm: try next(&nodes))
                return (scheme, Array(try ASN1OctetString(derEncoded: try next(&nodes)).bytes))
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "it is not an encrypted PKCS#8 key (EncryptedPrivateKeyInfo)")
        }
        let plaintext: Data
        do {
            let key = try passphrase.withUnsafeBytes { bytes in
                try KDF.Insecure.PBKDF2.deriveKey(from: bytes, salt: scheme.salt, using: scheme.hash, outputByteCount: scheme.keyBytes,
                                                  unsafeUncheckedRounds: scheme.rounds)
            }
            plaintext = try AES._CBC.decrypt(ciphertext, using: key, iv: try AES._CBC.IV(ivBytes: scheme.iv))
        } catch {
            throw Failure(description: "the passphrase does not open it")
        }
        var bytes = Array(plaintext)
        // A wrong passphrase can still end in valid padding: only a PKCS#8 structure counts as opened.
        guard (try? DER.parse(bytes))?.identifier == .sequence else {
            wipeBytes(&bytes)
            throw Failure(description: "the passphrase does not open it")
        }
        return bytes
    }

    private struct Scheme {
        var salt: [UInt8]
        var rounds: Int
        var hash: KDF.Insecure.PBKDF2.HashFunction
        var keyBytes: Int
        var iv: [UInt8]

        static let pbes2: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 5, 13]
        static let pbkdf2: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 5, 12]
        static let hashes: [ASN1ObjectIdentifier: KDF.Insecure.PBKDF2.HashFunction] = [
            [1, 2, 840, 113_549, 2, 7]: .insecureSHA1, [1, 2, 840, 113_549, 2, 9]: .sha256,
            [1, 2, 840, 113_549, 2, 10]: .sha384, [1, 2, 840, 113_549, 2, 11]: .sha512,
        ]
        static let ciphers: [ASN1ObjectIdentifier: Int] = [
            [2, 16, 840, 1, 101, 3, 4, 1, 2]: 16, [2, 16, 840, 1, 101, 3, 4, 1, 22]: 24, [2, 16, 840, 1, 101, 3, 4, 1, 42]: 32,
        ]

        /// `AlgorithmIdentifier { PBES2, { keyDerivationFunc PBKDF2 {…}, encryptionScheme AES-CBC IV } }`.
        init(algorithm node: ASN1Node) throws {
            (salt, rounds, hash, keyBytes, iv) = try DER.sequence(node, identifier: .sequence) { nodes in
                guard try ASN1ObjectIdentifier(derEncoded: try next(&nodes)) == Self.pbes2 else {
                    throw Failure(description: "it is encrypted with an older scheme than PBES2 (AES): convert it with `openssl pkcs8 -topk8 -v2 aes-256-cbc`")
                }
                return try DER.sequence(try next(&nodes), identifier: .sequence) { parameters in
                    let (salt, rounds, hash) = try Self.kdf(try next(&parameters))
                    let (keyBytes, iv) = try DER.sequence(try next(&parameters), identifier: .sequence) { cipher in
                        guard let keyBytes = Self.ciphers[try ASN1ObjectIdentifier(derEncoded: try next(&cipher))] else {
                            throw Failure(description: "it is encrypted with a cipher other than AES-CBC: convert it with `openssl pkcs8 -topk8 -v2 aes-256-cbc`")
                        }
                        return (keyBytes, Array(try ASN1OctetString(derEncoded: try next(&cipher)).bytes))
                    }
                    return (salt, rounds, hash, keyBytes, iv)
                }
            }
        }

        /// `PBKDF2-params { salt, iterationCount, keyLength OPTIONAL, prf DEFAULT hmacWithSHA1 }`.
        private static func kdf(_ node: ASN1Node) throws -> ([UInt8], Int, KDF.Insecure.PBKDF2.HashFunction) {
            try DER.sequence(node, identifier: .sequence) { nodes in
                guard try ASN1ObjectIdentifier(derEncoded: try next(&nodes)) == pbkdf2 else {
                    throw Failure(description: "its key is derived with something other than PBKDF2")
                }
                return try DER.sequence(try next(&nodes), identifier: .sequence) { parameters in
                    let salt = Array(try ASN1OctetString(derEncoded: try next(&parameters)).bytes)
                    let rounds = try Int(derEncoded: try next(&parameters))
                    guard (1...maximumRounds).contains(rounds) else {
                        throw Failure(description: "it asks for \(rounds) PBKDF2 rounds, more than rolecall spends (\(maximumRounds))")
                    }
                    var hash = KDF.Insecure.PBKDF2.HashFunction.insecureSHA1
                    var field = parameters.next()
                    if let keyLength = field, keyLength.identifier == .integer { field = parameters.next() }
                    if let prf = field {
                        let named = try DER.sequence(prf, identifier: .sequence) { algorithm in
                            let oid = try ASN1ObjectIdentifier(derEncoded: try next(&algorithm))
                            _ = algorithm.next()  // NULL parameters, when present
                            return hashes[oid]
                        }
                        guard let named else { throw Failure(description: "its PBKDF2 uses a hash other than SHA-1, SHA-256, SHA-384 or SHA-512") }
                        hash = named
                    }
                    return (salt, rounds, hash)
                }
            }
        }
    }

    private static func next(_ nodes: inout ASN1NodeCollection.Iterator) throws -> ASN1Node {
        guard let node = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "a field is missing") }
        return node
    }
}
