#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RolesAnywhere

/// The supervisor's (or an agent's, per profile) current AWS credentials: fetched with
/// CreateSession, refreshed when less than the margin (5 minutes, the agent's 15) or 10 % of their
/// life remain, never valid beyond the certificate (the MFA window).
/// CreateSession grants no less than 900 s, so with less than that left in the window there is no
/// refresh: the current credentials are served until they expire, then the window is over.
/// Concurrent callers share one refresh.
public actor CredentialCache {
    /// The container-credentials JSON for one credential set, kept in locked memory.
    public struct Entry: Sendable {
        public let body: LockedBuffer
        public let expiration: Date
        public let fetchedAt: Date
    }

    public enum Failure: Error, Sendable, CustomStringConvertible {
        case windowOver(Date)
        case refreshFailed(String)

        public var description: String {
            switch self {
            case .windowOver(let end):
                "the MFA window of this rolecall session is over (its certificate expires at \(RFC3339.string(from: end)), and AWS sessions last at least 15 minutes); exit this session and start a new one with `rolecall exec --server`"
            case .refreshFailed(let reason):
                "rolecall could not refresh the credentials: \(reason)"
            }
        }
    }

    /// How the credentials are served: the container protocol's JSON, EC2 instance metadata's, or
    /// AWS's `credential_process` JSON (the agent's answers).
    public enum Format: Sendable {
        case container, instanceMetadata, credentialProcess
    }

    public static let minimumMargin: TimeInterval = 300

    private let windowEnd: Date
    private let margin: TimeInterval
    private let policyDurationSeconds: Int
    private let now: @Sendable () -> Date
    private let fetch: @Sendable (_ durationSeconds: Int) async throws -> AWSCredentials
    private let format: Format
    private var current: Entry?
    private var inFlight: Task<Entry, any Error>?
    public private(set) var fetchCount = 0

    public init(windowEnd: Date, policyDurationSeconds: Int, format: Format = .container, margin: TimeInterval = minimumMargin,
                now: @escaping @Sendable () -> Date = Date.init,
                fetch: @escaping @Sendable (_ durationSeconds: Int) async throws -> AWSCredentials) {
        self.format = format
        self.margin = margin
        self.windowEnd = windowEnd
        self.policyDurationSeconds = policyDurationSeconds
        self.now = now
        self.fetch = fetch
    }

    /// Credentials good for a while yet, or a `Failure`.
    public func credentials() async throws -> Entry {
        let time = now()
        guard time < windowEnd else {
            wipe()
            throw Failure.windowOver(windowEnd)
        }
        if let current, !Self.needsRefresh(current, at: time, margin: margin) { return current }
        let task: Task<Entry, any Error>
        if let inFlight {
            task = inFlight
        } else {
            guard let duration = durationSeconds(at: time) else {
                // Too late for a session that would end within the window: what is left of the
                // current one, then nothing.
                if let current, current.expiration > time { return current }
                wipe()
                throw Failure.windowOver(windowEnd)
            }
            task = Task { [fetch, now, format] () throws -> Entry in
                let credentials = try await fetch(duration)
                defer { credentials.wipe() }
                let fetchedAt = now()
                return Entry(body: LockedBuffer(Self.render(credentials, as: format, fetchedAt: fetchedAt)), expiration: credentials.expiration, fetchedAt: fetchedAt)
            }
            inFlight = task
        }
        do {
            let entry = try await task.value
            if inFlight == task {
                inFlight = nil
                // The replaced entry is not wiped here: a request may be serving it right now. Its
                // locked pages are zeroed when the last reference goes.
                current = entry
                fetchCount += 1
            }
            return entry
        } catch {
            if inFlight == task { inFlight = nil }
            // Still-valid credentials beat none while AWS is briefly unavailable.
            if let current, current.expiration > time.addingTimeInterval(60) { return current }
            throw Failure.refreshFailed("\(error)")
        }
    }

    /// Less than the margin, or 10 % of the lifetime, left. A margin above the supervisor's 5 minutes
    /// (the agent's 15) is cut to half the lifetime, never below 5 minutes: credentials no longer
    /// than it (a 15-minute session) would otherwise be refreshed on every request.
    static func needsRefresh(_ entry: Entry, at time: Date, margin minimum: TimeInterval) -> Bool {
        let lifetime = entry.expiration.timeIntervalSince(entry.fetchedAt)
        var margin = max(minimum, lifetime * 0.1)
        if margin > minimumMargin { margin = max(min(margin, lifetime / 2), minimumMargin) }
        return entry.expiration.timeIntervalSince(time) < margin
    }

    /// The policy's duration shortened to the window's end; nil when less than CreateSession's
    /// 900 s are left, since any session asked for then would outlive the certificate.
    func durationSeconds(at time: Date) -> Int? {
        let windowLeft = Int(windowEnd.timeIntervalSince(time).rounded(.down))
        guard windowLeft >= SessionDurationPolicy.minimumSeconds else { return nil }
        return min(policyDurationSeconds, windowLeft)
    }

    public func wipe() {
        current?.body.wipe()
        current = nil
    }

    static func render(_ credentials: AWSCredentials, as format: Format = .container, fetchedAt: Date) -> [UInt8] {
        var object: [String: JSONValue] = [
            "AccessKeyId": .string(credentials.accessKeyId),
            "SecretAccessKey": .string(credentials.secretAccessKey.unsafeStringValue()),
            "Token": .string(credentials.sessionToken.unsafeStringValue()),
            "Expiration": .string(RFC3339.string(from: credentials.expiration)),
        ]
        if format == .credentialProcess { return CredentialProcessOutput.object(credentials).bytes }
        if format == .instanceMetadata {
            object["Code"] = .string("Success")
            object["Type"] = .string("AWS-HMAC")
            object["LastUpdated"] = .string(RFC3339.string(from: fetchedAt))
        }
        return JSONValue.object(object).bytes
    }
}
