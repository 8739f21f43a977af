import Foundation
import IssuanceCore
import IssuerProtocol
import IssuerStorage

/// `/v1/certificates/batch`: one per-session check for several roles (docs/issuer-api.md).
extension IssuerService {
    public func issueMany(_ request: IssuerAPI.CertificateBatchRequest, token: String?, client: String?) async throws -> IssuerAPI.CertificateBatchResponse {
        let time = now()
        var audit = AuditRecord(time: time, event: .certificate, user: nil, roleArn: Self.printable(request.certificates.first?.roleArn ?? ""),
                                kind: nil, clientAddress: client, result: "ok")
        let holder: TokenHolder
        let grants: [RoleGrant]
        do {
            // The token first: a malformed batch with a valid token is not an unauthenticated request.
            holder = try await self.holder(of: token, at: time, audit: &audit)
            try Self.checkShape(request)
            grants = try await database.grants(user: holder.user.name)
        } catch {
            throw try await refusal(error, audit: &audit)
        }
        // Every grant is checked before the code is used; each refusal is its own audit row.
        var checked: [(request: IssuerAPI.CertificateRequest, certificate: CheckedCertificate)] = []
        var refused: [IssuerAPI.CertificateBatchResponse.Refused] = []
        var firstReason: IssuanceRefusal.Reason?
        for item in request.certificates {
            var row = Self.row(audit, for: item)
            do {
                try await allowCertificate(for: holder, at: time)
                checked.append((item, try check(item, for: holder, grants: grants, at: time)))
            } catch {
                let refusal = try await refusal(error, audit: &row)
                firstReason = firstReason ?? refusal.reason
                refused.append(.init(roleArn: item.roleArn, error: .init(error: .known(refusal.reason), message: refusal.message)))
            }
        }
        if let firstReason, checked.isEmpty || request.partial != true {
            throw IssuanceRefusal(reason: firstReason,
                                  message: "nothing was issued: " + refused.map { "\(Self.printable($0.roleArn)): \($0.error.message)" }.joined(separator: "; ")
                                      + (request.certificates.count > 1 ? " (ask with --partial to get the others)" : ""))
        }
        // One code for all of them, checked as for a single certificate; refused, a row for each role.
        if let needing = checked.first(where: { $0.certificate.needsCode }) {
            do {
                try await checkPerSessionCode(request.totp, for: needing.certificate, of: holder.user, at: time, client: client)
            } catch {
                var answer: IssuanceRefusal?
                for item in checked {
                    var row = Self.row(audit, for: item.request)
                    answer = try await refusal(error, audit: &row)
                }
                throw answer ?? IssuanceRefusal(reason: .unavailable, message: "the issuer could not answer: try again")
            }
        }
        var issued: [IssuerAPI.CertificateBatchResponse.Issued] = []
        for (item, certificate) in checked {
            var row = Self.row(audit, for: item)
            do {
                issued.append(.init(roleArn: item.roleArn, certificate: try await sign(certificate, for: holder, at: time, audit: &row)))
            } catch {
                throw try await refusal(error, audit: &row)
            }
        }
        return IssuerAPI.CertificateBatchResponse(issued: issued, refused: refused)
    }

    /// 1 to `largestBatch` certificates, each role once, the code given once beside them.
    static func checkShape(_ request: IssuerAPI.CertificateBatchRequest) throws {
        guard (1...IssuerAPI.largestBatch).contains(request.certificates.count) else {
            throw IssuanceRefusal(reason: .badRequest, message: "a batch asks for 1 to \(IssuerAPI.largestBatch) certificates")
        }
        guard Set(request.certificates.map(\.roleArn)).count == request.certificates.count else {
            throw IssuanceRefusal(reason: .badRequest, message: "a batch names each role once")
        }
        guard request.certificates.allSatisfy({ $0.totp == nil }) else {
            throw IssuanceRefusal(reason: .badRequest, message: "a batch carries its code once, in totp beside certificates")
        }
    }

    /// The audit row of one certificate of the batch.
    static func row(_ base: AuditRecord, for item: IssuerAPI.CertificateRequest) -> AuditRecord {
        var row = base
        row.roleArn = printable(item.roleArn)
        row.kind = printable(item.kind.rawValue)
        return row
    }
}
