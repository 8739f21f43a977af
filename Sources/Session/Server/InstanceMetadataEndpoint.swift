#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOCore
import NIOHTTP1
import RolesAnywhere
import Synchronization

/// EC2's instance metadata protocol, IMDSv2 only, on 127.0.0.1 and a random port (`exec --imds`),
/// for tools that know no other way to credentials. It has no caller secret of its own: only this
/// user's processes are answered (`SocketOwner`), and only with a session token from
/// `PUT /latest/api/token`, which a request relayed through a proxy (`X-Forwarded-For`) cannot get.
public final class InstanceMetadataEndpoint: Sendable {
    /// What the instance "is": the role's name and account, and the profile's region.
    public struct Identity: Sendable {
        public var roleName: String
        public var account: String
        public var partition: String
        public var region: String

        public init(roleArn: String, region: String) {
            let arn = try? ARN(roleArn, kind: .role)
            roleName = arn?.shortName ?? "rolecall"
            account = arn?.account ?? "000000000000"
            partition = arn?.partition ?? "aws"
            self.region = region
        }
    }

    public static let maximumTokens = 64
    public static let maximumTTLSeconds = 21_600
    static let ttlHeader = "X-aws-ec2-metadata-token-ttl-seconds"
    static let tokenHeader = "X-aws-ec2-metadata-token"

    private let cache: CredentialCache
    private let identity: Identity
    private let now: @Sendable () -> Date
    /// Live session tokens, oldest first.
    private let tokens = Mutex<[(token: SecretBytes, expires: Date)]>([])
    private let refusals: RefusalCounter
    /// Whose requests are answered: the supervisor's tree (nil: any process of this user).
    private let tree: SessionTree?

    public init(cache: CredentialCache, identity: Identity, now: @escaping @Sendable () -> Date = Date.init,
                tree: SessionTree? = nil, report: @escaping @Sendable (String) -> Void) {
        self.tree = tree
        self.cache = cache
        self.identity = identity
        self.now = now
        self.refusals = RefusalCounter(what: "instance metadata request", now: now, report: report)
    }

    /// Serves until the task is cancelled; `onListening` gets `http://127.0.0.1:PORT/`, the value of
    /// `AWS_EC2_METADATA_SERVICE_ENDPOINT`.
    public func run(onListening: @escaping @Sendable (String) async -> Void) async throws {
        try await LoopbackHTTPServer(tree: tree) { await self.respond($0) }.run { port in
            await onListening("http://127.0.0.1:\(port)/")
        }
    }

    public var refusalCount: Int { refusals.count }

    /// Reports the refusals not reported yet; once the endpoint has stopped.
    public func reportRemainingRefusals() { refusals.reportRemaining() }

    func respond(_ asked: LoopbackHTTPServer.Asked) async -> LoopbackHTTPServer.Reply {
        if let (status, reason) = asked.refusal { return refusals.refuse(status, reason) }
        let path = String(asked.path)
        switch asked.head.method {
        case .PUT where path == "/latest/api/token":
            return issueToken(asked.head.headers)
        case .GET, .HEAD:
            let presented = asked.head.headers[Self.tokenHeader]
            guard presented.count == 1, isLive(presented[0]) else {
                return refusals.refuse(.unauthorized, "a missing, expired or unknown \(Self.tokenHeader)")
            }
            return await answer(path)
        default:
            return refusals.refuse(.methodNotAllowed, "method \(asked.head.method.rawValue.prefix(20)) on \(printableExcerpt(path, limit: 60))")
        }
    }

    private func issueToken(_ headers: HTTPHeaders) -> LoopbackHTTPServer.Reply {
        // As EC2 does: a token is for the instance itself, never for a request relayed to it.
        guard headers["X-Forwarded-For"].isEmpty else { return refusals.refuse(.forbidden, "a token request with X-Forwarded-For") }
        let asked = headers[Self.ttlHeader]
        guard asked.count == 1, let ttl = Int(asked[0]), (1...Self.maximumTTLSeconds).contains(ttl) else {
            return refusals.refuse(.badRequest, "a token request without \(Self.ttlHeader) of 1 to \(Self.maximumTTLSeconds)")
        }
        var generator = SystemRandomNumberGenerator()
        let text = Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }).base64EncodedString()
        let expires = now().addingTimeInterval(TimeInterval(ttl))
        tokens.withLock { tokens in
            tokens.removeAll { $0.expires <= now() }
            if tokens.count >= Self.maximumTokens { tokens.removeFirst(tokens.count - Self.maximumTokens + 1) }
            tokens.append((SecretBytes(text), expires))
        }
        return LoopbackHTTPServer.Reply(status: .ok, headers: ["Content-Type": "text/plain", Self.ttlHeader: String(ttl)], body: ByteBuffer(string: text))
    }

    private func isLive(_ presented: String) -> Bool {
        let candidate = SecretBytes(presented)
        let time = now()
        return tokens.withLock { tokens in tokens.contains { $0.expires > time && $0.token == candidate } }
    }

    private func answer(_ path: String) async -> LoopbackHTTPServer.Reply {
        let credentialsPath = "/latest/meta-data/iam/security-credentials/"
        let zone = identity.region + "a"
        switch path {
        case credentialsPath, String(credentialsPath.dropLast()):
            return Self.text(identity.roleName)
        case credentialsPath + identity.roleName:
            return await cache.reply()
        case "/latest/meta-data/iam/info":
            return Self.json([
                "Code": "Success", "LastUpdated": .string(RFC3339.string(from: now())),
                "InstanceProfileArn": .string("arn:\(identity.partition):iam::\(identity.account):instance-profile/\(identity.roleName)"),
                "InstanceProfileId": "AIPAROLECALLINSTANCE",
            ])
        case "/latest/meta-data/placement/region":
            return Self.text(identity.region)
        case "/latest/meta-data/placement/availability-zone", "/latest/meta-data/placement/availability-zone/":
            return Self.text(zone)
        case "/latest/dynamic/instance-identity/document":
            return Self.json([
                "accountId": .string(identity.account), "region": .string(identity.region), "availabilityZone": .string(zone),
                "instanceId": "i-0000000000rolecall", "instanceType": "rolecall", "imageId": "ami-00000000", "architecture": "x86_64",
                "privateIp": "127.0.0.1", "version": "2017-09-30", "pendingTime": .string(RFC3339.string(from: now())),
            ])
        default:
            return LoopbackHTTPServer.Reply(status: .notFound, headers: ["Content-Type": "text/plain"], body: ByteBuffer(string: "Not Found"))
        }
    }

    private static func text(_ value: String) -> LoopbackHTTPServer.Reply {
        LoopbackHTTPServer.Reply(status: .ok, headers: ["Content-Type": "text/plain"], body: ByteBuffer(string: value))
    }

    private static func json(_ object: [String: JSONValue]) -> LoopbackHTTPServer.Reply {
        LoopbackHTTPServer.Reply(status: .ok, body: ByteBuffer(bytes: JSONValue.object(object).bytes))
    }
}
