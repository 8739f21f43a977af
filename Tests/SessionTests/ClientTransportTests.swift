import Foundation
import HTTPSTransport
import Issuance
import RolesAnywhere
import Synchronization
import TestSupport
import Testing

/// The client's own transport (SwiftNIO's HTTP/1.1 codec and NIOSSL): the certificate's name is
/// checked, a proxy carries https through CONNECT, an unreachable server fails fast and plainly,
/// a slow one is announced, a prepared connection carries the request.
@Suite(.removesTemporaryFiles) struct ClientTransportTests {
    /// `Tests/Python/tls_server.py` with a certificate for `names` from a fresh test CA, and that CA.
    struct TLSServer {
        let process: BackgroundProcess
        let port: Int
        let rootPEM: String

        /// A transport that trusts the test CA (as the team issuer's pin does). 10 s to connect, not
        /// the product's 3: a full parallel run on two cores can hold a loopback handshake that long.
        func transport(environment: [String: String] = [:]) throws -> any HTTPTransport {
            try IssuerTLS.transport(pinnedCertificatePEM: rootPEM, connectTimeout: .seconds(10), environment: environment)
        }
    }

    static func tlsServer(names: [String]) async throws -> TLSServer {
        let directory = try Paths.temporaryDirectory()
        let pki = try TestPKI.make()
        let (certificate, key) = try pki.server(names: names)
        try certificate.write(toFile: directory + "/server.pem", atomically: true, encoding: .utf8)
        try key.write(toFile: directory + "/server.key", atomically: true, encoding: .utf8)
        let process = try BackgroundProcess(Paths.python, ["\(Paths.packageRoot)/Tests/Python/tls_server.py", directory + "/server.pem", directory + "/server.key"],
                                            environment: InheritedEnvironment.variables, directory: directory)
        return TLSServer(process: process, port: try await port(of: process), rootPEM: try pki.root.certificate.serializeAsPEM().pemString)
    }

    /// The port a test server prints first.
    static func port(of process: BackgroundProcess) async throws -> Int {
        let line = try await process.waitForOutput(matching: "^[0-9]+")
        return try #require(line.flatMap { Int($0) }, "\(process.errors)")
    }

    static func get(_ transport: any HTTPTransport, _ url: String) async throws -> TransportResponse {
        try await transport.send(TransportRequest(method: "GET", url: url, headers: [], body: []))
    }

    @Test func aCertificateForTheHostNameOrForItsAddressIsAccepted() async throws {
        let server = try await Self.tlsServer(names: ["localhost", "127.0.0.1"])
        let transport = try server.transport()
        #expect(try await Self.get(transport, "https://localhost:\(server.port)/").status == 200)
        #expect(try await Self.get(transport, "https://127.0.0.1:\(server.port)/").status == 200)
    }

    /// Valid, from a CA the client trusts, but for another name: refused before the request leaves.
    /// A host name is checked against the certificate's names only, even when the certificate
    /// names the address connected to (which NIOSSL alone would accept); an IP literal, which gets
    /// no SNI, against its addresses only.
    @Test(arguments: [(host: "localhost", names: ["other.example", "127.0.0.1"]), (host: "127.0.0.1", names: ["localhost", "10.9.9.9"])])
    func aValidCertificateForAnotherNameIsRefused(host: String, names: [String]) async throws {
        let server = try await Self.tlsServer(names: names)
        let error = await #expect(throws: TransportError.self) { try await Self.get(try server.transport(), "https://\(host):\(server.port)/") }
        #expect(error?.code == .untrustedCertificate, "\(String(describing: error))")
        #expect(error?.reason == "the server's TLS certificate is not for \(host)")
        #expect(error?.neverSent == true)
    }

    /// `prepare` connects and finishes TLS; the request then goes over that connection, not a new one.
    @Test func aPreparedConnectionCarriesTheNextRequest() async throws {
        let server = try await Self.tlsServer(names: ["localhost"])
        let transport = try server.transport()
        try await transport.prepare("https://localhost:\(server.port)/sessions")
        let answer = try await transport.send(TransportRequest(method: "POST", url: "https://localhost:\(server.port)/sessions", headers: [], body: Array("{}".utf8)))
        #expect(answer.status == 200)
        let count = try await Self.get(transport, "https://localhost:\(server.port)/connections")
        #expect(String(decoding: count.body, as: UTF8.self) == "2", "the prepared connection and this one, no third")
    }

    /// The proxy records the CONNECT target and tunnels every target to loopback; the name does not
    /// resolve, so only the proxy can have reached it. NO_PROXY sends it direct (and it fails to
    /// resolve); loopback never goes through the proxy.
    @Test func httpsProxyCarriesTheRequestThroughCONNECT() async throws {
        let server = try await Self.tlsServer(names: ["sts.rolecall.invalid", "127.0.0.1"])
        let directory = try Paths.temporaryDirectory()
        let proxy = try BackgroundProcess(Paths.python, ["\(Paths.packageRoot)/Tests/Python/connect_proxy.py"], environment: InheritedEnvironment.variables,
                                          directory: directory)
        let proxyPort = try await Self.port(of: proxy)
        let environment = ["HTTPS_PROXY": "http://127.0.0.1:\(proxyPort)"]
        let url = "https://sts.rolecall.invalid:\(server.port)/"

        #expect(try await Self.get(try server.transport(environment: environment), url).status == 200)
        #expect(try await proxy.waitForOutput(matching: "CONNECT sts.rolecall.invalid:\(server.port)") != nil, "\(proxy.output)")

        let direct = try server.transport(environment: environment.merging(["NO_PROXY": "localhost,.rolecall.invalid"]) { $1 })
        let error = await #expect(throws: TransportError.self) { try await Self.get(direct, url) }
        #expect(error?.reason == "no address found for sts.rolecall.invalid", "\(String(describing: error))")

        #expect(try await Self.get(try server.transport(environment: environment), "https://127.0.0.1:\(server.port)/").status == 200)
        #expect(proxy.output.components(separatedBy: "CONNECT").count == 2, "one tunnel only: \(proxy.output)")

        // A user and password in the URL (percent-encoded there) go as Basic credentials.
        let withCredentials = ["https_proxy": "http://ci-bot:p%40ss%3Aword@127.0.0.1:\(proxyPort)"]
        #expect(try await Self.get(try server.transport(environment: withCredentials), url).status == 200)
        #expect(try await proxy.waitForOutput(matching: "AUTH ci-bot:p@ss:word") != nil, "\(proxy.output)")
    }

