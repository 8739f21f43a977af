#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Issuance
import IssuanceCore
import RolesAnywhere

/// What `rolecall status` shows: CA, profiles, MFA devices (no secrets), and the current session.
public struct StatusReport: Sendable {
    public struct CurrentSession: Sendable {
        public let profile: String
        public let roleArn: String?
        public let credentialsExpire: Date?
        public let mfaWindowEnds: Date?
    }

    public let home: String
    public let problem: String?
    public let caFingerprint: String?
    public let caExpires: Date?
    public let profiles: [Profile]
    public let devices: [LocalSetup.Device]
    public let session: CurrentSession?
    /// The team issuer login, when there is one (never its token).
    public let teamLogin: (user: String, urls: [String], expiresAt: Date)?
    /// The agent of this tree (`ROLECALL_AGENT`): what it says of itself, or why it could not be asked.
    public let agent: Result<AgentInfo, AgentError>?
    public let now: Date

    public static func gather(context: SessionContext) -> StatusReport {
        let environment = context.environment
        let session = environment[SessionEnvironment.sessionVariable].map { name in
            CurrentSession(
                profile: name,
                roleArn: environment[SessionEnvironment.roleVariable],
                credentialsExpire: environment["AWS_CREDENTIAL_EXPIRATION"].flatMap(RFC3339.date(from:)),
                mfaWindowEnds: environment[SessionEnvironment.mfaWindowVariable].flatMap(RFC3339.date(from:))
            )
        }
        var problem: String?
        var authority: StoredAuthority?
        var profiles: [Profile] = []
        var devices: [LocalSetup.Device] = []
        var login: IssuerLogin?
        do {
            try context.home.checkDirectory()
            login = try context.loginStore.loadIfPresent()
            profiles = try context.config.profiles()
            // A person who only uses a team issuer (logged in now, or before `logout`) has no
            // local CA, and needs none.
            let teamUser = login != nil || profiles.contains { $0.kind.isTeamIssuer } || (try? context.loginStore.settings()) != nil
            if !teamUser || FileManager.default.fileExists(atPath: context.localCAStore.path) {
                authority = try context.localCAStore.currentAuthority()
                devices = try LocalSetup(context: context).devices()
            }
            if teamUser, login == nil {
                do { _ = try context.loginStore.load() } catch { problem = "\(error)" }
            }
            problem = problem ?? context.missingMFAState(profiles: profiles)
        } catch {
            problem = "\(error)"
        }
        return StatusReport(
            home: context.home.path, problem: problem, caFingerprint: authority?.fingerprintSHA256,
            caExpires: authority?.certificate.notValidAfter, profiles: profiles, devices: devices,
            session: session, teamLogin: login.map { ($0.user, $0.urls, $0.expiresAt) }, agent: agent(environment), now: context.now()
        )
    }

    private static func agent(_ environment: [String: String]) -> Result<AgentInfo, AgentError>? {
        guard let value = environment[AgentAddress.variable], !value.isEmpty else { return nil }
        return Result { () throws(AgentError) in try AgentClient.info(address: try AgentAddress(parsing: value)) }
    }

    static func mfaLabel(_ profile: Profile) -> String {
        switch profile.mfaShown {
        case .required: "MFA"
        case .token: "MFA: token"
        case .login: "MFA at login"
        case .off: "no MFA"
        }
    }

    public func text() -> String {
        var lines = ["home: \(home)"]
        if let problem { lines.append("problem: \(problem)") }
        if let caFingerprint, let caExpires {
            lines.append("CA: \(caFingerprint), expires \(RFC3339.string(from: caExpires))")
        }
        lines.append("profiles: " + (profiles.isEmpty ? "none" : profiles.map { "\($0.name) (\(Self.mfaLabel($0)))" }.joined(separator: ", ")))
        lines.append("MFA devices: " + (devices.isEmpty ? (teamLogin == nil && !profiles.contains { $0.kind.isTeamIssuer } ? "none" : "kept by the team issuer") : devices.map { device in
            device.name + (device.lockedUntil.map { " (locked until \(RFC3339.string(from: $0)))" } ?? "")
        }.joined(separator: ", ")))
        if let teamLogin {
            lines.append("team issuer: \(teamLogin.user) at \(teamLogin.urls.joined(separator: ", ")), login session \(left(until: teamLogin.expiresAt))")
        }
        switch agent {
        case .success(let info)?:
            lines.append("agent: pid \(info.pid), " + info.profiles.map { profile in
                profile.name + (profile.windowEnd.map { " (MFA window \(left(until: $0)))" } ?? "")
            }.joined(separator: ", "))
        case .failure(let error)?:
            lines.append("agent: \(error)")
        case nil:
            break
        }
        if let session {
            var line = "session: \(session.profile)"
            if let role = session.roleArn { line += ", role \(role)" }
            if let expires = session.credentialsExpire { line += ", credentials \(left(until: expires))" }
            if let window = session.mfaWindowEnds { line += ", MFA window \(left(until: window))" }
            lines.append(line)
        } else if agent == nil {
            lines.append("session: none (not inside rolecall exec)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public func json() -> String {
        func secondsLeft(_ until: Date?) -> JSONValue { .int(until.map { max(Int($0.timeIntervalSince(now)), 0) }) }
        let object: JSONValue = [
            "home": .string(home),
            "profiles": .array(profiles.map { ["name": .string($0.name), "roleArn": .string($0.roleArn), "mfa": .string($0.mfa.rawValue)] }),
            "mfaDevices": .array(devices.map { ["name": .string($0.name), "lockedUntil": .string($0.lockedUntil.map(RFC3339.string(from:)))] }),
            "problem": .string(problem),
            "teamIssuer": teamLogin.map { login in
                ["user": .string(login.user), "urls": .array(login.urls.map(JSONValue.string)),
                 "loginExpires": .string(RFC3339.string(from: login.expiresAt)), "secondsLeft": secondsLeft(login.expiresAt)]
            } ?? .null,
            "ca": caFingerprint.map { ["fingerprintSHA256": .string($0), "notValidAfter": .string(caExpires.map(RFC3339.string(from:)) ?? "")] } ?? .null,
            "agent": agentJSON,
            "session": session.map { session in
                ["profile": .string(session.profile), "roleArn": .string(session.roleArn),
                 "credentialsExpire": .string(session.credentialsExpire.map(RFC3339.string(from:))),
                 "secondsLeft": secondsLeft(session.credentialsExpire),
                 "mfaWindowEnds": .string(session.mfaWindowEnds.map(RFC3339.string(from:))),
                 "mfaWindowSecondsLeft": secondsLeft(session.mfaWindowEnds)]
            } ?? .null,
        ]
        return object.line + "\n"
    }

    private var agentJSON: JSONValue {
        switch agent {
        case .success(let info)?:
            ["pid": .int(Int(info.pid)), "profiles": .array(info.profiles.map { profile in
                ["name": .string(profile.name), "mfaWindowEnds": .string(profile.windowEnd.map(RFC3339.string(from:)))] as JSONValue
            })]
        case .failure(let error)?: ["problem": .string(error.description)]
        case nil: .null
        }
    }

    private func left(until date: Date) -> String {
        let seconds = Int(date.timeIntervalSince(now))
        return seconds > 0 ? "\(DurationText.format(seconds)) left (until \(RFC3339.string(from: date)))" : "expired at \(RFC3339.string(from: date))"
    }
}
