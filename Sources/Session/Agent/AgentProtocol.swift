#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RolesAnywhere

/// What a client and the agent say: one request per connection, one JSON line of at most 4 KiB,
/// `{"profile":"dev","token":"…"}`, or `{"op":"info","token":"…"}` (which profiles, until when,
/// for `status`) or `{"op":"stop","token":"…"}` (`agent --stop`); another `"op"` is refused, so
/// later operations can be added. One JSON line back: `{"credentials":{…}}` holding AWS's
/// `credential_process` JSON (Version 1), `{"info":{"pid":…,"profiles":[{"name":…,"mfaWindowEnd":…}]}}`,
/// `{"stopped":true}`, or `{"error":{"code":"…","message":"…"}}`.
public enum AgentProtocol {
    public static let maximumLineBytes = 4096

    /// Why the agent said no. Unknown codes are kept, so an older client reading a newer agent
    /// still shows its message.
    public enum ErrorCode: Sendable, Equatable, RawRepresentable {
        case badRequest, unsupportedOperation, otherUser, outsideTree, wrongToken
        case unknownProfile, windowOver, refreshFailed, unavailable
        case unknown(String)

        private static let known: [ErrorCode] = [.badRequest, .unsupportedOperation, .otherUser, .outsideTree, .wrongToken,
                                                 .unknownProfile, .windowOver, .refreshFailed, .unavailable]

        public init(rawValue: String) {
            self = Self.known.first { $0.rawValue == rawValue } ?? .unknown(rawValue)
        }

        public var rawValue: String {
            switch self {
            case .badRequest: "bad_request"
            case .unsupportedOperation: "unsupported_operation"
            case .otherUser: "other_user"
            case .outsideTree: "outside_tree"
            case .wrongToken: "wrong_token"
            case .unknownProfile: "unknown_profile"
            case .windowOver: "window_over"
            case .refreshFailed: "refresh_failed"
            case .unavailable: "unavailable"
            case .unknown(let code): code
            }
        }
    }

    /// An error answer. Its message goes to the person at the client: what to do next, no secret.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let code: ErrorCode
        public let message: String

        public init(_ code: ErrorCode, _ message: String) {
            self.code = code
            self.message = message
        }

