import Foundation
import RolesAnywhere

/// The emulated AWS side: Roles Anywhere `CreateSession`, STS `GetCallerIdentity` and
/// `AssumeRole`, and the console's federation endpoint.
///
/// Independent of any HTTP server so it can be driven directly by tests and fuzzers;
/// `EmulatorServer` puts it on a loopback port.
public final class Emulator: Sendable {
    public let config: LoadedEmulatorConfig
    let sessions = IssuedSessions()
    let now: @Sendable () -> Date
    private let log: @Sendable (RequestRecord) -> Void

    /// Largest body accepted; CreateSession and GetCallerIdentity bodies are a few hundred bytes.
    public static let maximumBodyBytes = 64 * 1024
    /// How far `X-Amz-Date` may be from the emulator's clock, as AWS allows.
    public static let allowedClockSkew: TimeInterval = 300

    public init(config: LoadedEmulatorConfig, now: @escaping @Sendable () -> Date = Date.init,
                log: @escaping @Sendable (RequestRecord) -> Void = { _ in }) {
        self.config = config
        self.now = now
        self.log = log
    }

    /// Answers one request. `request.headers` must include `host`.
    public func handle(_ request: SignableRequest) async -> EmulatorResponse {
        let requestId = UUID().uuidString.lowercased()
        let path = request.path
        if request.method == "POST" && path == "/sessions" {
            var record = RequestRecord(requestId: requestId, action: "CreateSession", now: now())
            let response = await createSession(request, requestId: requestId, record: &record)
            finish(&record, response)
            return response
        }
        if request.method == "POST" && path == "/" {
            var record = RequestRecord(requestId: requestId, action: "sts", now: now())
            let response = await securityTokenService(request, requestId: requestId, record: &record)
            finish(&record, response)
            return response
        }
        if path == "/federation" {
            var record = RequestRecord(requestId: requestId, action: "federation", now: now())
            let response = await federation(request, requestId: requestId, record: &record)
            finish(&record, response)
            return response
        }
        var record = RequestRecord(requestId: requestId, action: "unknown", now: now())
        let response = EmulatorResponse.jsonError(404, "UnknownOperationException", "no such operation: \(request.method) \(path.prefix(100))", requestId: requestId)
        finish(&record, response)
        return response
    }

    private func finish(_ record: inout RequestRecord, _ response: EmulatorResponse) {
        record.status = response.status
        record.refusal = response.refusal
        log(record)
    }
}

/// Random identifiers in AWS's shapes.
enum RandomIdentifier {
    static func accessKeyId() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        return "ASIA" + String((0..<16).map { _ in alphabet.randomElement()! })
    }

    static func roleId() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return "AROA" + String((0..<17).map { _ in alphabet.randomElement()! })
    }

    static func base64(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }).base64EncodedString()
    }
}
