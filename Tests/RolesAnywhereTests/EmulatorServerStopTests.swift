import Foundation
import RolesAnywhereEmulator
import Testing
import TestSupport

/// Stopping the emulator (cancelling its task, as `EmulatorHarness` and tests do) while
/// connections pour in: no accepted connection may be dropped unclosed, which NIO answers by
/// stopping the whole process ("Deinited NIOAsyncWriter without calling finish()").
@Suite(.removesTemporaryFiles) struct EmulatorServerStopTests {
    @Test func stoppingWhileConnectionsArriveClosesEveryOne() async throws {
        let pki = try TestPKI.make()
        let emulator = Emulator(config: try EmulatorHarness.standardConfig(caPEM: pki.root.certificate.pem, directory: try Paths.temporaryDirectory()))
        for _ in 0..<40 {
            let (urls, listening) = AsyncStream.makeStream(of: String.self)
            let serving = Task { try await EmulatorServer(emulator: emulator).run { listening.yield($0) } }
            var iterator = urls.makeAsyncIterator()
            let port = try #require(await iterator.next().flatMap { URLComponents(string: $0)?.port })
            let burst = await ConnectionBurst.start(port: port, count: 48, request: "GET /federation HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                                                    returningAfter: 16)
            serving.cancel()
            try await serving.value
            #expect(await burst.finish() == 0, "every connection is closed once the server has stopped")
        }
    }
}