        public var description: String { message }
    }

    /// What a request asks for.
    public enum Operation: Sendable, Equatable {
        case credentials(profile: String)
        case info
        case stop
    }

    struct Request: Decodable {
        let profile: String?
        let token: String
        let op: String?

        /// Nil for an operation this agent does not know.
        var operation: Operation? {
            switch op {
            case nil, "credentials"?: profile.map { .credentials(profile: $0) }
            case "info"?: .info
            case "stop"?: .stop
            default: nil
            }
        }
    }

    static func requestLine(profile: String, token: SecretBytes) -> [UInt8] {
        requestLine(.credentials(profile: profile), token: token)
    }

    /// The request line, built as bytes so the token can be wiped once sent.
    static func requestLine(_ operation: Operation, token: SecretBytes) -> [UInt8] {
        let fields = switch operation {
        case .credentials(let profile): #"{"profile":"# + JSONValue.string(profile).line
        case .info: #"{"op":"info""#
        case .stop: #"{"op":"stop""#
        }
        let prefix = Array((fields + #","token":""#).utf8)
        let suffix = Array("\"}\n".utf8)
        var line: [UInt8] = []
        line.reserveCapacity(prefix.count + token.count + suffix.count)
        line += prefix
        token.withUnsafeBytes { line += $0 }
        line += suffix
        return line
    }

    /// A request line without its newline.
    static func request(parsing line: [UInt8]) throws(Failure) -> Request {
        guard let request = decode(Request.self, from: line) else {
            throw Failure(.badRequest, "the agent could not read the request: is this rolecall older or newer than the agent?")
        }
        guard request.operation != nil else {
            if request.op == nil || request.op == "credentials" { throw Failure(.badRequest, "the request names no profile") }
            throw Failure(.unsupportedOperation, "this agent does not know that operation: it is older than this rolecall")
        }
        return request
    }

    /// `{"credentials":BODY}` and a newline, where `body` is already `credential_process` JSON:
    /// one array, sized up front, so no copy of the secrets is left behind by a reallocation.
    static func answerLine(credentials body: UnsafeRawBufferPointer) -> [UInt8] {
        let prefix = Array(#"{"credentials":"#.utf8)
        let suffix = Array("}\n".utf8)
        var line: [UInt8] = []
        line.reserveCapacity(prefix.count + body.count + suffix.count)
        line += prefix
        line += body
        line += suffix
        return line
    }

    static func answerLine(_ failure: Failure) -> [UInt8] {
        (["error": ["code": .string(failure.code.rawValue), "message": .string(failure.message)]] as JSONValue).bytes + [0x0A]
    }

    static func answerLine(_ info: AgentInfo) -> [UInt8] {
        let profiles = info.profiles.map { ["name": .string($0.name), "mfaWindowEnd": .string($0.windowEnd.map(RFC3339.string(from:)))] as JSONValue }
        return (["info": ["pid": .int(Int(info.pid)), "profiles": .array(profiles)]] as JSONValue).bytes + [0x0A]
    }

    static let stoppedLine = Array(#"{"stopped":true}"#.utf8) + [0x0A]

    private struct Answer: Decodable {
        struct Info: Decodable {
            struct Served: Decodable {
                let name: String
                let mfaWindowEnd: String?
            }
            let pid: Int32
            let profiles: [Served]
        }
        struct Credentials: Decodable {
            let Version: Int
            let AccessKeyId: String
            let SecretAccessKey: String
            let SessionToken: String
            let Expiration: String
        }
        struct Refusal: Decodable {
            let code: String
            let message: String
        }
        let credentials: Credentials?
        let error: Refusal?
        let info: Info?
        let stopped: Bool?
    }

    /// What an info answer says; nil when the line is not one (or is a refusal: `failure` has it).
    static func info(parsing line: [UInt8]) -> Result<AgentInfo, Failure>? {
        guard let answer = decode(Answer.self, from: line) else { return nil }
        if let refusal = answer.error { return .failure(Failure(ErrorCode(rawValue: refusal.code), refusal.message)) }
        guard let info = answer.info else { return nil }
        return .success(AgentInfo(pid: info.pid, profiles: info.profiles.map { ($0.name, $0.mfaWindowEnd.flatMap(RFC3339.date(from:))) }))
    }

    /// Whether a stop answer says the agent stops; nil when the line is not one.
    static func stopped(parsing line: [UInt8]) -> Result<Void, Failure>? {
        guard let answer = decode(Answer.self, from: line) else { return nil }
        if let refusal = answer.error { return .failure(Failure(ErrorCode(rawValue: refusal.code), refusal.message)) }
        return answer.stopped == true ? .success(()) : nil
    }

    /// The credentials or the refusal an answer line holds; nil when it is neither.
    static func answer(parsing line: [UInt8]) -> Result<AWSCredentials, Failure>? {
        guard let answer = decode(Answer.self, from: line) else { return nil }
        if let refusal = answer.error { return .failure(Failure(ErrorCode(rawValue: refusal.code), refusal.message)) }
        guard let body = answer.credentials, body.Version == 1, let expiration = RFC3339.date(from: body.Expiration) else { return nil }
        return .success(AWSCredentials(accessKeyId: body.AccessKeyId, secretAccessKey: SecretBytes(body.SecretAccessKey),
                                       sessionToken: SecretBytes(body.SessionToken), expiration: expiration))
    }

    /// Decoded in place: no copy of the line (and its secrets) is left behind for nobody to wipe.
    private static func decode<T: Decodable>(_ type: T.Type, from line: [UInt8]) -> T? {
        line.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return nil }
            let view = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: bytes.count, deallocator: .none)
            return try? JSONDecoder().decode(type, from: view)
        }
    }
}

/// What an agent says of itself (`rolecall status`): its pid and each profile with the end of its
/// MFA window (nil: a profile without one, served as long as the agent lives).
public struct AgentInfo: Sendable {
    public let pid: Int32
    public let profiles: [(name: String, windowEnd: Date?)]

    public init(pid: Int32, profiles: [(name: String, windowEnd: Date?)]) {
        self.pid = pid
        self.profiles = profiles
    }
}
