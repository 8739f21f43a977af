import RolesAnywhere

/// The value of `ROLECALL_AGENT`: `v1:<token>:<socket path>`. The token is 32 random bytes in
/// base64url without padding (43 characters); the path comes last, so it may hold colons.
///
/// The token is a secret: it is held as `SecretBytes`, `description` names only the socket, and the
/// whole value comes out only through `unsafeValue()`, for the shell lines `eval` reads.
public struct AgentAddress: Sendable, CustomStringConvertible {
    public static let variable = "ROLECALL_AGENT"
    static let version = "v1"
    static let tokenBytes = 32
    static let tokenCharacters = 43

    /// The token's base64url text, as a client sends it.
    public let token: SecretBytes
    public let socketPath: String

    init(token: SecretBytes, socketPath: String) {
        self.token = token
        self.socketPath = socketPath
    }

    /// A fresh token for the socket at `socketPath`.
    public static func generate(socketPath: String, using generator: inout some RandomNumberGenerator) -> AgentAddress {
        var raw = (0..<tokenBytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        defer { wipeBytes(&raw) }
        return AgentAddress(token: SecretBytes(Base64URL.encode(raw)), socketPath: socketPath)
    }

    public init(parsing value: String) throws(AgentError) {
        let parts = value.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == Self.version else {
            throw .malformedAddress("it does not start with \(Self.version):<token>:")
        }
        guard parts[1].utf8.count == Self.tokenCharacters, parts[1].utf8.allSatisfy(Base64URL.isAlphabet) else {
            throw .malformedAddress("its token is not \(Self.tokenCharacters) base64url characters")
        }
        let path = String(parts[2])
        guard path.hasPrefix("/"), !path.utf8.contains(0) else { throw .malformedAddress("its socket path is not absolute") }
        self.init(token: SecretBytes(Array(parts[1].utf8)), socketPath: path)
    }

    /// The agent of this tree when it serves `profile`: `ROLECALL_AGENT`, with the profile named in
    /// `ROLECALL_AGENT_PROFILES`. Nil outside an agent's tree, or for a profile it does not serve
    /// (which then takes the usual way). Reads the environment only: the fast path of `credential-process`.
    public static func serving(profile: String, environment: [String: String]) throws(AgentError) -> AgentAddress? {
        guard let value = environment[variable], !value.isEmpty,
              let names = environment[PromptSegment.agentProfilesVariable], names.split(separator: ",").contains(Substring(profile))
        else { return nil }
        return try AgentAddress(parsing: value)
    }

    /// The whole value, token included: only for the lines that set the variable.
    public func unsafeValue() -> String {
        "\(Self.version):\(token.unsafeStringValue()):\(socketPath)"
    }

    public func wipe() { token.wipe() }

    public var description: String { "AgentAddress(\(socketPath), token: <redacted>)" }
}

/// RFC 4648 §5 base64url without padding, into bytes that can be wiped (no `String` on the way).
enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func encode(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        for start in stride(from: 0, to: bytes.count, by: 3) {
            let chunk = bytes[start..<min(start + 3, bytes.count)]
            let word = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * $1.offset) }
            for index in 0...chunk.count { output.append(alphabet[Int(word >> (18 - 6 * index) & 0x3F)]) }
        }
        return output
    }

    static func isAlphabet(_ byte: UInt8) -> Bool { alphabet.contains(byte) }
}
