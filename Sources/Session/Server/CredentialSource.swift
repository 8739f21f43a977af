import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Issuance
import IssuanceCore
import RolesAnywhere
import Synchronization
import X509

/// Where the endpoint's sessions come from: their region and longest duration, how to get one
/// session of a given length, and until when (nil: as long as the command runs).
struct CredentialSource: Sendable {
    let region: String
    let durationSeconds: Int
    let windowEnd: Date?
    /// When what signs the sessions ends: the login session, or the profile's own certificate
    /// (nil: no end of its own). A chained session is never asked to outlast it.
    let ends: Date?
    let warnings: [String]
    let fetch: @Sendable (_ durationSeconds: Int) async throws -> AWSCredentials
    let wipe: @Sendable () -> Void

    init(_ client: CreateSessionClient, _ request: CreateSessionRequest, windowEnd: Date?, ends: Date?, warnings: [String],
         fetch: @escaping @Sendable (_ durationSeconds: Int) async throws -> AWSCredentials, wipe: @escaping @Sendable () -> Void) {
        self.init(region: client.region, durationSeconds: request.durationSeconds, windowEnd: windowEnd, ends: ends, warnings: warnings,
                  fetch: fetch, wipe: wipe)
    }

    private init(region: String, durationSeconds: Int, windowEnd: Date?, ends: Date?, warnings: [String],
                 fetch: @escaping @Sendable (_ durationSeconds: Int) async throws -> AWSCredentials, wipe: @escaping @Sendable () -> Void) {
        self.region = region
        self.durationSeconds = durationSeconds
        self.windowEnd = windowEnd
        self.ends = ends
        self.warnings = warnings
        self.fetch = fetch
        self.wipe = wipe
    }

    /// Sessions of `link`'s role: each refresh is one AssumeRole, signed with a session of this
    /// source, which is fetched again only when it has less than two minutes left. The source's
    /// sessions are the shortest AWS grants (they only sign AssumeRole): the cache asks only
    /// while 900 s or more of the MFA window are left, so they end within it.
    func chained(through link: ChainLink, now: @escaping @Sendable () -> Date) -> CredentialSource {
        let held = SourceSession(now: now)
        let (fetchSource, ends) = (fetch, ends)
        return CredentialSource(region: link.region, durationSeconds: link.durationSeconds, windowEnd: windowEnd, ends: ends, warnings: warnings, fetch: { duration in
            let sourceCredentials = try await held.credentials { try await fetchSource(SessionDurationPolicy.minimumSeconds) }
            return try await link.assume(with: sourceCredentials, durationSeconds: duration, until: ends).credentials
        }, wipe: { [wipe] in
            held.wipe()
            wipe()
        })
    }
}

extension CredentialSource {
    /// Sessions signed with `held`'s in-memory certificate, copied into locked memory with its key,
    /// until the certificate (the MFA window) ends.
    static func lockedMemory(held: CredentialBroker.HeldIdentity, now: @Sendable () -> Date) throws -> CredentialSource {
        let key = try LockedSigningKey(held.identity.key)
        let certificate = LockedBuffer(try held.identity.certificate.derBytes())
        let (client, baseRequest) = (held.client, held.request)
        let ends = held.limitSeconds.map { now().addingTimeInterval(TimeInterval($0)) }
        return CredentialSource(client, baseRequest, windowEnd: held.identity.certificate.notValidAfter, ends: ends,
                                warnings: key.warnings + certificate.warnings, fetch: { duration in
            var request = baseRequest
            request.durationSeconds = duration
            let identity = SigningIdentity(certificate: try Certificate(derEncoded: certificate.bytes), key: try key.signingKey(), isSingleUse: false)
            return try await client.createSession(request, identity: identity, retry: RetryPolicy()).credentials
        }, wipe: {
            key.wipe()
            certificate.wipe()
        })
    }
}

/// A P-256 signing key whose only long-lived copy is in locked memory; each signature materialises
/// a short-lived key object from it.
final class LockedSigningKey: Sendable {
    private let raw: LockedBuffer

    init(_ key: SigningKey) throws {
        guard case .p256(let p256) = key else { throw SessionError.serverKeyNotP256() }
        var data = p256.rawRepresentation
        defer { data.resetBytes(in: 0..<data.count) }
        raw = LockedBuffer(data)
    }

    var warnings: [String] { raw.warnings }

    func signingKey() throws -> SigningKey {
        try raw.withBytes { .p256(try P256.Signing.PrivateKey(rawRepresentation: $0)) }
    }

    func wipe() { raw.wipe() }
}

/// The first certificate of a profile without MFA, until the credential cache's first fetch uses it.
final class PendingFirst: Sendable {
    typealias Certified = (LockedSigningKey, Certificate, [Certificate], CreateSessionClient, CreateSessionRequest)
    private let value: Mutex<Certified?>

    init(_ value: Certified) { self.value = Mutex(value) }

    func take() -> Certified? { value.withLock { $0.take() } }
}
