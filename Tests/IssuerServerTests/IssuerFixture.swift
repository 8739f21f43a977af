import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Issuance
@testable import IssuerServer
import IssuanceCore
import IssuerProtocol
import IssuerStorage
import Logging
import RolesAnywhere
import Testing
import TestSupport
import X509

/// A team issuer served over TLS on loopback against a test database, with a hand-moved clock.
/// Several fixtures on one database stand for replicas.
final class IssuerReplica: Sendable {
    let service: IssuerService
    let url: String
    let fingerprint: String
    let pinnedCertificatePEM: String
    private let server: Task<Void, any Error>

    static let logger = Logger(label: "rolecall.issuer-tests", factory: { _ in SwiftLogNoOpLogHandler() })

    init(database: any IssuerDatabase, key: IssuerKey, clock: ManualClock, options: IssuerService.Options = .fast) async throws {
        service = try await IssuerService.make(database: database, key: key, options: options, logger: Self.logger, now: { clock.now })
        let (listening, continuation) = AsyncStream.makeStream(of: IssuerHTTPServer.Listening.self)
        let server = IssuerHTTPServer(service: service, host: "127.0.0.1", port: 0, tlsFiles: nil, logger: Self.logger)
        self.server = Task { try await server.run(handleSignals: false) { continuation.yield($0) } }
        var iterator = listening.makeAsyncIterator()
        guard let started = await iterator.next() else { throw IssuerError.didNotStart("the test issuer") }
        url = started.url
        fingerprint = started.fingerprintSHA256
        pinnedCertificatePEM = try await IssuerTLS.pinnedCertificate(urls: [started.url], expected: started.fingerprintSHA256, connectTimeout: .seconds(10))
    }

    /// Stops serving: connections are refused from now on.
    func stop() async {
        server.cancel()
        _ = await server.result
    }
}

extension IssuerService.Options {
    /// A low bcrypt cost: tests hash many passwords.
    static var fast: IssuerService.Options {
        var options = IssuerService.Options()
        options.bcryptCost = 4
        options.loginAttemptsPerMinute = 1000
        options.certificatesPerUserPerMinute = 1000
        return options
    }
}

/// One issuer database with its key, admin, clock and a first replica.
struct IssuerWorld: Sendable {
    static let roleArn = "arn:aws:iam::111122223333:role/dev"
    static let loginRoleArn = "arn:aws:iam::111122223333:role/ci"
    static let openRoleArn = "arn:aws:iam::111122223333:role/read-only"
    static let profileArn = "arn:aws:rolesanywhere:us-east-1:111122223333:profile/p1"
    static let trustAnchorArn = "arn:aws:rolesanywhere:us-east-1:111122223333:trust-anchor/t1"

    struct Person: Sendable {
        let name: String
        let password: String
        let seed: SecretBytes
    }

    let database: FreshDatabase
    let key: IssuerKey
    let admin: IssuerAdmin
    let clock: ManualClock
    let authority: CertificateAuthority
    private let started = Started()

    /// The replicas a test started, stopped when it ends.
    private actor Started {
        var replicas: [IssuerReplica] = []
        func add(_ replica: IssuerReplica) { replicas.append(replica) }
    }

    /// A world over `backend` with alice (per-session `dev`, login-MFA `ci`, no-MFA `read-only`).
    static func with(_ backend: Backend, _ body: (IssuerWorld) async throws -> Void) async throws {
        try await backend.withFreshDatabase { fresh in
            let database = try await fresh.open()
            let key = try IssuerKey(text: IssuerKey.generateText())
            // Mid-step, so that the previous and next TOTP steps are both a whole step away.
            let clock = ManualClock(Date(timeIntervalSince1970: 1_900_000_015))
            let admin = IssuerAdmin(database: database, key: key, bcryptCost: 4, now: { clock.now })
            let authority = try await admin.initialize(commonName: "test issuer")
            let world = IssuerWorld(database: fresh, key: key, admin: admin, clock: clock, authority: authority)
            let outcome = await Result(catching: { try await body(world) })
            for replica in await world.started.replicas { await replica.stop() }
            try outcome.get()
        }
    }

    /// A user as after their first login: `enrolled: false` keeps the one-time password.
    @discardableResult
    func addPerson(_ name: String = "alice", loginSessionSeconds: Int = 12 * 3600, enrolled: Bool = true) async throws -> Person {
        let enrollment = try await admin.addUser(name, loginSessionSeconds: loginSessionSeconds)
        let uri = try OTPAuthURI(parsing: enrollment.otpauthURI.unsafeStringValue())
        if enrolled {
            // As if the one-time password had been replaced by itself, without spending a TOTP step.
            let hash = try #require(try await admin.database.user(named: name)).passwordHash
            try #require(try await admin.database.setPassword(user: name, hash: hash, mustChange: false, replacing: hash) != nil)
        }
        try await admin.allowRole(user: name, roleArn: Self.roleArn, profileArn: Self.profileArn, trustAnchorArn: Self.trustAnchorArn,
                                  region: nil, maxDurationSeconds: 3600, mfa: .perSession)
        try await admin.allowRole(user: name, roleArn: Self.loginRoleArn, profileArn: Self.profileArn, trustAnchorArn: Self.trustAnchorArn,
                                  region: nil, maxDurationSeconds: 7200, mfa: .login)
        try await admin.allowRole(user: name, roleArn: Self.openRoleArn, profileArn: Self.profileArn, trustAnchorArn: Self.trustAnchorArn,
                                  region: nil, maxDurationSeconds: 1800, mfa: .off)
        return Person(name: name, password: enrollment.password.unsafeStringValue(), seed: uri.secret)
    }

