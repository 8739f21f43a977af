import Crypto
import Foundation
import IssuanceCore
import RolesAnywhere
import _CryptoExtras

/// In-process costs that `scripts/bench` cannot see from outside: signing one CreateSession per key
/// type, and issuing one single-use certificate. Prints one JSON object per line:
/// `{"name", "iterations", "medianMicroseconds", "minMicroseconds", "maxMicroseconds"}`.
@main
enum Microbenchmarks {
    static func main() throws {
        let now = Date()
        let authority = try CertificateAuthority.generate(commonName: "bench CA", now: now)
        let body = Array(#"{"durationSeconds":3600,"profileArn":"p","roleArn":"r","trustAnchorArn":"t"}"#.utf8)
        let keys: [(String, SigningKey)] = [
            ("sign RSA-2048", .rsa(try _RSA.Signing.PrivateKey(keySize: .bits2048))),
            ("sign P-256", .p256(P256.Signing.PrivateKey())),
            ("sign P-384", .p384(P384.Signing.PrivateKey())),
        ]
        for (name, key) in keys {
            let leaf = try authority.issueLeaf(for: key.certificatePublicKey, user: "bench", kind: .singleUse, now: now)
            let signer = X509RequestSigner(identity: SigningIdentity(certificate: leaf, key: key, isSingleUse: true), region: "us-east-1")
            try report(name) {
                _ = try signer.sign(method: "POST", host: "127.0.0.1", path: "/sessions", body: body, at: now)
            }
        }
        let leafKey = SigningKey.generateP256()
        try report("issue single-use certificate") {
            _ = try authority.issueLeaf(for: leafKey.certificatePublicKey, user: "bench", kind: .singleUse, now: now)
        }
        try report("generate P-256 key and issue") {
            _ = try authority.issueLeaf(for: SigningKey.generateP256().certificatePublicKey, user: "bench", kind: .singleUse, now: now)
        }
    }

    /// Batches of 50 operations, repeated for about a second after a warm-up batch; the spread is
    /// across batches.
    static func report(_ name: String, _ operation: () throws -> Void) throws {
        let batch = 50
        for _ in 0..<batch { try operation() }
        var perOperation: [Double] = []
        let clock = ContinuousClock()
        let started = clock.now
        while clock.now - started < .seconds(1) || perOperation.count < 5 {
            let elapsed = try clock.measure { for _ in 0..<batch { try operation() } }
            perOperation.append(elapsed / .microseconds(1) / Double(batch))
        }
        perOperation.sort()
        let line: [String: Any] = [
            "name": name, "iterations": perOperation.count * batch,
            "medianMicroseconds": perOperation[perOperation.count / 2],
            "minMicroseconds": perOperation[0], "maxMicroseconds": perOperation[perOperation.count - 1],
        ]
        print(String(decoding: try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]), as: UTF8.self))
    }
}
