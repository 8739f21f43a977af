import AsyncHTTPClient
import Foundation
import HTTPSTransport
import Issuance
import IssuanceCore
import Logging
import RolesAnywhere

/// A bounded loopback load test of the team issuer: an issuer set up in this process on the
/// database given, one login, then `--clients` clients asking for certificates for `--seconds`.
@main
enum IssuerLoad {
    static func main() async {
        let options: LoadOptions
        do {
            options = try LoadOptions(arguments: Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
        } catch {
            say("\(error)\n\(LoadOptions.usage)")
            exit(2)
        }
        do {
            try await run(options)
        } catch {
            say(printableExcerpt(String(describing: error), limit: 600))
            exit(1)
        }
    }

    static func run(_ options: LoadOptions) async throws {
        let home = try privateDirectory()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let issuer: LoadIssuer?
        let (urls, fingerprint, password, totpSeed): ([String], String, SecretBytes, SecretBytes)
        if options.issuers.isEmpty {
            let started = try await LoadIssuer.start(databaseURL: options.database, home: home, replicas: options.replicas,
                                                     logger: logger(.error), serverLogger: logger(.critical))
            issuer = started
            (urls, fingerprint, password, totpSeed) = (started.urls, started.fingerprint, started.password, started.totpSeed)
        } else {
            let environment = ProcessInfo.processInfo.environment
            guard let given = environment["ROLECALL_LOAD_PASSWORD"], let uri = environment["ROLECALL_LOAD_TOTP_URI"] else {
                throw UsageError("--issuer needs ROLECALL_LOAD_PASSWORD and ROLECALL_LOAD_TOTP_URI (from `rolecall-issuer user add load --json`)")
            }
            issuer = nil
            (urls, fingerprint, password, totpSeed) = (options.issuers, options.pinSHA256, SecretBytes(given), try OTPAuthURI(parsing: uri).secret)
        }
        let outcome = await Result {
            let pinned = try await IssuerTLS.pinnedCertificate(urls: urls, expected: fingerprint)
            let http = try LoadClients.httpClient(pinnedCertificatePEM: pinned, clients: options.clients + options.loginClients + options.flood)
            let measured = await Result {
                let transport = PooledTransport(client: http)
                let (login, newPassword) = try await LoadClients.logIn(urls: urls, password: password, totpSeed: totpSeed, transport: transport,
                                                                       pinnedCertificatePEM: pinned)
                let outcome = await LoadClients(login: login, transport: transport, clients: options.clients, password: newPassword,
                                                loginClients: options.loginClients, flood: options.flood).run(seconds: options.seconds)
                let (warmUp, timed) = (outcome.warmUp, outcome.timed)
                for (kind, message) in timed.examples.merging(warmUp.examples, uniquingKeysWith: { first, _ in first })
                    .merging(outcome.logins.examples, uniquingKeysWith: { first, _ in first }).sorted(by: { $0.key < $1.key }) {
                    say("first \(kind) error: \(message)")
                }
                if let path = options.eventsPath { try writeEvents((warmUp.events + timed.events).sorted { $0.time < $1.time }, to: path) }
                return LoadReport(options: options, outcome: outcome)
            }
            try await http.shutdown()
            return try measured.get()
        }
        await issuer?.stop()
        let report = try outcome.get()
        print(try report.jsonLine())
        say(report.humanLine)
        say("note: " + LoadReport.notes)
    }

    /// To standard error. The service and the database log at `.error` what made a request fail;
    /// the HTTP server's log stays quiet (it reports cancelled connections when the test stops).
    static func logger(_ level: Logger.Level) -> Logger {
        var logger = Logger(label: "rolecall-issuer-load", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = level
        return logger
    }

    /// One JSON object per line.
    static func writeEvents(_ events: [LoadTally.Event], to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var text = Data()
        for event in events {
            text.append(try encoder.encode(event))
            text.append(0x0A)
        }
        try text.write(to: URL(fileURLWithPath: path))
    }

    /// A 0700 directory for the issuer key.
    static func privateDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "rolecall-issuer-load-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return path
    }

    static func say(_ text: String) {
        FileHandle.standardError.write(Data("rolecall-issuer-load: \(text)\n".utf8))
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
