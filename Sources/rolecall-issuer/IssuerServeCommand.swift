import ArgumentParser
import CommandLineSupport
import Foundation
import IssuerServer
import Logging

struct IssuerServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the issuer API over TLS until SIGTERM or SIGINT.",
        discussion: """
        Without --tls-cert, the server uses its own self-signed certificate (made on first start and \
        shared by every replica of the database) and prints its SHA-256 fingerprint for \
        `rolecall login --pin-sha256`. Several replicas may serve one PostgreSQL database.
        """
    )

    @OptionGroup var options: IssuerOptions

    @OptionGroup var token: IssuerTokenOptions

    @Option(help: "HOST:PORT to listen on ([::1]:PORT for IPv6; port 0 picks one).")
    var listen = "127.0.0.1:8443"

    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain to present.")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key of --tls-cert.")
    var tlsKey: String?

    @Option(name: .customLong("tls-name"), help: "Another host name or IP address for the self-signed certificate (repeatable; used when it is first made, e.g. the replicas' load balancer name).")
    var tlsNames: [String] = []

    @Option(name: .customLong("login-attempts-per-minute"), help: "Logins allowed per source address (an IPv6 /64; all of 127.0.0.0/8 is one) per minute, per replica.")
    var loginAttemptsPerMinute = 30

    @Option(name: .customLong("certificates-per-minute"), help: "Certificates allowed per user per minute, per replica.")
    var certificatesPerMinute = 120

    @Option(name: .customLong("connections-per-address"), help: "Open connections allowed per source address; beyond it new ones are closed at once.")
    var connectionsPerAddress = IssuerHTTPServer.defaultConnectionsPerSource

    func validate() throws {
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("give --tls-cert and --tls-key together") }
        guard ListenAddress(listen) != nil else { throw ValidationError("--listen must be HOST:PORT, e.g. 127.0.0.1:8443 or [::1]:8443") }
        guard loginAttemptsPerMinute > 0 else { throw ValidationError("--login-attempts-per-minute must be positive") }
        guard certificatesPerMinute > 0 else { throw ValidationError("--certificates-per-minute must be positive") }
        guard connectionsPerAddress > 0 else { throw ValidationError("--connections-per-address must be positive") }
    }

    func run() async throws {
        try await StandardIO.reportingErrors {
            guard let address = ListenAddress(listen) else { return }
            let location = options.location
            let key = try location.key()
            var logger = Logger(label: "rolecall-issuer")
            logger.logLevel = .info
            let database = try await location.openDatabase(logger: logger)
            var serviceOptions = IssuerService.Options()
            serviceOptions.loginAttemptsPerMinute = loginAttemptsPerMinute
            serviceOptions.certificatesPerUserPerMinute = certificatesPerMinute
            let tokens = token.tokens
            defer { tokens.close() }
            let service: IssuerService
            do {
                service = try await IssuerService.make(database: database, key: key, tokens: tokens, options: serviceOptions, logger: logger)
            } catch {
                try? await database.close()
                throw error
            }
            let server = IssuerHTTPServer(
                service: service, host: address.host, port: address.port,
                tlsFiles: tlsCert.flatMap { cert in tlsKey.map { .init(certificatePath: cert, keyPath: $0) } }, tlsNames: tlsNames,
                connectionsPerSource: connectionsPerAddress, logger: logger
            )
            do {
                try await server.run(handleSignals: true) { listening in
                    // A pin is the only trust root the client uses: it fits the self-signed certificate
                    // (a CA-issued leaf is verified with the system's trust store instead).
                    let clients = listening.selfSigned
                        ? "rolecall login --issuer \(listening.url) --user NAME --pin-sha256 \(listening.fingerprintSHA256)"
                        : "rolecall login --issuer \(listening.url) --user NAME"
                    StandardIO.out("""
                    rolecall issuer: serving \(listening.url) (database \(location.shownDatabase))
                    TLS certificate SHA-256 (\(listening.selfSigned ? "self-signed, kept in the database" : "from --tls-cert")): \(listening.fingerprintSHA256)
                    Clients: \(clients)
                    Web console: \(listening.url)/ui/

                    """)
                }
                try await database.close()
            } catch {
                try? await database.close()
                throw error
            }
        }
    }
}

/// `HOST:PORT`, `[V6]:PORT`.
struct ListenAddress {
    let host: String
    let port: Int

    init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        self.host = host
        self.port = port
    }
}
