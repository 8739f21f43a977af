import Foundation
import RolesAnywhere

/// One line of the emulator's request log (JSON on stderr): what was asked and decided, never a secret.
public struct RequestRecord: Sendable, Codable {
    public var time: String
    public var requestId: String
    public var action: String
    public var status: Int
    public var refusal: String?
    public var durationSeconds: Int?
    /// notAfter − notBefore of the certificate that signed a CreateSession.
    public var certificateLifetimeSeconds: Int?
    public var certificateSerial: String?
    public var roleArn: String?
    public var accessKeyId: String?

    init(requestId: String, action: String, now: Date) {
        self.time = RFC3339.string(from: now)
        self.requestId = requestId
        self.action = action
        self.status = 0
    }

    public func jsonLine() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "{}"
    }
}