    /// The choice, cross-checked with Python's urllib, which the aws CLI asks.
    @Test func theProxyChoiceIsTheAWSCLIs() async throws {
        let proxy = "http://proxy.corp:3128"
        let cases: [(environment: [String: String], host: String)] = [
            (["HTTPS_PROXY": proxy], "sts.amazonaws.com"),
            (["https_proxy": proxy, "HTTPS_PROXY": "http://other:1"], "sts.amazonaws.com"),
            (["https_proxy": "", "HTTPS_PROXY": proxy], "sts.amazonaws.com"),
            (["HTTP_PROXY": proxy], "sts.amazonaws.com"),
            (["HTTPS_PROXY": proxy, "NO_PROXY": "amazonaws.com"], "sts.amazonaws.com"),
            (["HTTPS_PROXY": proxy, "NO_PROXY": ".amazonaws.com"], "amazonaws.com"),
            (["HTTPS_PROXY": proxy, "NO_PROXY": "amazonaws.com"], "notamazonaws.com"),
            (["HTTPS_PROXY": proxy, "NO_PROXY": " example.com , AMAZONAWS.COM "], "sts.us-east-1.amazonaws.com"),
            (["HTTPS_PROXY": proxy, "NO_PROXY": "*"], "sts.amazonaws.com"),
            (["HTTPS_PROXY": proxy, "NO_PROXY": "*.amazonaws.com"], "sts.amazonaws.com"),
            (["HTTPS_PROXY": proxy, "no_proxy": "", "NO_PROXY": "amazonaws.com"], "sts.amazonaws.com"),
            (["HTTPS_PROXY": proxy, "no_proxy": "example.com", "NO_PROXY": "amazonaws.com"], "sts.amazonaws.com"),
        ]
        let input = try JSONSerialization.data(withJSONObject: cases.map { ["environment": $0.environment, "netloc": $0.host] })
        let outcome = try await ProcessRunner.run(Paths.python, ["\(Paths.packageRoot)/Tests/Python/proxy_choice.py"], input: String(decoding: input, as: UTF8.self))
        let python = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [Any], "\(outcome.stderr)")
        #expect(python.count == cases.count)
        for (index, (environment, host)) in cases.enumerated() {
            let ours = try ProxyChoice.proxy(forHost: host, port: 443, environment: environment).map { "http://\($0.authority)" }
            #expect(ours == python[index] as? String, "\(environment) \(host)")
        }
        // Where rolecall parts from the CLI: loopback is never proxied, even without NO_PROXY.
        for host in ["127.0.0.1", "127.8.9.10", "::1", "localhost"] {
            #expect(try ProxyChoice.proxy(forHost: host, port: 443, environment: ["HTTPS_PROXY": proxy]) == nil)
        }
    }

    /// Issue 24: a closed port is reported as refused (not waited on until a timeout), in words,
    /// and as never sent. How long `exec` takes is measured on the built client
    /// (`UnreachableEndpointCommandTests`): in this process, a full parallel run's blocked tasks
    /// have delayed any await by 20 s.
    @Test func aClosedPortIsRefusedPlainly() async throws {
        let error = await #expect(throws: TransportError.self) { try await Self.get(ClientTransport.make(), "http://127.0.0.1:9/sessions") }
        #expect(error?.reason == "connection refused", "\(String(describing: error))")
        #expect(error?.neverSent == true)
    }

    final class Lines: Sendable {
        let said = Mutex<[String]>([])
        func append(_ line: String) { said.withLock { $0.append(line) } }
        var all: [String] { said.withLock { $0 } }
    }

    /// A server that keeps the command waiting is named once, after the delay; a quick one is not.
    @Test func aSlowServerIsAnnouncedOnce() async throws {
        let server = try HostileServer.start()
        defer { server.stop() }
        func transport(_ lines: Lines, after delay: Duration) -> NIOClientTransport {
            var configuration = NIOClientTransport.Configuration(deadline: .seconds(2), progress: { lines.append($0) })
            configuration.progressDelay = delay
            return NIOClientTransport(configuration)
        }
        let quick = Lines()
        _ = try await Self.get(transport(quick, after: .seconds(10)), "http://127.0.0.1:\(server.port)/count")
        #expect(quick.all.isEmpty)
        let slow = Lines()
        let error = await #expect(throws: TransportError.self) {
            try await transport(slow, after: .milliseconds(300)).send(TransportRequest(method: "POST", url: "http://127.0.0.1:\(server.port)/slow/sessions", headers: [], body: []))
        }
        #expect(error?.code == .timedOut)
        #expect(slow.all == ["rolecall: waiting for 127.0.0.1:\(server.port)…"])
    }
}
