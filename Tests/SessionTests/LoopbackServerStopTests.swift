import Foundation
import NIOCore
@testable import Session
import Testing
import TestSupport

/// Stopping the credential endpoints' server (cancelling its task, as the supervisor does) while
/// connections pour in: no accepted connection may be dropped unclosed, which NIO answers by
/// stopping the whole process ("Deinited NIOAsyncWriter without calling finish()").
@Suite struct LoopbackServerStopTests {
    @Test func stoppingWhileConnectionsArriveClosesEveryOne() async throws {
        for _ in 0..<40 {
            let server = LoopbackHTTPServer { _ in .init(status: .ok, body: ByteBuffer(string: "{}")) }
            let (ports, listening) = AsyncStream.makeStream(of: Int.self)
            let serving = Task { try await server.run { listening.yield($0) } }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let burst = await ConnectionBurst.start(port: port, count: 48, request: "GET / HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\r\n",
                                                    returningAfter: 16)
            serving.cancel()
            try await serving.value
            #expect(await burst.finish() == 0, "every connection is closed once the server has stopped")
        }
    }
}
