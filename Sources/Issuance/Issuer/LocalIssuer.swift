#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import IssuanceCore
import X509

/// The embedded issuer: checks the TOTP code against the local devices (replay guard and lockout
/// stored durably first), then signs with the local CA.
public struct LocalIssuer: Issuer {
    private let store: IssuerStore
    private let verifier: TOTPVerifier
    private let now: @Sendable () -> Date

    public init(store: IssuerStore, mfaState: any MFAStateStore, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.verifier = TOTPVerifier(store: mfaState, now: now)
        self.now = now
    }

    public func issue(_ request: IssuanceRequest) async throws -> IssuedCertificate {
        let publicKey = try request.verifiedPublicKey()
        if request.kind.requiresMFA {
            guard case .totp(let code)? = request.mfaProof else {
                throw MFAError.unavailable("a \(request.kind.name) certificate needs an MFA code")
            }
            // The accepted step is on disk before the certificate exists.
            _ = try verifier.verify(code: code, devices: try store.devices())
        }
        let authority = try store.currentAuthority()
        return IssuedCertificate(chain: [try authority.issueLeaf(for: publicKey, user: try store.user(), kind: request.kind, now: now())])
    }

    /// Checks a code without issuing anything (for `mfa add`, `mfa remove`, `ca rotate`).
    public func verifyMFA(code: String) throws {
        _ = try verifier.verify(code: code, devices: try store.devices())
    }
}
