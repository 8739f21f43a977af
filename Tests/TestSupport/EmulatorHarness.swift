import Foundation
import RolesAnywhere
import RolesAnywhereEmulator
import X509

/// The emulator on a loopback port inside the test process, with the records of what it decided.
public final class EmulatorHarness: Sendable {
    public static let account = "123456789012"
    public static let region = "us-east-1"
    public static let roleArn = "arn:aws:iam::123456789012:role/test-role"
    public static let otherRoleArn = "arn:aws:iam::123456789012:role/unlisted"
    /// Assumable with AssumeRole by `roleArn`'s sessions (role chaining).
    public static let targetRoleArn = "arn:aws:iam::210987654321:role/target-role"
    /// Assumable by `roleArn`'s sessions with the external ID `partnerExternalId`.
    public static let partnerRoleArn = "arn:aws:iam::210987654321:role/partner-role"
    public static let partnerExternalId = "partner-7f3e"
    public static let profileArn = "arn:aws:rolesanywhere:us-east-1:123456789012:profile/11111111-2222-3333-4444-555555555555"
    public static let disabledProfileArn = "arn:aws:rolesanywhere:us-east-1:123456789012:profile/disabled"
    public static let trustAnchorArn = "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
    public static let disabledTrustAnchorArn = "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/disabled"

    public let url: String
    public let emulator: Emulator
    private let task: Task<Void, any Error>
    private let recorder: Recorder

    /// The standard test world: one enabled anchor for `caPEM`, a disabled one, an enabled profile
    /// listing `roleArn` (1 h), a disabled profile, roles of 1 h; `targetRoleArn` and
    /// `partnerRoleArn` assumable from `roleArn` (their credentials living `assumedLifetime`, if given).
    public static func standardConfig(caPEM: String, directory: String, profileDuration: Int = 3600, acceptRoleSessionName: Bool = false,
                                      roleConditions: [String: [String]] = [:], assumedLifetime: Int? = nil) throws -> LoadedEmulatorConfig {
        let caPath = "\(directory)/emulator-ca.pem"
        try caPEM.write(toFile: caPath, atomically: true, encoding: .utf8)
        // No accountId: the chained roles live in another account.
        let config = EmulatorConfig(
            trustAnchors: [.init(arn: trustAnchorArn, certificatePath: caPath), .init(arn: disabledTrustAnchorArn, certificatePath: caPath, enabled: false)],
            profiles: [
                .init(arn: profileArn, roleArns: [roleArn], durationSeconds: profileDuration, acceptRoleSessionName: acceptRoleSessionName),
                .init(arn: disabledProfileArn, roleArns: [roleArn], durationSeconds: 3600, enabled: false),
            ],
            roles: [
                .init(arn: roleArn, maxSessionDuration: 3600, principalTagConditions: roleConditions), .init(arn: otherRoleArn, maxSessionDuration: 3600),
                .init(arn: targetRoleArn, maxSessionDuration: 7200, assumableBy: [roleArn], assumedLifetimeSeconds: assumedLifetime),
                .init(arn: partnerRoleArn, assumableBy: [roleArn], externalId: partnerExternalId),
            ]
        )
        return try LoadedEmulatorConfig(config, baseDirectory: URL(fileURLWithPath: directory))
    }

    public static func start(_ config: LoadedEmulatorConfig, now: @escaping @Sendable () -> Date = Date.init) async throws -> EmulatorHarness {
        let recorder = Recorder()
        let emulator = Emulator(config: config, now: now, log: { record in recorder.append(record) })
        let (urls, continuation) = AsyncStream.makeStream(of: String.self)
        let task = Task { try await EmulatorServer(emulator: emulator).run { continuation.yield($0) } }
        var iterator = urls.makeAsyncIterator()
        guard let url = await iterator.next() else { throw CocoaError(.featureUnsupported) }
        return EmulatorHarness(url: url, emulator: emulator, task: task, recorder: recorder)
    }

    private init(url: String, emulator: Emulator, task: Task<Void, any Error>, recorder: Recorder) {
        self.url = url
        self.emulator = emulator
        self.task = task
        self.recorder = recorder
    }

    /// What the emulator decided, oldest first.
    public var records: [RequestRecord] { recorder.all }

    public func stop() { task.cancel() }

    deinit { task.cancel() }

    final class Recorder: @unchecked Sendable {
        private let lock = NSLock()
        private var records: [RequestRecord] = []
        func append(_ record: RequestRecord) { lock.withLock { records.append(record) } }
        var all: [RequestRecord] { lock.withLock { records } }
    }
}
