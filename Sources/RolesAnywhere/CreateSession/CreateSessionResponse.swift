#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What CreateSession answers, reduced to what rolecall uses.
public struct CreateSessionResult: Sendable, CustomStringConvertible {
    public let credentials: AWSCredentials
    public let assumedRoleArn: String?
    public let subjectArn: String?
    public let requestId: String?

    public var description: String {
        "CreateSessionResult(\(credentials), assumedRoleArn: \(assumedRoleArn ?? "-"))"
    }
}

/// AWS's JSON shape for a successful CreateSession (also written by the emulator).
public struct CreateSessionResponseBody: Codable, Sendable {
    public struct CredentialSet: Codable, Sendable {
        public var assumedRoleUser: AssumedRoleUser?
        public var credentials: Credentials
        public var packedPolicySize: Int?
        public var roleArn: String?
        public var sourceIdentity: String?

        public init(assumedRoleUser: AssumedRoleUser?, credentials: Credentials, packedPolicySize: Int?, roleArn: String?, sourceIdentity: String?) {
            self.assumedRoleUser = assumedRoleUser
            self.credentials = credentials
            self.packedPolicySize = packedPolicySize
            self.roleArn = roleArn
            self.sourceIdentity = sourceIdentity
        }
    }

    public struct AssumedRoleUser: Codable, Sendable {
        public var arn: String
        public var assumedRoleId: String
        public init(arn: String, assumedRoleId: String) {
            self.arn = arn
            self.assumedRoleId = assumedRoleId
        }
    }

    /// Decoded only transiently: `CreateSessionResponseDecoder` moves the secrets into `SecretBytes`.
    /// Its description and mirror (`dump`, nested printing) name the key id and expiry only.
    public struct Credentials: Codable, Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
        public var accessKeyId: String
        public var expiration: String
        public var secretAccessKey: String
        public var sessionToken: String
        public init(accessKeyId: String, expiration: String, secretAccessKey: String, sessionToken: String) {
            self.accessKeyId = accessKeyId
            self.expiration = expiration
            self.secretAccessKey = secretAccessKey
            self.sessionToken = sessionToken
        }

        public var description: String {
            "Credentials(accessKeyId: \(accessKeyId), expiration: \(expiration), secretAccessKey: <redacted>, sessionToken: <redacted>)"
        }

        public var debugDescription: String { description }

        public var customMirror: Mirror {
            Mirror(self, children: ["accessKeyId": accessKeyId, "expiration": expiration,
                                    "secretAccessKey": "<redacted>", "sessionToken": "<redacted>"])
        }
    }

    public var credentialSet: [CredentialSet]
    public var subjectArn: String?

    public init(credentialSet: [CredentialSet], subjectArn: String?) {
        self.credentialSet = credentialSet
        self.subjectArn = subjectArn
    }
}

/// Turns a CreateSession HTTP response into a result or a typed error.
public enum CreateSessionResponseDecoder {
    /// `sent`: what the client knows of its request, which names the part a refusal is about.
    public static func decode(_ response: TransportResponse, now: Date, sent: SentCreateSession? = nil) throws(RolesAnywhereError) -> CreateSessionResult {
        let requestId = response.header("x-amzn-RequestId")
        guard (200..<300).contains(response.status) else {
            throw errorFrom(response, requestId: requestId, sent: sent)
        }
        let body: CreateSessionResponseBody
        // The decoded Strings are copies this code cannot zero; the byte copies it owns are wiped.
        var data = Data(response.body)
        defer { data.resetBytes(in: 0..<data.count) }
        do {
            body = try JSONDecoder().decode(CreateSessionResponseBody.self, from: data)
        } catch {
            throw .unexpectedBody("the body is not CreateSession JSON", status: response.status, requestId: requestId)
        }
        guard let set = body.credentialSet.first else {
            throw .unexpectedBody("the response holds no credential set", status: response.status, requestId: requestId)
        }
        let raw = set.credentials
        guard isToken(raw.accessKeyId, maximum: 128, alphabet: accessKeyAlphabet),
              isToken(raw.secretAccessKey, maximum: 1024, alphabet: base64Alphabet),
              isToken(raw.sessionToken, maximum: 16384, alphabet: base64Alphabet)
        else {
            throw .unexpectedBody("the credentials are empty, too long or hold characters AWS never uses",
                                  status: response.status, requestId: requestId)
        }
        guard let expiration = RFC3339.date(from: raw.expiration) else {
            throw .unexpectedBody("the expiration is not an RFC 3339 time", status: response.status, requestId: requestId)
        }
        guard expiration > now else {
            throw .unexpectedBody("the credentials expired at \(RFC3339.string(from: expiration)), before they arrived; check the machine's clock",
                                  status: response.status, requestId: requestId)
        }
        let credentials = AWSCredentials(
            accessKeyId: raw.accessKeyId,
            secretAccessKey: SecretBytes(raw.secretAccessKey),
            sessionToken: SecretBytes(raw.sessionToken),
            expiration: expiration
        )
        return CreateSessionResult(
            credentials: credentials,
            assumedRoleArn: set.assumedRoleUser?.arn,
            subjectArn: body.subjectArn,
            requestId: requestId
        )
    }

    /// Credentials go into environment variables and shell lines, so only AWS's own alphabets pass:
    /// upper-case letters and digits for key ids, base64 for secrets and tokens.
    static func isToken(_ value: String, maximum: Int, alphabet: Set<UInt8>) -> Bool {
        !value.isEmpty && value.utf8.count <= maximum && value.utf8.allSatisfy(alphabet.contains)
    }

    static let accessKeyAlphabet = Set(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8))
    static let base64Alphabet = Set(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=".utf8))

    static func errorFrom(_ response: TransportResponse, requestId: String?, sent: SentCreateSession?) -> RolesAnywhereError {
        struct ErrorBody: Decodable {
            var message: String?
            var Message: String?
            var __type: String?
        }
        let parsed = try? JSONDecoder().decode(ErrorBody.self, from: Data(response.body))
        // `x-amzn-ErrorType` is `Code:` or `Code:https://…`; the JSON `__type` may carry a namespace.
        let typeHeader = response.header("x-amzn-ErrorType").map { String($0.split(separator: ":").first ?? "") }
        let typeBody = parsed?.__type.map { String($0.split(separator: "#").last ?? "") }
        let message = parsed?.message ?? parsed?.Message
            ?? (response.body.isEmpty ? nil : "HTTP \(response.status) with a body that is not AWS's error JSON")
        return .fromResponse(status: response.status, awsErrorCode: typeHeader ?? typeBody, awsMessage: message, requestId: requestId, sent: sent)
    }
}
