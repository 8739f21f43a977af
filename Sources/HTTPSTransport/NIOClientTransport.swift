import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import RolesAnywhere

/// The client's transport: one connection per exchange on SwiftNIO's HTTP/1.1 codec and NIOSSL.
/// Answers are bounded in size; one deadline covers the head and the whole body; a redirect is an
/// error, never followed; the host name is checked against the certificate (NIOSSL checks the
/// address of an IP literal); `HTTPS_PROXY` is honoured for https URLs, loopback never proxied.
public struct NIOClientTransport: HTTPTransport {
    public struct Configuration: Sendable {
        public var tls: TLSConfiguration
        /// From sending the request to the last byte of the answer.
        public var deadline: Duration
        /// Connecting, the proxy's tunnel and the TLS handshake together; separate from `deadline`,
        /// so an unreachable server is reported in seconds.
        public var connectTimeout: Duration
        /// Where `HTTPS_PROXY`, `https_proxy` and `NO_PROXY` are read (the command's environment).
        public var environment: [String: String]
        /// Told once, after `progressDelay`, that the exchange is still waiting (standard error).
        public var progress: (@Sendable (String) -> Void)?
        public var progressDelay: Duration = .seconds(2)

        public init(tls: TLSConfiguration = .makeClientConfiguration(), deadline: Duration = NIOClientTransport.defaultDeadline,
                    connectTimeout: Duration = NIOClientTransport.defaultConnectTimeout, environment: [String: String] = [:],
                    progress: (@Sendable (String) -> Void)? = nil) {
            self.tls = tls
            self.deadline = deadline
            self.connectTimeout = connectTimeout
            self.environment = environment
            self.progress = progress
        }
    }

    /// CreateSession answers are a few KiB; anything far larger is not AWS.
    public static let maximumResponseBytes = 1 << 20
    public static let defaultDeadline: Duration = .seconds(30)
    public static let defaultConnectTimeout: Duration = .seconds(5)

    /// NIO's shared event loops (one thread a core, started by the first use, so a command that
    /// connects nowhere starts none) serve every connection of the process. One thread of its own
    /// did TLS handshakes one after another, and a busy process (a supervisor's refreshes beside its
    /// endpoint, the test suite's many clients) waited past its connect timeout.
    static let eventLoops = MultiThreadedEventLoopGroup.singleton

    let configuration: Configuration
    private let connector: Connector
    private let prepared = PreparedConnections()

    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
        connector = Connector(configuration: configuration)
    }

    public func prepare(_ url: String) async throws {
        let target = try Target(url)
        let channel = try await reportingProgress(for: target) { try await connector.connect(target) }
        prepared.park(channel, for: target.origin)
    }

    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        let target = try Target(request.url)
        return try await reportingProgress(for: target) {
            let channel = if let ready = prepared.take(target.origin) { ready } else { try await connector.connect(target) }
            return try await Exchange.run(request, target: target, on: channel, deadline: configuration.deadline)
        }
    }

    /// `operation`'s result; if it is still running after `progressDelay`, one line says what it waits for.
    private func reportingProgress<T: Sendable>(for target: Target, _ operation: () async throws -> T) async throws -> T {
        guard let progress = configuration.progress else { return try await operation() }
        let waiting = "rolecall: waiting for \(target.authority)…"
        // A timer on the event loops the exchange runs on anyway: a sleeping task would cost every
        // command that connects a scheduler lookup and a thread's wake-up (BENCHMARKS.md). The line
        // itself is written off the loop, which a blocked standard error must not stall.
        let reporter = Self.eventLoops.next().scheduleTask(in: TimeAmount(configuration.progressDelay)) { Task { progress(waiting) } }
        defer { reporter.cancel() }
        return try await operation()
    }
}
