import Foundation
import RolesAnywhere
@testable import Session
import Testing

/// A generator that repeats a byte sequence, so a token is known in advance.
struct CountingGenerator: RandomNumberGenerator {
    var state: UInt64 = 0
    mutating func next() -> UInt64 {
        defer { state &+= 0x0101_0101_0101_0101 }
        return state
    }
}

@Suite struct AgentAddressTests {
    @Test func roundTripsWithColonsInThePath() throws {
        var generator = CountingGenerator()
        let address = AgentAddress.generate(socketPath: "/tmp/odd:dir/rolecall-agent-abc/agent.sock", using: &generator)
        let value = address.unsafeValue()
        #expect(value.hasPrefix("v1:") && value.hasSuffix(":/tmp/odd:dir/rolecall-agent-abc/agent.sock"))
        let parsed = try AgentAddress(parsing: value)
        #expect(parsed.socketPath == address.socketPath)
        #expect(parsed.token == address.token)
        #expect(parsed.token.count == 43)
    }

    @Test func theTokenIsBase64URLOfThirtyTwoRandomBytes() {
        var generator = CountingGenerator()
        let token = AgentAddress.generate(socketPath: "/s", using: &generator).token.unsafeStringValue()
        var again = CountingGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &again) }
        let expected = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        #expect(token == expected)
        var system = SystemRandomNumberGenerator()
        #expect(AgentAddress.generate(socketPath: "/s", using: &system).token != AgentAddress.generate(socketPath: "/s", using: &system).token)
    }

    @Test(arguments: [(1, "Zg"), (2, "Zm8"), (3, "Zm9v"), (4, "Zm9vYg")])
    func base64URLMatchesFoundationOnEveryLength(length: Int, expected: String) {
        #expect(String(decoding: Base64URL.encode(Array("foob".utf8.prefix(length))), as: UTF8.self) == expected)
    }

    @Test func descriptionNeverShowsTheToken() throws {
        var generator = SystemRandomNumberGenerator()
        let address = AgentAddress.generate(socketPath: "/run/user/0/rolecall-agent-x/agent.sock", using: &generator)
        let token = address.token.unsafeStringValue()
        for text in ["\(address)", String(describing: address), String(reflecting: address), "\(try AgentAddress(parsing: address.unsafeValue()))"] {
            #expect(!text.contains(token))
            #expect(text.contains("/run/user/0/rolecall-agent-x/agent.sock"))
        }
    }

    @Test func wipingEmptiesTheToken() {
        var generator = SystemRandomNumberGenerator()
        let address = AgentAddress.generate(socketPath: "/s", using: &generator)
        address.wipe()
        #expect(address.token.isEmpty)
    }

    @Test(arguments: [
        "", "v2:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA:/s", "v1:short:/s",
        "v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+:/s", "v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA:relative/s",
        "v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ])
    func malformedValuesAreRefusedWithoutEchoingThem(value: String) {
        #expect { try AgentAddress(parsing: value) } throws: { error in
            guard let error = error as? AgentError, error.code == .malformedAddress else { return false }
            return error.description.contains("ROLECALL_AGENT") && (value.count < 10 || !error.description.contains(value))
        }
    }
}

@Suite struct AgentProtocolTests {
    @Test func knownErrorCodesRoundTrip() {
        for code in [AgentProtocol.ErrorCode.badRequest, .unsupportedOperation, .otherUser, .outsideTree, .wrongToken, .unknownProfile, .windowOver, .refreshFailed, .unavailable] {
            #expect(AgentProtocol.ErrorCode(rawValue: code.rawValue) == code)
        }
    }

    @Test func unknownErrorCodesAreKept() {
        #expect(AgentProtocol.ErrorCode(rawValue: "rate_limited") == .unknown("rate_limited"))
        #expect(AgentProtocol.ErrorCode.unknown("rate_limited").rawValue == "rate_limited")
    }

    @Test func aRequestLineIsOneJSONLineThatParsesBack() throws {
        let token = SecretBytes("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        let line = AgentProtocol.requestLine(profile: "dev \"quoted\"", token: token)
        #expect(line.last == 0x0A && line.dropLast().firstIndex(of: 0x0A) == nil)
        let request = try AgentProtocol.request(parsing: Array(line.dropLast()))
        #expect(request.profile == "dev \"quoted\"" && request.token == token.unsafeStringValue() && request.op == nil)
    }

    @Test func anUnknownOperationIsRefusedWithACode() {
        #expect(throws: AgentProtocol.Failure(.unsupportedOperation, "this agent does not know that operation: it is older than this rolecall")) {
            try AgentProtocol.request(parsing: Array(#"{"op":"rotate","profile":"p","token":"t"}"#.utf8))
        }
    }

    @Test func garbageIsRefusedWithACode() {
        #expect { try AgentProtocol.request(parsing: Array("not json".utf8)) } throws: { ($0 as? AgentProtocol.Failure)?.code == .badRequest }
    }

    @Test func answersCarryCredentialProcessJSONOrAnError() throws {
        let credentials = AWSCredentials(accessKeyId: "ASIAEXAMPLE", secretAccessKey: SecretBytes("s3cret"), sessionToken: SecretBytes("t0ken"),
                                         expiration: Date(timeIntervalSince1970: 1_900_000_000))
        let body = CredentialProcessOutput.object(credentials).bytes
        let line = body.withUnsafeBytes { AgentProtocol.answerLine(credentials: $0) }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: [String: Any]])
        #expect(object["credentials"]?["Version"] as? Int == 1 && object["credentials"]?["SessionToken"] as? String == "t0ken")
        guard case .success(let parsed)? = AgentProtocol.answer(parsing: Array(line.dropLast())) else { Issue.record("not read back"); return }
        #expect(parsed.accessKeyId == "ASIAEXAMPLE" && parsed.secretAccessKey.unsafeStringValue() == "s3cret" && parsed.expiration == credentials.expiration)
        let refusal = AgentProtocol.answerLine(AgentProtocol.Failure(.unknown("new_code"), "why"))
        guard case .failure(let failure)? = AgentProtocol.answer(parsing: Array(refusal.dropLast())) else { Issue.record("not read back"); return }
        #expect(failure.code == .unknown("new_code") && failure.message == "why")
        #expect(AgentProtocol.answer(parsing: Array(#"{"credentials":{"Version":2}}"#.utf8)) == nil)
    }
}
