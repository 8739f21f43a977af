import Foundation
import RolesAnywhere
import Session
import Testing
import TestSupport

/// The IMDSv2 endpoint of `exec --imds`, in-process, with curl as the client: the token rules, the
/// paths SDKs ask for, and only this user's processes answered.
@Suite(.removesTemporaryFiles) struct InstanceMetadataEndpointTests {
    struct Served {
        let endpoint: InstanceMetadataEndpoint
        let url: String
        let task: Task<Void, any Error>
        let reports: ContainerEndpointTests.Reports
        let clock: TestClock
    }

    func start() async throws -> Served {
        let clock = TestClock()
        let fake = FakeCreateSession(clock: clock)
        let cache = CredentialCache(windowEnd: clock.now.addingTimeInterval(3600), policyDurationSeconds: 3600, format: .instanceMetadata,
                                    now: { clock.now }, fetch: fake.fetch)
        let reports = ContainerEndpointTests.Reports()
        let endpoint = InstanceMetadataEndpoint(cache: cache, identity: .init(roleArn: "arn:aws:iam::123456789012:role/deploy", region: "eu-west-2"),
                                                now: { clock.now }, report: { reports.add($0) })
        let (urls, continuation) = AsyncStream.makeStream(of: String.self)
        let task = Task { try await endpoint.run { continuation.yield($0) } }
        var iterator = urls.makeAsyncIterator()
        return Served(endpoint: endpoint, url: try #require(await iterator.next()), task: task, reports: reports, clock: clock)
    }

    func curl(_ arguments: [String], as user: [String] = []) async throws -> (code: String, body: String) {
        let command = user + ["curl", "-s", "-w", "\n%{http_code}", "--max-time", "20"] + arguments
        let outcome = try await ProcessRunner.run(command[0], Array(command.dropFirst()))
        let lines = outcome.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (String(lines.last ?? ""), lines.dropLast().joined(separator: "\n"))
    }

    func token(_ served: Served, ttl: String = "60") async throws -> String {
        let answer = try await curl(["-X", "PUT", "-H", "X-aws-ec2-metadata-token-ttl-seconds: \(ttl)", served.url + "latest/api/token"])
        try #require(answer.code == "200", "\(answer)")
        return answer.body
    }

    @Test func aTokenNeedsAValidTTL() async throws {
        let served = try await start()
        defer { served.task.cancel() }
        let tokenURL = served.url + "latest/api/token"
        #expect(served.url.hasPrefix("http://127.0.0.1:") && served.url.hasSuffix("/"))
        #expect(try await curl(["-X", "PUT", tokenURL]).code == "400")
        for ttl in ["0", "21601", "-5", "soon"] {
            #expect(try await curl(["-X", "PUT", "-H", "X-aws-ec2-metadata-token-ttl-seconds: \(ttl)", tokenURL]).code == "400", "ttl \(ttl)")
        }
    }

    @Test func aForwardedTokenRequestIsRefused() async throws {
        let served = try await start()
        defer { served.task.cancel() }
        #expect(try await curl(["-X", "PUT", "-H", "X-aws-ec2-metadata-token-ttl-seconds: 60", "-H", "X-Forwarded-For: 10.0.0.1",
                                served.url + "latest/api/token"]).code == "403")
    }

    /// IMDSv1 (no token) and made-up tokens get nothing.
    @Test func credentialsNeedAToken() async throws {
        let served = try await start()
        defer { served.task.cancel() }
        let credentialsURL = served.url + "latest/meta-data/iam/security-credentials/"
        #expect(try await curl([credentialsURL]).code == "401")
        #expect(try await curl(["-H", "X-aws-ec2-metadata-token: made-up", credentialsURL]).code == "401")
    }

    @Test func aTokenGetsTheRoleCredentialsWithAGet() async throws {
        let served = try await start()
        defer { served.task.cancel() }
        let credentialsURL = served.url + "latest/meta-data/iam/security-credentials/"
        let token = try await token(served, ttl: "21600")
        let listed = try await curl(["-H", "X-aws-ec2-metadata-token: \(token)", credentialsURL])
        #expect(listed.code == "200" && listed.body == "deploy")
        let credentials = try await curl(["-H", "X-aws-ec2-metadata-token: \(token)", credentialsURL + "deploy"])
        #expect(credentials.code == "200")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(credentials.body.utf8)) as? [String: String])
        #expect(object["Code"] == "Success" && object["Type"] == "AWS-HMAC" && object["AccessKeyId"] == "ASIAFAKE1")
        #expect(object["SecretAccessKey"] != nil && object["Token"] != nil && object["Expiration"] != nil && object["LastUpdated"] != nil)
        #expect(try await curl(["-H", "X-aws-ec2-metadata-token: \(token)", credentialsURL + "other-role"]).code == "404")
        #expect(try await curl(["-X", "POST", "-H", "X-aws-ec2-metadata-token: \(token)", credentialsURL]).code == "405")
        #expect(served.reports.all.allSatisfy { !$0.contains(token) })
    }

    @Test func tokensExpireAtTheirTTL() async throws {
        let served = try await start()
        defer { served.task.cancel() }
        let regionURL = served.url + "latest/meta-data/placement/region"
        let short = try await token(served, ttl: "1")
        #expect(try await curl(["-H", "X-aws-ec2-metadata-token: \(short)", regionURL]).body == "eu-west-2")
        served.clock.advance(2)
        #expect(try await curl(["-H", "X-aws-ec2-metadata-token: \(short)", regionURL]).code == "401")
    }

    @Test func theOldestOfSixtyFiveTokensIsEvicted() async throws {
        let served = try await start()
        defer { served.task.cancel() }
        let regionURL = served.url + "latest/meta-data/placement/region"
        var tokens: [String] = []
        for _ in 0..<(InstanceMetadataEndpoint.maximumTokens + 1) { tokens.append(try await token(served)) }
        #expect(try await curl(["-H", "X-aws-ec2-metadata-token: \(tokens[0])", regionURL]).code == "401")
        #expect(try await curl(["-H", "X-aws-ec2-metadata-token: \(tokens[1])", regionURL]).code == "200")
        #expect(try await curl(["-H", "X-aws-ec2-metadata-token: \(tokens[64])", regionURL]).code == "200")
    }

    @Test func thePathsSDKsAskForAreAnswered() async throws {
        let served = try await start()
        defer { served.task.cancel() }
        let token = try await token(served)
        func get(_ path: String) async throws -> (code: String, body: String) {
            try await curl(["-H", "X-aws-ec2-metadata-token: \(token)", served.url + path])
        }
        #expect(try await get("latest/meta-data/placement/availability-zone").body == "eu-west-2a")
        let info = try await get("latest/meta-data/iam/info")
        #expect(info.body.contains("\"InstanceProfileArn\":\"arn:aws:iam::123456789012:instance-profile/deploy\""), "\(info.body)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(try await get("latest/dynamic/instance-identity/document").body.utf8)) as? [String: String])
        #expect(document["region"] == "eu-west-2" && document["accountId"] == "123456789012")
        #expect(try await get("latest/user-data").code == "404")
    }

    /// IMDS has no caller secret: a process of another user is refused whatever it sends.
    @Test(.enabled(if: getuid() == 0, "setpriv --reuid needs root"))
    func anotherUsersProcessIsRefused() async throws {
        let served = try await start()
        defer { served.task.cancel() }
        let nobody = ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups"]
        let refused = try await curl(["-X", "PUT", "-H", "X-aws-ec2-metadata-token-ttl-seconds: 60", served.url + "latest/api/token"], as: nobody)
        #expect(refused.code == "403")
        #expect(served.reports.all.contains { $0.contains("another user (uid 65534)") }, "\(served.reports.all)")
        #expect(try await token(served).count > 20)
    }
}
