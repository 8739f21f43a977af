#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import IssuanceCore
import IssuerProtocol
import RolesAnywhere
import X509

/// The `Issuer` backed by the team issuer service: the CSR, the role and (for per-session MFA)
/// the TOTP code go to the server with the login token; the private key stays here.
public struct RemoteIssuer: Issuer {
    private let login: IssuerLogin
    private let connection: IssuerConnection

    public init(login: IssuerLogin, transport: any HTTPTransport) {
        self.login = login
        self.connection = IssuerConnection(urls: login.urls, transport: transport)
    }

    public func issue(_ request: IssuanceRequest) async throws -> IssuedCertificate {
        var totp: String?
        if case .totp(let code)? = request.mfaProof { totp = code }
        let answer = try await connection.post(IssuerAPI.certificatesPath, try Self.wire(request, totp: totp),
                                               token: login.token, as: IssuerAPI.CertificateResponse.self)
        return try Self.certificate(answer, for: request)
    }

    /// `/v1/certificates/batch`: one code for every role; an older issuer answers 404, which
    /// `IssuerConnection` turns into "this issuer is older than your rolecall".
    public func issueMany(_ requests: [IssuanceRequest], mfaProof: MFAProof?) async throws -> [IssuedCertificate] {
        var totp: String?
        if case .totp(let code)? = mfaProof { totp = code }
        let batch = IssuerAPI.CertificateBatchRequest(certificates: try requests.map { try Self.wire($0, totp: nil) }, totp: totp)
        let answer = try await connection.post(IssuerAPI.certificateBatchPath, batch, token: login.token, as: IssuerAPI.CertificateBatchResponse.self)
        guard answer.issued.map(\.roleArn) == requests.map(\.roleArn) else {
            throw IssuanceRefusal(reason: .unavailable, message: "the team issuer answered for other roles than those asked")
        }
        return try zip(answer.issued, requests).map { try Self.certificate($0.certificate, for: $1) }
    }

    static func wire(_ request: IssuanceRequest, totp: String?) throws -> IssuerAPI.CertificateRequest {
        let kind = request.kind.apiFields
        return IssuerAPI.CertificateRequest(csr: try request.csr.serializeAsPEM().pemString, roleArn: request.roleArn, kind: .known(kind.name),
                                            lifetimeSeconds: kind.lifetimeSeconds, sessionSeconds: kind.sessionSeconds, totp: totp)
    }

    static func certificate(_ answer: IssuerAPI.CertificateResponse, for request: IssuanceRequest) throws -> IssuedCertificate {
        let chain: [Certificate]
        do {
            chain = try answer.certificateChain.map { try Certificate(pemEncoded: $0) }
        } catch {
            throw IssuanceRefusal(reason: .unavailable, message: "the team issuer returned a certificate that does not parse")
        }
        // The server must certify our key, not some other one.
        guard let leaf = chain.first, leaf.publicKey == request.csr.publicKey else {
            throw IssuanceRefusal(reason: .unavailable, message: "the team issuer returned a certificate for another key")
        }
        return IssuedCertificate(chain: chain, loginSecondsLeft: answer.loginSecondsLeft, roleMaxDurationSeconds: answer.roleMaxDurationSeconds)
    }
}
