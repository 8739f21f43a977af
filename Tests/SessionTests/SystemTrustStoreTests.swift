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

    /// A bundle of `count` certificates (their BEGIN and END lines are all that is counted).
    func bundle(of count: Int) throws -> String {
        let path = try Paths.temporaryDirectory() + "/bundle-\(UUID().uuidString).crt"
        let certificate = "# a CA\n-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
        try String(repeating: certificate, count: count).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func store(_ directories: [String], _ bundles: [String]) -> SystemTrustStore {
        var store = SystemTrustStore()
        store.directories = directories
        store.bundles = bundles
        return store
    }

    @Test func theFirstDirectoryNamingEveryBundledCAIsChosen() throws {
        let unhashed = try directory(holding: ["ca-certificates.crt", "README", "0a1b2c3d.pem", "0a1b2c3g.0", "0A1B2C3D.0", "0a1b2c3d.r0", "0a1b2c3d."])
        let hashed = try directory(holding: ["0a1b2c3d.0", "9f8e7d6c.0", "9f8e7d6c.1"])
        #expect(store([unhashed, hashed], [try bundle(of: 3)]).trustRoots() == .file(hashed))
    }

    /// A CA appended to the bundle alone (as a container's build may do) is not in the directory:
    /// the bundle, NIOSSL's default, stays.
    @Test func aBundleWithMoreCAsThanTheDirectoryKeepsNIOSSLsDefault() throws {
        let hashed = try directory(holding: ["0a1b2c3d.0", "9f8e7d6c.0"])
        #expect(store([hashed], [try bundle(of: 3)]).trustRoots() == .default)
        #expect(store([hashed], ["/nonexistent/bundle.crt", try bundle(of: 2)]).trustRoots() == .file(hashed))
    }

    @Test func withoutAHashedDirectoryNIOSSLsDefaultStays() throws {
        let unhashed = try directory(holding: ["ca-certificates.crt"])
        #expect(store([unhashed, unhashed + "/missing"], []).trustRoots() == .default)
    }

    /// Only a configuration without roots of its own gets the system's; a pinned one keeps its pin.
    @Test func onlyAConfigurationWithoutRootsIsResolved() throws {
        let hashed = try directory(holding: ["0a1b2c3d.0"])
        let system = store([hashed], [])
        var configuration = TLSConfiguration.makeClientConfiguration()
        #expect(system.resolving(configuration).trustRoots == .file(hashed))
        configuration.trustRoots = nil
        #expect(system.resolving(configuration).trustRoots == .file(hashed))
        configuration.trustRoots = .file("/pinned.pem")
        #expect(system.resolving(configuration).trustRoots == .file("/pinned.pem"))
    }

    /// On this machine the system's bundle is reached through the directory: each of its CAs is
    /// there under the name `openssl x509 -hash` (OpenSSL's code, not BoringSSL's) gives it.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/etc/ssl/certs/ca-certificates.crt")))
    func everyCAOfTheSystemsBundleIsInTheChosenDirectory() async throws {
        guard case .file(let directory) = SystemTrustStore().trustRoots() else {
            Issue.record("the system's CAs are not read from a hashed directory here")
            return
        }
        let bundle = try String(contentsOfFile: "/etc/ssl/certs/ca-certificates.crt", encoding: .utf8)
        let certificates = bundle.components(separatedBy: "-----END CERTIFICATE-----\n").filter { $0.contains("-----BEGIN CERTIFICATE-----") }
            .map { String($0[$0.range(of: "-----BEGIN CERTIFICATE-----")!.lowerBound...]) + "-----END CERTIFICATE-----\n" }
        #expect(certificates.count > 100)
        func body(_ pem: String) -> String { pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined() }
        for certificate in certificates {
            let hash = try await ProcessRunner.run("bash", ["-c", "openssl x509 -hash -noout <<< \"$0\"", certificate])
            try #require(hash.status == 0, "\(hash.stderr)")
            let name = hash.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let found = (0..<10).contains { index in
                (try? String(contentsOfFile: "\(directory)/\(name).\(index)", encoding: .utf8)).map { body($0) == body(certificate) } ?? false
            }
            #expect(found, "\(name): not in \(directory)")
        }
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
