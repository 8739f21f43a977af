import Crypto
import Foundation
import Issuance
import IssuanceCore
import RolesAnywhere
import RolesAnywhereEmulator
import Session
import SwiftASN1
import X509

/// Fixed keys, names and time, so the seed corpora stay valid from run to run: a seed request signed
/// today still verifies against the emulator the fuzzer builds tomorrow. The keys are fuzzing
/// fixtures, never used for anything else.
enum FuzzSeeds {
    static let signingDate = Date(timeIntervalSince1970: 1_793_491_200)  // 2026-11-01T00:00:00Z
    static let region = "us-east-1"
    static let roleArn = "arn:aws:iam::123456789012:role/fuzz"
    static let profileArn = "arn:aws:rolesanywhere:us-east-1:123456789012:profile/fuzz"
    static let trustAnchorArn = "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/fuzz"

    static func fixtureKey(_ fill: UInt8) -> P256.Signing.PrivateKey {
        try! P256.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: fill, count: 32))
    }

    static let authority = try! CertificateAuthority.generate(commonName: "rolecall fuzz CA", now: signingDate.addingTimeInterval(-86_400), key: .p256(fixtureKey(1)))

    /// The emulator the `emulator-request` target drives: trusts the fixture CA, clock at the seeds' time.
    static let emulator: Emulator = {
        let directory = NSTemporaryDirectory() + "rolecall-fuzz-\(getpid())"
        try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let caPath = directory + "/ca.pem"
        try! authority.certificate.serializeAsPEM().pemString.write(toFile: caPath, atomically: true, encoding: .utf8)
        let config = EmulatorConfig(
            accountId: "123456789012",
            trustAnchors: [.init(arn: trustAnchorArn, certificatePath: caPath)],
            profiles: [.init(arn: profileArn, roleArns: [roleArn], durationSeconds: 3600, acceptRoleSessionName: true)],
            roles: [.init(arn: roleArn, maxSessionDuration: 3600)]
        )
        let loaded = try! LoadedEmulatorConfig(config, baseDirectory: URL(fileURLWithPath: directory))
        try? FileManager.default.removeItem(atPath: directory)
        return Emulator(config: loaded, now: { signingDate.addingTimeInterval(1) })
    }()

    // MARK: Requests as text: "METHOD PATH[?QUERY]\nname: value\n…\n\nBODY"

    static func request(from bytes: [UInt8]) -> SignableRequest? {
        let separator: [UInt8] = [10, 10]
        guard let split = (0..<max(0, bytes.count - 1)).first(where: { bytes[$0] == 10 && bytes[$0 + 1] == 10 }) else { return nil }
        let head = String(decoding: bytes[..<split], as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let body = Array(bytes[(split + separator.count)...])
        let requestLine = head[0].split(separator: " ", maxSplits: 1)
        guard requestLine.count == 2 else { return nil }
        let target = requestLine[1].split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var headers: [(name: String, value: String)] = []
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            headers.append((String(line[..<colon]).lowercased(), String(line[line.index(after: colon)...].drop { $0 == " " })))
        }
        return SignableRequest(method: String(requestLine[0]), path: String(target[0]),
                               query: target.count > 1 ? String(target[1]) : "", headers: headers, body: body)
    }

    static func text(of request: SignableRequest) -> [UInt8] {
        let target = request.query.isEmpty ? request.path : "\(request.path)?\(request.query)"
        let head = (["\(request.method) \(target)"] + request.headers.map { "\($0.name.lowercased()): \($0.value)" }).joined(separator: "\n")
        return Array((head + "\n\n").utf8) + request.body
    }

    /// A CreateSession signed by a leaf of the fixture CA, as rolecall's client sends it.
    static func signedCreateSession(roleSessionName: String? = nil) throws -> SignableRequest {
        let key = SigningKey.p256(fixtureKey(2))
        let leaf = try authority.issueLeaf(for: key.certificatePublicKey, user: "fuzz", kind: .singleUse, now: signingDate)
        let body = Array(try JSONEncoder().encode(CreateSessionRequest(durationSeconds: 900, profileArn: profileArn, roleArn: roleArn,
                                                                       trustAnchorArn: trustAnchorArn, roleSessionName: roleSessionName)))
        return try X509RequestSigner(identity: SigningIdentity(certificate: leaf, key: key, isSingleUse: true), region: region)
            .sign(method: "POST", host: "127.0.0.1", path: "/sessions", body: body, at: signingDate).request
    }

    // MARK: The corpora

    /// Seeds the emulator must accept (the replay checks it).
    static let acceptedSeedNames: Set<String> = ["create-session.txt", "session-name.txt"]

    static func write(to directory: String) throws {
        let leafKey = SigningKey.p256(fixtureKey(2))
        let leaf = try authority.issueLeaf(for: leafKey.certificatePublicKey, user: "fuzz", kind: .singleUse, now: signingDate)
        let caPEM = try authority.certificate.serializeAsPEM().pemString
        let leafPEM = try leaf.serializeAsPEM().pemString
        var leafDER = DER.Serializer()
        try leafDER.serialize(leaf)
        let profile = Profile(name: "dev", roleArn: roleArn, kind: .localCA(.init(profileArn: profileArn, trustAnchorArn: trustAnchorArn)),
                              region: region, durationSeconds: 3600, mfa: .required, endpoint: "http://127.0.0.1:8080")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let config = try encoder.encode(ConfigStore.Document(profiles: [profile]))
        let createSessionAnswer = """
            {"credentialSet":[{"assumedRoleUser":{"arn":"arn:aws:sts::123456789012:assumed-role/fuzz/s","assumedRoleId":"AROA:s"},\
            "credentials":{"accessKeyId":"ASIAFUZZ","expiration":"2026-11-01T01:00:00Z","secretAccessKey":"c2VjcmV0",\
            "sessionToken":"dG9rZW4="},"packedPolicySize":0,"roleArn":"\(roleArn)","sourceIdentity":"CN=fuzz"}],"subjectArn":"s"}
            """
        var getCallerIdentity = try signedCreateSession()
        getCallerIdentity.path = "/"
        getCallerIdentity.body = Array("Action=GetCallerIdentity&Version=2011-06-15".utf8)

        let seeds: [String: [String: [UInt8]]] = [
            "config": ["profile.json": Array(config), "empty.json": Array(#"{"profiles":[]}"#.utf8), "broken.json": Array("{\"profiles\": [\n{\"name\": 1}".utf8)],
            "certificate": ["ca.pem": Array(caPEM.utf8), "chain.pem": Array((leafPEM + "\n" + caPEM).utf8), "leaf.der": leafDER.serializedBytes,
                            "key.pem": Array(fixtureKey(2).pemRepresentation.utf8)],
            "response": ["created.json": [1, 0] + Array(createSessionAnswer.utf8),
                         "denied.json": [3, 1] + Array(#"{"message":"Untrusted certificate. Insufficient certificate"}"#.utf8)],
            "emulator-request": ["create-session.txt": text(of: try signedCreateSession()),
                                 "session-name.txt": text(of: try signedCreateSession(roleSessionName: "alice")),
                                 "get-caller-identity.txt": text(of: getCallerIdentity)],
            "duration": ["hours.txt": Array("1h".utf8), "mixed.txt": Array("1h30m15s".utf8), "seconds.txt": Array("3600".utf8)],
            "arn": ["role.txt": Array(roleArn.utf8), "profile.txt": Array(profileArn.utf8), "anchor.txt": Array(trustAnchorArn.utf8),
                    "path.txt": Array("arn:aws-us-gov:iam::123456789012:role/team/dev".utf8)],
            "otpauth": ["init.txt": Array(TOTPSecret.otpauthURI(user: "alice", secret: SecretBytes([UInt8](repeating: 7, count: 20))).utf8),
                        "full.txt": Array("otpauth://totp/rolecall:bob?secret=JBSWY3DPEHPK3PXP&issuer=rolecall&algorithm=SHA1&digits=6&period=30".utf8)],
        ]
        for (target, files) in seeds {
            let folder = "\(directory)/\(target)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for (name, bytes) in files {
                try Data(bytes).write(to: URL(fileURLWithPath: "\(folder)/\(name)"))
            }
        }
    }
}
