import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdServing
import HummingbirdTLS
import IssuerProtocol
import Logging
import NIOCore
import NIOHTTPTypes
import NIOSSL
import ServerConnections
import RolesAnywhere
import X509

/// `rolecall issuer serve`: the service over TLS until SIGTERM or SIGINT.
public struct IssuerHTTPServer: Sendable {
    /// `--tls-cert` and `--tls-key`: PEM files; without them the server's own self-signed
    /// certificate (made once, kept sealed in the database) is used.
    public struct TLSFiles: Sendable {
        public var certificatePath: String
        public var keyPath: String
        public init(certificatePath: String, keyPath: String) {
            self.certificatePath = certificatePath
            self.keyPath = keyPath
        }
    }

    /// What `onListening` is told.
    public struct Listening: Sendable {
        public let url: String
        public let fingerprintSHA256: String
        public let selfSigned: Bool
    }

    let service: IssuerService
    let host: String
    let port: Int
    let tlsFiles: TLSFiles?
    /// More host names or addresses for the self-signed certificate (the one a load balancer or
    /// other replicas are reached by). They count when the certificate is first made.
    let tlsNames: [String]
    /// Open connections per source address (`SourceAddress`); beyond it new ones are closed at once.
    let connectionsPerSource: Int
    let logger: Logger

    public static let defaultConnectionsPerSource = 64

    public init(service: IssuerService, host: String, port: Int, tlsFiles: TLSFiles?, tlsNames: [String] = [],
                connectionsPerSource: Int = defaultConnectionsPerSource, logger: Logger) {
        self.service = service
        self.host = host
        self.port = port
        self.tlsFiles = tlsFiles
        self.tlsNames = tlsNames
        self.connectionsPerSource = connectionsPerSource
        self.logger = logger
    }

    /// Serves until SIGTERM/SIGINT (when `handleSignals`) or until the task is cancelled.
    public func run(handleSignals: Bool, onListening: @escaping @Sendable (Listening) async -> Void) async throws {
        let (tls, certificatePEM, selfSigned) = try await tlsConfiguration()
        let fingerprint = CertificateFingerprint.sha256(der: try Certificate(pemEncoded: certificatePEM).derBytes())
        let host = self.host
        let connections = ConnectionCounts(cap: connectionsPerSource)
        let http1 = HTTP1Channel.Configuration(additionalChannelHandlers: [ConnectionCapHandler(counts: connections), Self.requestDeadline()],
                                               idleTimeout: .seconds(30),
                                               httpDecoderConfiguration: .init(maxHeaderFieldSize: 16 << 10, maxHeaderListSize: 16 << 10,
                                                                               maxHeaderFieldCount: 100))
        let app = Application(
            router: IssuerRoutes.router(service: service, serverCertificatePEM: certificatePEM),
            // A request must arrive whole within 10 s of the connection opening or of the previous
            // answer, so clients trickling bytes cannot hold every connection open; headers are
            // bounded like bodies (64 KiB, IssuerRoutes). Each source holds at most
            // `connectionsPerSource` connections. One accepted as the server stops is closed, not
            // dropped (`closingUnserved`).
            server: .closingUnserved { responder in
                try TLSChannel(HTTP1Channel(responder: responder, configuration: http1), tlsConfiguration: tls)
            },
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                let shown = host.contains(":") ? "[\(host)]" : host
                await onListening(Listening(url: "https://\(shown):\(channel.localAddress?.port ?? 0)", fingerprintSHA256: fingerprint, selfSigned: selfSigned))
            },
            logger: logger
        )
        if handleSignals {
            try await app.runService()
        } else {
            try await app.run()
        }
    }

    static func requestDeadline() -> RequestDeadlineHandler<HTTPRequestPart, HTTPResponsePart> {
        RequestDeadlineHandler(limit: RequestDeadline.standard, parts: .init(
            isRequestEnd: { if case .end = $0 { true } else { false } },
            isResponseEnd: { if case .end = $0 { true } else { false } },
            bodyBytes: { if case .body(let bytes) = $0 { bytes.readableBytes } else { 0 } }
        ))
    }

    private func tlsConfiguration() async throws -> (TLSConfiguration, String, Bool) {
        var (tls, pem, selfSigned) = try await presentedIdentity()
        tls.minimumTLSVersion = .tlsv12
        return (tls, pem, selfSigned)
    }

    private func presentedIdentity() async throws -> (TLSConfiguration, String, Bool) {
        if let tlsFiles {
            do {
                let chain = try NIOSSLCertificate.fromPEMFile(tlsFiles.certificatePath)
                guard let leaf = chain.first else { throw IssuerError.tlsNoCertificate(tlsFiles.certificatePath) }
                let key = try NIOSSLPrivateKey(file: tlsFiles.keyPath, format: .pem)
                let leafPEM = try Certificate(derEncoded: try leaf.toDERBytes()).serializeAsPEM().pemString
                return (.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key)), leafPEM, false)
            } catch let error as IssuerError {
                throw error
            } catch {
                throw IssuerError.tlsFilesUnusable(certificate: tlsFiles.certificatePath, key: tlsFiles.keyPath, error)
            }
        }
        // TLS clients check validity against the real time, whatever clock the service decides by.
        let identity = try await service.vault.tlsIdentity(hosts: [host] + tlsNames, now: Date())
        defer { identity.keyPEM.wipe() }
        if identity.renewed {
            logger.warning("the self-signed TLS certificate was near its end and has been renewed: clients must run `rolecall login` again with the new --pin-sha256")
        }
        let certificate = try NIOSSLCertificate(bytes: Array(identity.certificatePEM.utf8), format: .pem)
        let key = try identity.keyPEM.withUnsafeBytes { try NIOSSLPrivateKey(bytes: Array($0), format: .pem) }
        return (.makeServerConfiguration(certificateChain: [.certificate(certificate)], privateKey: .privateKey(key)), identity.certificatePEM, true)
    }
}
