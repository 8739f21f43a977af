#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOHTTP1
import RolesAnywhere
import Synchronization

/// A loopback URL (`http://127.0.0.1:PORT/RANDOM`) that answers one 302 to a secret URL and then
/// nothing: the browser is started with this URL, so the secret one is in no process's argv.
/// It is served to this user's own processes only, as the credential endpoints are.
final class OneTimeRedirect: Sendable {
    private let path: String
    private let target: Mutex<SecretBytes?>
    private let served: AsyncStream<Void>.Continuation
    let servedSignal: AsyncStream<Void>

    init(to target: SecretBytes) {
        var generator = SystemRandomNumberGenerator()
        path = "/" + (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexString
        self.target = Mutex(target)
        (servedSignal, served) = AsyncStream.makeStream(of: Void.self)
    }

    /// Serves until cancelled; `onListening` gets the loopback URL.
    func run(onListening: @escaping @Sendable (String) async -> Void) async throws {
        try await LoopbackHTTPServer { self.respond($0) }.run { [path] port in
            await onListening("http://127.0.0.1:\(port)\(path)")
        }
    }

    /// Wipes the secret URL if it was never asked for.
    func close() {
        target.withLock { $0?.wipe(); $0 = nil }
        served.finish()
    }

    private func respond(_ asked: LoopbackHTTPServer.Asked) -> LoopbackHTTPServer.Reply {
        let gone = LoopbackHTTPServer.Reply(status: .notFound, headers: ["Content-Type": "text/plain"], body: ByteBuffer(string: "Not Found"))
        guard asked.refusal == nil, asked.path == path, asked.head.method == .GET else { return gone }
        // Taken out under the lock: a second request, even a racing one, finds nothing.
        guard let url = target.withLock({ target -> SecretBytes? in defer { target = nil }; return target }) else { return gone }
        defer { url.wipe() }
        return LoopbackHTTPServer.Reply(status: .found, headers: [
            "Location": url.unsafeStringValue(), "Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "Content-Type": "text/plain",
        ], body: ByteBuffer(), onWritten: { [served] in served.yield() })
    }
}

extension AWSConsoleSignIn {
    /// How long the browser has to ask for the one-time URL.
    public static let browserTimeout: Duration = .seconds(120)

    /// Opens `url` in the browser (`$BROWSER`, else `xdg-open`, else `open`) through a one-time
    /// loopback redirect; returns once the browser has been redirected. `url` is wiped.
    public func openInBrowser(_ url: SecretBytes, timeout: Duration = AWSConsoleSignIn.browserTimeout) async throws {
        let redirect = OneTimeRedirect(to: url)
        defer { redirect.close() }
        let (urls, continuation) = AsyncStream.makeStream(of: String.self)
        let server = Task {
            defer { continuation.finish() }
            try await redirect.run { continuation.yield($0) }
        }
        var iterator = urls.makeAsyncIterator()
        guard let loopback = await iterator.next() else { throw AWSConsoleSignInError.redirectDidNotStart() }
        let browser = browserCommand()
        let pid: pid_t
        do {
            pid = try ProcessLauncher.spawn(command: browser + [loopback], environment: environment, coreLimit: CoreLimit.current(), ownProcessGroup: false)
        } catch {
            server.cancel()
            throw AWSConsoleSignInError.browserDidNotStart(browser, error)
        }
        let outcome = await Self.waitForRedirect(redirect.servedSignal, browser: pid, timeout: timeout)
        // The server's connections end (and the 302 is on its way) before this returns.
        server.cancel()
        _ = await server.result
        switch outcome {
        case .redirected:
            return
        case .browserFailed(let status):
            throw AWSConsoleSignInError.browserFailed(browser, status: status)
        case .timedOut:
            throw AWSConsoleSignInError.browserTimedOut(seconds: timeout.components.seconds)
        }
    }

    private enum Outcome: Sendable { case redirected, browserFailed(Int32), timedOut }

    /// The redirect served, the browser program failing at once (no browser installed), or the timeout.
    private static func waitForRedirect(_ signal: AsyncStream<Void>, browser pid: pid_t, timeout: Duration) async -> Outcome {
        await withTaskGroup(of: Outcome?.self) { group in
            group.addTask { for await _ in signal { return .redirected }; return nil }
            group.addTask {
                // xdg-open and `open` exit once they have handed the URL on; a failure shows in the status.
                while !Task.isCancelled {
                    var status: Int32 = 0
                    if waitpid(pid, &status, WNOHANG) == pid {
                        let code = ProcessLauncher.exitCode(fromWaitStatus: status)
                        if code != 0 { return .browserFailed(code) }
                        return nil
                    }
                    try? await Task.sleep(for: .milliseconds(100))
                }
                return nil
            }
            group.addTask { try? await Task.sleep(for: timeout); return .timedOut }
            var outcome = Outcome.timedOut
            while let next = await group.next() {
                guard let next else { continue }
                outcome = next
                break
            }
            group.cancelAll()
            return outcome
        }
    }

    private func browserCommand() -> [String] {
        if let browser = environment["BROWSER"], !browser.isEmpty { return [browser] }
        #if os(macOS)
        return ["open"]
        #else
        return ["xdg-open"]
        #endif
    }
}
