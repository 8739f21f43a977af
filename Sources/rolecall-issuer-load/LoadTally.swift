import Foundation
import Issuance
import IssuanceCore
import IssuerProtocol
import RolesAnywhere

/// What clients saw: the latency of every certificate issued (or login answered), and the errors by kind with the first
/// message of each kind (messages hold no secrets: the client's errors never quote the token).
struct LoadTally: Sendable {
    private(set) var milliseconds: [Double] = []
    private(set) var errors: [String: Int] = [:]
    private(set) var examples: [String: String] = [:]
    /// Every outcome in order: when, and the serial issued or the error's kind.
    private(set) var events: [Event] = []

    /// A request: when it was sent and when its answer (or error) came, in seconds since 1970.
    struct Event: Sendable, Encodable {
        var started: Double
        var time: Double
        var serial: String?
        var error: String?
    }

    var requests: Int { milliseconds.count + errorCount }
    var errorCount: Int { errors.values.reduce(0, +) }

    /// One certificate for a fresh P-256 key, as `rolecall` asks for one. The key and CSR are made
    /// before the clock starts: the latency is the round trip and the server's work.
    mutating func issueOne(_ issuer: RemoteIssuer) async {
        let request: IssuanceRequest
        do {
            request = try IssuanceRequest(key: .generateP256(), kind: .standard(sessionDuration: 3600), roleArn: LoadIssuer.roleArn, mfaProof: nil)
        } catch {
            record(error, sent: Date().timeIntervalSince1970)
            return
        }
        await measure { try await issuer.issue(request).chain.first.map { Array($0.serialNumber.bytes).hexString } }
    }

    /// One sign-in by password alone, as `rolecall login` sends it for a role without per-session MFA.
    mutating func logInOne(_ connection: IssuerConnection, user: String, password: String) async {
        await measure {
            _ = try await connection.post(IssuerAPI.loginPath, IssuerAPI.LoginRequest(user: user, password: password, totp: nil),
                                          as: IssuerAPI.LoginResponse.self)
            return nil
        }
    }

    /// Times `request` (which returns the serial issued, if any) and tallies its outcome.
    private mutating func measure(_ request: () async throws -> String?) async {
        let started = ContinuousClock.now
        let sent = Date().timeIntervalSince1970
        do {
            let serial = try await request()
            milliseconds.append((ContinuousClock.now - started) / .milliseconds(1))
            events.append(Event(started: sent, time: Date().timeIntervalSince1970, serial: serial))
        } catch {
            record(error, sent: sent)
        }
    }

    mutating func merge(_ other: LoadTally) {
        milliseconds += other.milliseconds
        errors.merge(other.errors, uniquingKeysWith: +)
        examples.merge(other.examples, uniquingKeysWith: { first, _ in first })
        events += other.events
    }

    /// The latency below which a fraction `quantile` of the certificates came (nearest rank).
    func percentile(_ quantile: Double) -> Double {
        guard !milliseconds.isEmpty else { return 0 }
        let sorted = milliseconds.sorted()
        let rank = Int((Double(sorted.count) * quantile).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    private mutating func record(_ error: any Error, sent: Double) {
        let kind = Self.kind(of: error)
        errors[kind, default: 0] += 1
        events.append(Event(started: sent, time: Date().timeIntervalSince1970, error: kind))
        if examples[kind] == nil { examples[kind] = printableExcerpt(String(describing: error), limit: 300) }
    }

    /// A refusal's reason; a 503 (the service's "could not answer", e.g. a database error) and a
    /// failed connection are both "no team issuer answered" to the client, told apart here.
    static func kind(of error: any Error) -> String {
        switch error {
        case let refusal as IssuanceRefusal where refusal.reason == .unavailable && refusal.message.hasPrefix("no team issuer answered"):
            refusal.message.contains("HTTP 503") ? "http-503" : "connection"
        case let refusal as IssuanceRefusal:
            refusal.reason.rawValue
        case let mfa as MFAError:
            "mfa-\(mfa.code.rawValue)"
        default:
            String(describing: type(of: error))
        }
    }
}
