import Crypto
import RolesAnywhere
import Testing

struct SigningKeyTests {
    /// A per-session key is drawn without the condition that it have a compact form, which has
    /// swift-crypto throw away half the keys it makes: among 32 keys some have none (with the
    /// condition every one would; without it, all 32 having one has a chance of 2^-32).
    @Test func freshKeysAreNotFilteredForACompactForm() {
        let compact = (0..<32).map { _ -> Bool in
            guard case .p256(let key) = SigningKey.generateP256() else { return true }
            return key.publicKey.compactRepresentation != nil
        }
        #expect(compact.contains(false))
    }
}
