import Foundation
import HTTPSTransport
import NIOSSL
import RolesAnywhere
import TestSupport
import Testing

/// The client's trust in the system's CAs: a hashed directory, read as a chain needs it, where one
/// is; NIOSSL's default (the whole bundle) elsewhere.
@Suite(.removesTemporaryFiles) struct SystemTrustStoreTests {
    /// A directory of `name`s (empty files) in a fresh temporary directory.
    func directory(holding names: [String]) throws -> String {
        let directory = try Paths.temporaryDirectory() + "/certs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for name in names { try Data().write(to: URL(fileURLWithPath: directory + "/" + name)) }
        return directory
    }

    @Test func theFirstDirectoryWithAHashedNameIsChosen() throws {
        let bundleOnly = try directory(holding: ["ca-certificates.crt", "README", "0a1b2c3d.pem", "0a1b2c3g.0"])
        let hashed = try directory(holding: ["ca-certificates.crt", "0a1b2c3d.0"])
        #expect(SystemTrustStore.trustRoots(searching: [bundleOnly, hashed]) == .file(hashed))
    }

    @Test func withoutAHashedDirectoryNIOSSLsDefaultStays() throws {
        let bundleOnly = try directory(holding: ["ca-certificates.crt"])
        #expect(SystemTrustStore.trustRoots(searching: [bundleOnly, bundleOnly + "/missing"]) == .default)
    }

    /// The directory is looked up by the subject hash that `openssl x509 -hash` (OpenSSL's, not
    /// BoringSSL's code) names the test CA with: a server with a certificate from that CA is
    /// trusted; with the CA under another name, the same server is not.
    @Test(arguments: [true, false])
    func aCAIsFoundUnderItsOpenSSLHash(underItsHash: Bool) async throws {
        let server = try await ClientTransportTests.tlsServer(names: ["localhost"])
        let hash = try await ProcessRunner.run("bash", ["-c", "openssl x509 -hash -noout <<< \"$0\"", server.rootPEM])
        try #require(hash.status == 0, "\(hash.stderr)")
        let name = underItsHash ? hash.stdout.trimmingCharacters(in: .whitespacesAndNewlines) + ".0" : "00000000.0"
        let directory = try directory(holding: [])
        try server.rootPEM.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
        var configuration = NIOClientTransport.Configuration(connectTimeout: .seconds(10))
        configuration.tls.trustRoots = .file(directory)
        let transport = NIOClientTransport(configuration)
        if underItsHash {
            #expect(try await ClientTransportTests.get(transport, "https://localhost:\(server.port)/").status == 200)
        } else {
            let error = await #expect(throws: TransportError.self) { try await ClientTransportTests.get(transport, "https://localhost:\(server.port)/") }
            #expect(error?.code == .untrustedCertificate, "\(String(describing: error))")
        }
    }

    /// With no roots of its own the client trusts the system's CAs, which do not include the test CA.
    @Test func theSystemsCAsDoNotTrustATestCA() async throws {
        let server = try await ClientTransportTests.tlsServer(names: ["localhost"])
        let transport = NIOClientTransport(.init(connectTimeout: .seconds(10)))
        let error = await #expect(throws: TransportError.self) { try await ClientTransportTests.get(transport, "https://localhost:\(server.port)/") }
        #expect(error?.code == .untrustedCertificate, "\(String(describing: error))")
    }
}
