import Foundation
@testable import IssuerServer
import Testing
import TestSupport

/// Stopping the team issuer (cancelling its task, as tests and `IssuerReplica.stop` do) while
/// connections pour in: no accepted connection may be dropped unclosed, which NIO answers by
/// stopping the whole process ("Deinited NIOAsyncWriter without calling finish()").
@Suite struct IssuerServerStopTests {
    @Test func stoppingWhileConnectionsArriveClosesEveryOne() async throws {
        try await IssuerWorld.with(.sqlite) { world in
            let service = try await world.replica().service
            for _ in 0..<20 {
                let server = IssuerHTTPServer(service: service, host: "127.0.0.1", port: 0, tlsFiles: nil, logger: IssuerReplica.logger)
                let (listening, continuation) = AsyncStream.makeStream(of: IssuerHTTPServer.Listening.self)
                let serving = Task { try await server.run(handleSignals: false) { continuation.yield($0) } }
                var events = listening.makeAsyncIterator()
                let port = try #require(await events.next().flatMap { URLComponents(string: $0.url)?.port })
                // The start of a TLS record: each connection waits in the handshake until the server
                // closes it. (Bytes, not none: one the kernel completed but the closing listener never
                // handed over is reset only when it sends something.)
                let burst = await ConnectionBurst.start(port: port, count: 48, request: "\u{16}\u{03}\u{01}", returningAfter: 16)
                serving.cancel()
                _ = await serving.result
                #expect(await burst.finish() == 0, "every connection is closed once the server has stopped")
            }
        }
    }
}
