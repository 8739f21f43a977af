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
    /// The password `logIn` set, for the login clients; and how many of those and of flooding clients.
    var password = ""
    var loginClients = 0
    var flood = 0

    /// What each group saw: the certificate clients untimed and timed, the login clients, the flood.
    struct Outcome {
        var warmUp: LoadTally
        var timed: LoadTally
        var logins: LoadTally
        var flood: LoadTally
        var elapsed: Duration
    }

    /// One login with password and TOTP code, as `rolecall login` does the first time (replacing the
    /// one-time password); its token serves every client. Returns the new password too.
    static func logIn(urls: [String], password: SecretBytes, totpSeed: SecretBytes, transport: any HTTPTransport,
                      pinnedCertificatePEM: String) async throws -> (IssuerLogin, String) {
        let code = TOTP.code(secret: totpSeed, step: TOTP.step(at: Date()))
        let newPassword = IssuerKey.generateText()
        let answer = try await IssuerConnection(urls: urls, transport: transport).post(
            IssuerAPI.loginPath,
            IssuerAPI.LoginRequest(user: LoadIssuer.user, password: password.unsafeStringValue(), totp: code, newPassword: newPassword),
            as: IssuerAPI.LoginResponse.self)
        return (IssuerLogin(urls: urls, user: answer.user, token: answer.token, expiresAt: answer.expiresAt, mfa: answer.mfa,
                            pinnedCertificatePEM: pinnedCertificatePEM), newPassword)
    }

    /// A shared client allowing one keep-alive connection per load client.
    static func httpClient(pinnedCertificatePEM: String, clients: Int) throws -> HTTPClient {
        var configuration = HTTPClient.Configuration(tlsConfiguration: try IssuerTLS.configuration(pinnedCertificatePEM: pinnedCertificatePEM),
                                                     redirectConfiguration: .disallow)
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: clients)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// One untimed certificate per client at once (opens the connections), then every client
    /// for `seconds`, the login and flooding clients beside them.
    func run(seconds: Int) async -> Outcome {
        let warmUp = await group(clients) { tally, index in await tally.issueOne(RemoteIssuer(login: rotatedLogin(index), transport: transport)) }
        let started = ContinuousClock.now
        let deadline = started + .seconds(seconds)
        async let timed = group(clients) { tally, index in
            let issuer = RemoteIssuer(login: rotatedLogin(index), transport: transport)
            while ContinuousClock.now < deadline { await tally.issueOne(issuer) }
        }
        async let logins = group(loginClients) { [password] tally, index in
            let connection = IssuerConnection(urls: rotatedLogin(index).urls, transport: transport)
            while ContinuousClock.now < deadline { await tally.logInOne(connection, user: LoadIssuer.user, password: password) }
        }
        async let flood = group(flood) { tally, index in
            // Unknown names (a decoy bcrypt each) and a token that does not verify, in turn.
            var login = rotatedLogin(index)
            login.token = "v1.bm90LWEtdG9rZW4.Zm9yZ2Vk"
            let forged = RemoteIssuer(login: login, transport: transport)
            let connection = IssuerConnection(urls: login.urls, transport: transport)
            var turn = 0
            while ContinuousClock.now < deadline {
                if turn.isMultiple(of: 2) {
                    await tally.logInOne(connection, user: "flood-\(index)-\(turn)", password: "not anyone's password")
                } else {
                    await tally.issueOne(forged)
                }
                turn += 1
            }
        }
        let (timedTally, loginTally, floodTally) = await (timed, logins, flood)
        return Outcome(warmUp: warmUp, timed: timedTally, logins: loginTally, flood: floodTally, elapsed: ContinuousClock.now - started)
    }

    /// Client i tries replica i mod N first, so replicas share the load; the others stay its
    /// fail-over list, as `rolecall login` with several `--issuer` URLs keeps them.
    private func rotatedLogin(_ index: Int) -> IssuerLogin {
        var login = login
        let shift = index % login.urls.count
        login.urls = Array(login.urls[shift...] + login.urls[..<shift])
        return login
    }

    /// `count` clients at once, each given its index; their tallies merged.
    private func group(_ count: Int, _ body: @escaping @Sendable (inout LoadTally, Int) async -> Void) async -> LoadTally {
        await withTaskGroup(of: LoadTally.self) { group in
            for index in 0..<count {
                group.addTask {
                    var tally = LoadTally()
                    await body(&tally, index)
                    return tally
                }
            }
            var total = LoadTally()
            for await tally in group { total.merge(tally) }
            return total
        }
    }
}