    /// A replica on its own database connection (pool), as a separate process would have.
    func replica(options: IssuerService.Options = .fast) async throws -> IssuerReplica {
        let replica = try await IssuerReplica(database: try await database.open(), key: key, clock: clock, options: options)
        await started.add(replica)
        return replica
    }

    /// A replica's routes without a socket or TLS (Hummingbird's `.router` test mode), on a
    /// database connection of their own, for the rules of the API and the pages; requests come
    /// from no address. The router's client needs no server running, so it outlives `test`.
    func routes(options: IssuerService.Options = .fast) async throws -> (client: any TestClientProtocol, service: IssuerService) {
        let service = try await IssuerService.make(database: try await database.open(), key: key, options: options,
                                                   logger: IssuerReplica.logger, now: { [clock] in clock.now })
        let client = try await Application(router: IssuerRoutes.router(service: service, serverCertificatePEM: "")).test(.router) { $0 }
        return (client, service)
    }

    /// `routes`, its database connection closed when `body` ends.
    func withRoutes(options: IssuerService.Options = .fast, _ body: (any TestClientProtocol, IssuerService) async throws -> Void) async throws {
        let (client, service) = try await routes(options: options)
        let outcome = await Result { try await body(client, service) }
        try? await service.database.close()
        try outcome.get()
    }

    /// The TOTP code of `person` at the current (or an offset) time step.
    func code(_ person: Person, steps: Int64 = 0) -> String {
        TOTP.code(secret: person.seed, step: TOTP.step(at: clock.now) + steps)
    }
}

/// The client side, as `rolecall` uses it: over TLS with the pinned certificate, or straight to
/// the routes (`IssuerWorld.routes`) for rules that are not about TLS or addresses.
struct IssuerClient: Sendable {
    let urls: [String]
    let pinnedCertificatePEM: String
    let routes: (any TestClientProtocol)?

    init(_ replicas: IssuerReplica...) {
        urls = replicas.map(\.url)
        pinnedCertificatePEM = replicas[0].pinnedCertificatePEM
        routes = nil
    }

    init(routes: any TestClientProtocol) {
        urls = [RouterTransport.url]
        pinnedCertificatePEM = ""
        self.routes = routes
    }

    /// The product's 30 s to answer, which the in-process issuer must keep while the whole suite
    /// runs on two cores. Connecting gets 10 s rather than the product's 3 s: it includes the TLS
    /// handshake, on event-loop threads every server and client of the test process shares, which a
    /// machine compiling beside the suite (load 18) starved past 3 s. A stopped replica costs it.
    var transport: any HTTPTransport {
        get throws {
            if let routes { return RouterTransport(client: routes) }
            return try IssuerTLS.transport(pinnedCertificatePEM: pinnedCertificatePEM, connectTimeout: .seconds(10))
        }
    }

    var connection: IssuerConnection {
        get throws { IssuerConnection(urls: urls, transport: try transport) }
    }

    func login(_ person: IssuerWorld.Person, password: String? = nil, totp: String?) async throws -> IssuerLogin {
        let answer = try await connection.post(IssuerAPI.loginPath, IssuerAPI.LoginRequest(user: person.name, password: password ?? person.password, totp: totp),
                                               as: IssuerAPI.LoginResponse.self)
        return IssuerLogin(urls: urls, user: answer.user, token: answer.token, expiresAt: answer.expiresAt, mfa: answer.mfa,
                           pinnedCertificatePEM: routes == nil ? pinnedCertificatePEM : nil)
    }

    /// A 15-minute standard certificate for the role without MFA: needs nothing but the login.
    @discardableResult
    func openRoleCertificate(_ login: IssuerLogin) async throws -> (IssuedCertificate, SigningKey) {
        try await certificate(login, role: IssuerWorld.openRoleArn, kind: .standard(sessionDuration: 900), totp: nil)
    }

    /// A certificate for a fresh key through `RemoteIssuer`, as `exec` asks for one.
    func certificate(_ login: IssuerLogin, role: String = IssuerWorld.roleArn, kind: CertificateKind = .singleUse, totp: String?) async throws -> (IssuedCertificate, SigningKey) {
        let key = SigningKey.generateP256()
        let issuer = RemoteIssuer(login: login, transport: try transport)
        let issued = try await issuer.issue(IssuanceRequest(key: key, kind: kind, roleArn: role, mfaProof: totp.map { .totp(code: $0) }))
        return (issued, key)
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}

/// The refusal reason of an error thrown by the client.
func refusalReason(_ error: any Error) -> String? {
    switch error {
    case let refusal as IssuanceRefusal: refusal.reason.rawValue
    case let mfa as MFAError: "mfa-\(mfa.code.rawValue)"
    default: nil
    }
}
