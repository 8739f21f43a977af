import Crypto
import _CryptoExtras
@testable import Issuance
import IssuanceCore
import IssuerProtocol
import RolesAnywhere
import Testing
import X509

/// Which CSRs an issuer certifies: proof of possession, and only keys rolecall signs with.
@Suite struct IssuanceRequestTests {
    static func request(_ key: Certificate.PrivateKey, _ algorithm: Certificate.SignatureAlgorithm) throws -> IssuanceRequest {
        let csr = try CertificateSigningRequest(
            version: .v1, subject: try DistinguishedName { CommonName("rolecall") }, privateKey: key,
            attributes: CertificateSigningRequest.Attributes(), signatureAlgorithm: algorithm
        )
        return IssuanceRequest(csr: csr, kind: .singleUse, roleArn: "arn:aws:iam::111122223333:role/dev", mfaProof: nil)
    }

    @Test func strongKeysOfTheKindsRolecallSignsWithAreAccepted() throws {
        for (key, algorithm) in [
            (Certificate.PrivateKey(P256.Signing.PrivateKey()), Certificate.SignatureAlgorithm.ecdsaWithSHA256),
            (Certificate.PrivateKey(P384.Signing.PrivateKey()), .ecdsaWithSHA384),
            (Certificate.PrivateKey(try _RSA.Signing.PrivateKey(keySize: .bits2048)), .sha256WithRSAEncryption),
        ] {
            let request = try Self.request(key, algorithm)
            #expect(try request.verifiedPublicKey() == key.publicKey)
        }
    }

    @Test func weakOrForeignKeysAreRefusedEvenWhenTheirSignatureVerifies() throws {
        for (key, algorithm) in [
            (Certificate.PrivateKey(try _RSA.Signing.PrivateKey(unsafeKeySize: .init(bitCount: 1024))), Certificate.SignatureAlgorithm.sha256WithRSAEncryption),
            (Certificate.PrivateKey(P521.Signing.PrivateKey()), .ecdsaWithSHA512),
            (Certificate.PrivateKey(Curve25519.Signing.PrivateKey()), .ed25519),
        ] {
            let request = try Self.request(key, algorithm)
            #expect(request.csr.publicKey.isValidSignature(request.csr.signature, for: request.csr))
            let error = #expect(throws: IssuanceRefusal.self) { try request.verifiedPublicKey() }
            #expect(error?.reason == .badCSR)
        }
    }
}
