import Foundation
import Testing
import TestSupport

/// `exec --imds` through the built executable: the child's SDKs find credentials only through the
/// supervisor's IMDSv2 endpoint (AWS_EC2_METADATA_SERVICE_ENDPOINT), for as long as it lives.
@Suite(.removesTemporaryFiles) struct InstanceMetadataModeTests {
    @Test func boto3AndBothAWSCLIsGetTheRoleThroughIMDSv2() async throws {
        let world = try await CLIWorld.withEmulator()
        let url = try #require(world.harness?.url)
        // Keys in a credentials file would come first in the SDKs' chain: the child does not see them.
        try "[default]\naws_access_key_id = AKIASTALE\naws_secret_access_key = stale\n".write(toFile: world.base + "/aws-credentials", atomically: true, encoding: .utf8)
        let cliV2 = FileManager.default.isExecutableFile(atPath: "/usr/bin/aws") ? "/usr/bin/aws sts get-caller-identity --endpoint-url \(url) --query Arn --output text" : "echo no-v2"
        let script = """
        env | grep -c -E '^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|CONTAINER_[A-Z_]+)=' || true
        echo "endpoint=$AWS_EC2_METADATA_SERVICE_ENDPOINT v1=$AWS_EC2_METADATA_V1_DISABLED credentials=$AWS_SHARED_CREDENTIALS_FILE"
        aws sts get-caller-identity --endpoint-url \(url) --query Arn --output text
        \(cliV2)
        \(Paths.python) -c 'import boto3; print(boto3.client("sts", endpoint_url="\(url)").get_caller_identity()["Arn"])'
        """
        let outcome = try await world.rolecall(["exec", "--imds", "--mfa-code", world.code(), "--", "sh", "-c", script],
                                               environment: ["AWS_ACCESS_KEY_ID": "AKIASTALE", "AWS_SHARED_CREDENTIALS_FILE": world.base + "/aws-credentials"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "0", "no static keys and no container variables in the child: \(outcome.stdout)")
        #expect(lines.count > 1 && lines[1].hasPrefix("endpoint=http://127.0.0.1:") && lines[1].hasSuffix("v1=true credentials=/dev/null"), "\(outcome.stdout)")
        let expectedClients = FileManager.default.isExecutableFile(atPath: "/usr/bin/aws") ? 3 : 2
        #expect(lines.filter { $0.hasPrefix("arn:aws:sts::123456789012:assumed-role/test-role/") }.count == expectedClients, "\(outcome.stdout)")
        #expect(world.createSessions.count == 1)
    }

    /// `exec --imds` with a default profile of its own in ~/.aws/config, the child printing the endpoint.
    func imdsWithADefaultProfile() async throws -> ProcessOutcome {
        let world = try await CLIWorld.withEmulator()
        try "[default]\ncredential_process = /bin/false\n".write(toFile: world.base + "/aws-config", atomically: true, encoding: .utf8)
        return try await world.rolecall(["exec", "--imds", "--quiet", "--mfa-code", world.code(), "--", "sh", "-c",
                                         "echo \"$AWS_EC2_METADATA_SERVICE_ENDPOINT\""])
    }

    @Test func aDefaultProfileWithCredentialsOfItsOwnIsWarnedOf() async throws {
        let outcome = try await imdsWithADefaultProfile()
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("gives the default profile its own credentials (credential_process)"), "\(outcome.stderr)")
    }

    @Test func theEndpointClosesWhenTheChildExits() async throws {
        let outcome = try await imdsWithADefaultProfile()
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let endpoint = outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(endpoint.hasPrefix("http://127.0.0.1:"))
        let after = try await ProcessRunner.run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2", "-X", "PUT",
                                                        "-H", "X-aws-ec2-metadata-token-ttl-seconds: 60", endpoint + "latest/api/token"])
        #expect(after.stdout == "000", "nothing answers after the session")
    }
}
