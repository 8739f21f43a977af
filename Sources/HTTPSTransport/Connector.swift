import NIOCore
import NIOExtras
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOTLS
import RolesAnywhere
import Synchronization

/// Makes a connection ready for a request: TCP (to the proxy, if one applies), the proxy's
/// CONNECT tunnel, the TLS handshake with the host name checked; all within `connectTimeout`.
/// Every failure here is `neverSent`: no byte of the request has left.
struct Connector: Sendable {
    let configuration: NIOClientTransport.Configuration
    private let tlsContext = LazyTLSContext()

    /// Whether the certificate's name is checked (by `ServerName`, after the handshake); off only
    /// where verification itself is off (the pin fetch, whose answer is checked against a fingerprint).
    private let checksName: Bool

    init(configuration: NIOClientTransport.Configuration) {
        var configuration = configuration
        checksName = configuration.tls.certificateVerification == .fullVerification
        if checksName { configuration.tls.certificateVerification = .noHostnameVerification }
        self.configuration = configuration
    }

    func connect(_ target: Target) async throws -> any Channel {
        let proxy = try ProxyChoice.proxy(for: target, environment: configuration.environment)
        let deadline = NIODeadline.now() + TimeAmount(configuration.connectTimeout)
        let failure = ConnectFailure(target: target, proxy: proxy, timeout: configuration.connectTimeout)
        let channel: any Channel
        let (host, port) = (proxy?.host ?? target.host, proxy?.port ?? target.port)
        let bootstrap = ClientBootstrap(group: NIOClientTransport.eventLoops).connectTimeout(TimeAmount(configuration.connectTimeout))
        do {
            // An address needs no resolver (whose lookups queue behind one another).
            if let address = try? SocketAddress(ipAddress: host, port: port) {
                channel = try await bootstrap.connect(to: address).get()
            } else {
                channel = try await bootstrap.connect(host: host, port: port).get()
            }
        } catch {
            throw failure.describe(error)
        }
        do {
            if let proxy { try await tunnel(channel, to: target, through: proxy, deadline: deadline) }
            if target.isTLS { try await handshake(channel, with: target, deadline: deadline) }
            return channel
        } catch {
            channel.close(promise: nil)
            throw NIODeadline.now() >= deadline ? failure.timedOut : failure.describe(error)
        }
    }

    /// CONNECT through the proxy; its HTTP codec leaves the pipeline once the tunnel stands.
    private func tunnel(_ channel: any Channel, to target: Target, through proxy: ProxyChoice.Proxy, deadline: NIODeadline) async throws {
        var headers = HTTPHeaders([("Host", target.authority)])
        if let authorization = proxy.authorization { headers.add(name: "Proxy-Authorization", value: authorization) }
        try await channel.eventLoop.flatSubmit { [headers] () -> EventLoopFuture<Void> in
            let established = channel.eventLoop.makePromise(of: Void.self)
            let connect = NIOHTTP1ProxyConnectHandler(targetHost: target.host.contains(":") ? "[\(target.host)]" : target.host, targetPort: target.port,
                                                      headers: headers, deadline: deadline, promise: established)
            do {
                let pipeline = channel.pipeline.syncOperations
                try pipeline.addHandler(HTTPRequestEncoder(), name: Self.proxyEncoder)
                try pipeline.addHandler(ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .dropBytes)), name: Self.proxyDecoder)
                try pipeline.addHandler(connect)
            } catch {
                return channel.eventLoop.makeFailedFuture(error)
            }
            // The CONNECT handler removes itself; the codec is for the proxy only.
            return established.futureResult.flatMap {
                channel.pipeline.removeHandler(name: Self.proxyEncoder).and(channel.pipeline.removeHandler(name: Self.proxyDecoder)).map { _ in }
            }
        }.get()
    }

    private static let proxyEncoder = "rolecall-proxy-encoder"
    private static let proxyDecoder = "rolecall-proxy-decoder"

    /// TLS: the chain verified by BoringSSL, SNI for a host name (an IP literal gets none), then
    /// the certificate's name against the URL's host.
    private func handshake(_ channel: any Channel, with target: Target, deadline: NIODeadline) async throws {
        let context = try tlsContext.get(configuration.tls)
        let serverHostname: String? = target.isIPAddress ? nil : target.host
        try await channel.eventLoop.flatSubmit {
            let done = channel.eventLoop.makePromise(of: Void.self)
            let timeout = channel.eventLoop.scheduleTask(deadline: deadline) { channel.close(promise: nil) }
            do {
                let tls = try NIOSSLClientHandler(context: context, serverHostname: serverHostname)
                try channel.pipeline.syncOperations.addHandlers([tls, HandshakeWaiter(done)])
            } catch {
                done.fail(error)
            }
            done.futureResult.whenComplete { _ in timeout.cancel() }
            return done.futureResult
        }.get()
        guard checksName else { return }
        guard let peer = try await channel.nioSSL_peerCertificate().get(), await ServerName.matches(peer, target) else {
            throw TransportError("the server's TLS certificate is not for \(target.host)", code: .untrustedCertificate, neverSent: true)
        }
    }
}

/// The TLS context, made on first use: loading the trust store costs, and most commands never connect.
/// Without trust roots of its own, it trusts the system's CAs as `SystemTrustStore` finds them.
final class LazyTLSContext: Sendable {
    private let context = Mutex<NIOSSLContext?>(nil)

    func get(_ configuration: TLSConfiguration) throws -> NIOSSLContext {
        try context.withLock { made in
            if let made { return made }
            let new = try NIOSSLContext(configuration: SystemTrustStore().resolving(configuration))
            made = new
            return new
        }
    }
}

/// Succeeds when the TLS handshake completes; fails with what ended it otherwise. Removes itself.
final class HandshakeWaiter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    private var promise: EventLoopPromise<Void>?

    init(_ promise: EventLoopPromise<Void>) { self.promise = promise }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event {
            finish(.success(()))
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(.failure(error))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.failure(ChannelError.eof))
        context.fireChannelInactive()
    }

    private func finish(_ result: Result<Void, any Error>) {
        promise?.completeWith(result)
        promise = nil
    }
}
