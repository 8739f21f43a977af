import Foundation
import RolesAnywhere
import Testing
import TestSupport

/// CreateSession against a server that misbehaves: each ends in a clear, typed error.
@Suite(.serialized) struct HostileServerTests {
    static func startServer() throws -> (Process, Int) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Paths.python)
        process.arguments = ["\(Paths.packageRoot)/Tests/Python/hostile_server.py"]
        let output = Pipe()
        process.standardOutput = output
        // Not the test runner's stderr: a server outliving its test would hold it open and keep
        // `swift test` waiting for its end.
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte.first == UInt8(ascii: "\n") { break }
            line.append(byte)
        }
        return (process, Int(String(decoding: line, as: UTF8.self)) ?? 0)
    }

    static let cases: [(String, String)] = [
        ("slow", "timed out"),
        ("close", "could not reach"),
        ("huge", "larger than"),
        ("badjson", "not CreateSession JSON"),
    ]

    @Test(arguments: cases)
    func hostileResponsesEndInClearErrors(mode: String, message: String) async throws {
        let (server, port) = try Self.startServer()
        // SIGKILL: a child of the test runner may inherit a mask that blocks SIGTERM.
        defer { kill(server.processIdentifier, SIGKILL); server.waitUntilExit() }
        let key = SigningKey.p256(.init())
        let identity = SigningIdentity(certificate: try TestPKI.make().leaf(for: key), key: key, isSingleUse: true)
        let client = CreateSessionClient(endpoint: try Endpoint(parsing: "http://127.0.0.1:\(port)/\(mode)"), region: "us-east-1",
                                         transport: AsyncHTTPClientTransport(timeout: .seconds(2)))
        let started = Date()
        do {
            _ = try await client.createSession(CreateSessionRequest(durationSeconds: 900, profileArn: "p", roleArn: "r", trustAnchorArn: "t"), identity: identity)
            Issue.record("\(mode): expected an error")
        } catch {
            #expect(error.description.contains(message), "\(mode): \(error.description)")
            #expect(error.description.count < 400)
        }
        #expect(Date().timeIntervalSince(started) < 10, "\(mode) was bounded in time")
    }
}
