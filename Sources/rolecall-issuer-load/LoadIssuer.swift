import Foundation
import Issuance
import IssuanceCore
import IssuerServer
import IssuerStorage
import Logging
import RolesAnywhere

/// A team issuer set up as `rolecall issuer init`, `issuer user add`, `issuer role allow` and
/// `issuer serve` set one up, in this process: one or more replicas on loopback ports, each with
/// its own database connection (pool), all on one database.
struct LoadIssuer {
    static let user = "load"
    static let roleArn = "arn:aws:iam::111122223333:role/load"
    static let profileArn = "arn:aws:rolesanywhere:us-east-1:111122223333:profile/load"
    static let trustAnchorArn = "arn:aws:rolesanywhere:us-east-1:111122223333:trust-anchor/load"

    /// The replicas' URLs, in start order.
    let urls: [String]
    /// SHA-256 of the self-signed TLS certificate every replica presents, as `serve` prints it.
    let fingerprint: String
    /// What enrolment showed once: the password and the TOTP seed. Never printed.
    let password: SecretBytes
    let totpSeed: SecretBytes
    private let servers: [Task<Void, any Error>]
    private let databases: [any IssuerDatabase]

    /// `home` is a private temporary directory: the issuer key file goes there.
    static func start(databaseURL: String, home: String, replicas: Int, logger: Logger, serverLogger: Logger) async throws -> LoadIssuer {
        let location = IssuerLocation(database: nil, keyFile: nil, environment: [IssuerLocation.databaseVariable: databaseURL], home: home)
        let key = try location.createKey().key
        var databases = [try await location.openDatabase(logger: logger)]
        let admin = IssuerAdmin(database: databases[0], key: key)
        _ = try await admin.initialize(commonName: "rolecall load test")
        let enrollment = try await admin.addUser(user)
        // Login MFA: the TOTP replay guard accepts one code per user per 30 s step, so a role that
        // needs a code with every certificate cannot be issued to more than twice a minute.
        try await admin.allowRole(user: user, roleArn: roleArn, profileArn: profileArn, trustAnchorArn: trustAnchorArn,
                                  region: nil, maxDurationSeconds: 3600, mfa: .login)
        let uri = try OTPAuthURI(parsing: enrollment.otpauthURI.unsafeStringValue())
        for _ in 1..<replicas {
            databases.append(try await location.openDatabase(logger: logger))
        }

        var urls: [String] = []
        var fingerprint = ""
        var servers: [Task<Void, any Error>] = []
        for database in databases {
            // One user stands for all the clients: no per-user certificate limit. Every client comes
            // from 127.0.0.1, standing for many addresses: no per-address login or connection limit
            // (what holds a login flood back is then the bcrypt queue).
            var options = IssuerService.Options()
            options.certificatesPerUserPerMinute = nil
            options.loginAttemptsPerMinute = .max
            let service = try await IssuerService.make(database: database, key: key, options: options, logger: logger)
            let server = IssuerHTTPServer(service: service, host: "127.0.0.1", port: 0, tlsFiles: nil, connectionsPerSource: .max, logger: serverLogger)
            let (listening, continuation) = AsyncStream.makeStream(of: IssuerHTTPServer.Listening.self)
            servers.append(Task { try await server.run(handleSignals: false) { continuation.yield($0) } })
            var events = listening.makeAsyncIterator()
            guard let started = await events.next() else { throw IssuerError.didNotStart("an issuer replica") }
            urls.append(started.url)
            fingerprint = started.fingerprintSHA256
        }
        return LoadIssuer(urls: urls, fingerprint: fingerprint, password: enrollment.password, totpSeed: uri.secret,
                          servers: servers, databases: databases)
    }

    func stop() async {
        for server in servers {
            server.cancel()
            _ = await server.result
        }
        for database in databases {
            try? await database.close()
        }
        password.wipe()
        totpSeed.wipe()
    }
}
