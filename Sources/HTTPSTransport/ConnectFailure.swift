#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOExtras
import NIOPosix
import NIOSSL
import RolesAnywhere

/// What went wrong while connecting, said in a few words (no errno, no BoringSSL dump): the
/// caller puts it in one sentence with what was tried and what to check. Always `neverSent`.
struct ConnectFailure: Sendable {
    let target: Target
    let proxy: ProxyChoice.Proxy?
    let timeout: Duration

    var timedOut: TransportError {
        let through = proxy.map { " through the proxy \($0.authority)" } ?? ""
        return TransportError("no connection to \(target.authority)\(through) within \(timeout.components.seconds) s", code: .timedOut, neverSent: true)
    }

    func describe(_ error: any Error) -> TransportError {
        switch error {
        case let error as TransportError: error
        case ChannelError.connectTimeout: timedOut
        case let error as NIOConnectionError: socket(error)
        case let error as IOError: failed(Self.text(errno: error.errnoCode))
        case NIOSSLError.handshakeFailed where "\(error)".contains("CERTIFICATE_VERIFY_FAILED"):
            .untrustedCertificate
        case is NIOSSLError, is NIOSSLExtraError:
            TransportError("the TLS handshake with \(target.authority) failed", neverSent: true)
        case let error as NIOHTTP1ProxyConnectHandler.Error:
            proxyRefusal(error)
        case ChannelError.eof, ChannelError.ioOnClosedChannel:
            TransportError("\(target.authority) closed the connection before TLS was set up", neverSent: true)
        default:
            TransportError("could not connect (\(type(of: error)))", neverSent: true)
        }
    }

    /// Name resolution found nothing, or every address failed.
    private func socket(_ error: NIOConnectionError) -> TransportError {
        guard let first = error.connectionErrors.first?.error else {
            let name = proxy.map { "the proxy \($0.host)" } ?? target.host
            return TransportError("no address found for \(name)", neverSent: true)
        }
        if case ChannelError.connectTimeout = first { return timedOut }
        return failed((first as? IOError).map { Self.text(errno: $0.errnoCode) } ?? "\(type(of: first))")
    }

    private func failed(_ what: String) -> TransportError {
        TransportError(proxy.map { "connecting to the proxy \($0.authority): \(what)" } ?? what, neverSent: true)
    }

    private func proxyRefusal(_ error: NIOHTTP1ProxyConnectHandler.Error) -> TransportError {
        let proxy = proxy?.authority ?? "?"
        if error == .httpProxyHandshakeTimeout() { return timedOut }
        if error == .proxyAuthenticationRequired() {
            return TransportError("the proxy \(proxy) wants a user name and password (HTTP 407): put them in HTTPS_PROXY as http://USER:PASSWORD@HOST:PORT", neverSent: true)
        }
        return TransportError("the proxy \(proxy) did not open a tunnel to \(target.authority)", neverSent: true)
    }

    /// `connection refused`, `network is unreachable`: the C library's text, in lower case.
    static func text(errno code: CInt) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text).lowercased()
    }
}
