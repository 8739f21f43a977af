#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import IssuanceCore
import RolesAnywhere
import TokenKeys
import X509

/// The embedded issuer: checks the TOTP code against the local devices (replay guard and lockout
/// stored durably first), then signs with the local CA, whose key is in `issuer.json` or on a
/// token (opened through `tokens`, which asks for the PIN).
public struct LocalIssuer: Issuer {
    private let store: LocalCAStore
    private let verifier: TOTPVerifier
    private let tokens: TokenAccess?
    private let now: @Sendable () -> Date

    public init(store: LocalCAStore, mfaState: any MFAStateStore, tokens: TokenAccess? = nil, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.verifier = TOTPVerifier(store: mfaState, now: now)
        self.tokens = tokens
        self.now = now
    }

    public func issue(_ request: IssuanceRequest) async throws -> IssuedCertificate {
        try await issueMany([request], mfaProof: request.mfaProof)[0]
    }

    public func issueMany(_ requests: [IssuanceRequest], mfaProof: MFAProof?) async throws -> [IssuedCertificate] {
        let publicKeys = try requests.map { try $0.verifiedPublicKey() }
        // One read of issuer.json for the CA, the devices and the user.
        let document = try store.load()
        let authority = try store.currentAuthority(in: document)
        // One check for all: the replay guard would refuse the same code a second time.
        if let needing = requests.first(where: \.kind.requiresMFA) {
            try checkProof(mfaProof, for: needing.kind, authority: authority, devices: { try LocalCAStore.devices(in: document) })
        }
        let user = document.user
        return try zip(requests, publicKeys).map { request, publicKey in
            // The account, as the team issuer's leaves name it: a trust policy can tell two accounts apart.
            let account = (try? ARN(request.roleArn, kind: .role))?.account
            let leaf = try authority.withAuthority(tokens: tokens) {
                try $0.issueLeaf(for: publicKey, user: user, account: account, kind: request.kind, now: now())
            }
            return IssuedCertificate(chain: [leaf])
        }
    }

    private func checkProof(_ proof: MFAProof?, for kind: CertificateKind, authority: StoredAuthority, devices: () throws -> [TOTPVerifier.Device]) throws {
        switch proof {
        case .totp(let code)?:
            // The accepted step is on disk before the certificate exists.
            _ = try verifier.verify(code: code, devices: try devices())
        case .token?:
            // The token's PIN is checked by the token itself when the CA signs.
            guard authority.tokenKey != nil else {
                throw MFAError.unavailable("this profile's MFA is the token, but the local CA's key is in \(store.path), not on a token: use --mfa required, or move the CA to a token with `rolecall ca rotate --ca-key pkcs11:URI`")
            }
        case nil:
            throw MFAError.unavailable("a \(kind.name) certificate needs an MFA code")
        }
    }

    /// Checks a code without issuing anything (for `mfa add`, `mfa remove`, `ca rotate`).
    public func verifyMFA(code: String) throws {
        _ = try verifier.verify(code: code, devices: try store.devices())
    }
}
