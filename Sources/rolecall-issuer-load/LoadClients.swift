import AsyncHTTPClient
import Foundation
import HTTPSTransport
import Issuance
import IssuanceCore
import IssuerProtocol
import IssuerServer
import RolesAnywhere

/// `clients` concurrent clients, each asking for certificates one after another, all over one
/// shared HTTP client that keeps a TLS connection per client open (pinned certificate, as
/// `rolecall login --pin-sha256` leaves it), so the figures are the server's and not handshakes'.
struct LoadClients {
    let login: IssuerLogin
    let transport: any HTTPTransport
    let clients: Int

    /// One login with password and TOTP code, as `rolecall login` does the first time (replacing the
    /// one-time password); its token serves every client.
    static func logIn(urls: [String], password: SecretBytes, totpSeed: SecretBytes, transport: any HTTPTransport,
                      pinnedCertificatePEM: String) async throws -> IssuerLogin {
        let code = TOTP.code(secret: totpSeed, step: TOTP.step(at: Date()))
        let answer = try await IssuerConnection(urls: urls, transport: transport).post(
            IssuerAPI.loginPath,
            IssuerAPI.LoginRequest(user: LoadIssuer.user, password: password.unsafeStringValue(), totp: code,
                                   newPassword: IssuerKey.generateText()),
            as: IssuerAPI.LoginResponse.self)
        return IssuerLogin(urls: urls, user: answer.user, token: answer.token, expiresAt: answer.expiresAt, mfa: answer.mfa,
                           pinnedCertificatePEM: pinnedCertificatePEM)
    }

    /// A shared client allowing one keep-alive connection per load client.
    static func httpClient(pinnedCertificatePEM: String, clients: Int) throws -> HTTPClient {
        var configuration = AsyncHTTPClientTransport.configuration(tls: try IssuerTLS.configuration(pinnedCertificatePEM: pinnedCertificatePEM))
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: clients)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// One untimed certificate per client at once (opens the connections), then every client
    /// for `seconds`. Returns both tallies and the timed phase's wall time.
    func run(seconds: Int) async -> (warmUp: LoadTally, timed: LoadTally, elapsed: Duration) {
        let warmUp = await everyClient { tally, issuer in await tally.issueOne(issuer) }
        let started = ContinuousClock.now
        let deadline = started + .seconds(seconds)
        let timed = await everyClient { tally, issuer in
            while ContinuousClock.now < deadline { await tally.issueOne(issuer) }
        }
        return (warmUp, timed, ContinuousClock.now - started)
    }

    /// Client i tries replica i mod N first, so replicas share the load; the others stay its
    /// fail-over list, as `rolecall login` with several `--issuer` URLs keeps them.
    private func everyClient(_ body: @escaping @Sendable (inout LoadTally, RemoteIssuer) async -> Void) async -> LoadTally {
        await withTaskGroup(of: LoadTally.self) { group in
            for index in 0..<clients {
                var login = login
                let shift = index % login.urls.count
                login.urls = Array(login.urls[shift...] + login.urls[..<shift])
                let issuer = RemoteIssuer(login: login, transport: transport)
                group.addTask {
                    var tally = LoadTally()
                    await body(&tally, issuer)
                    return tally
                }
            }
            var total = LoadTally()
            for await tally in group { total.merge(tally) }
            return total
        }
    }
}
