#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Issuance
import IssuanceCore
import IssuerProtocol
import RolesAnywhere
import TokenKeys

/// What a command touches outside itself, so tests run the same code with fakes.
public struct SessionContext: Sendable {
    public var environment: [String: String]
    public var now: @Sendable () -> Date
    public var transport: any HTTPTransport
    public var home: SecureDirectory
    /// Where codes, PINs and passphrases are asked for.
    public var terminal: any Terminal
    /// Where TOTP seeds come from.
    public var random: RandomSource
    /// How to reach the team issuer, given the pinned certificate; nil means HTTPS.
    public var issuerTransport: (@Sendable (_ pinnedCertificatePEM: String?) throws -> any HTTPTransport)?

    public init(environment: [String: String], now: @escaping @Sendable () -> Date = Date.init,
                transport: any HTTPTransport, home: SecureDirectory? = nil,
                terminal: any Terminal = ControllingTerminal(), random: RandomSource = .system) {
        self.environment = environment
        self.now = now
        self.transport = transport
        self.home = home ?? Home.directory(environment: environment)
        self.terminal = terminal
        self.random = random
    }

    public var config: ConfigStore { ConfigStore(directory: home) }
    public var localCAStore: LocalCAStore { LocalCAStore(directory: home) }
    public var mfaState: FileMFAStateStore { FileMFAStateStore(directory: home) }

    public var loginStore: IssuerLoginStore { IssuerLoginStore(directory: home) }

    /// Where a token's PIN comes from: `--pin-command`; nil: the profile's `--pin-command`, else the terminal.
    public var pin: PINSource?
    /// `--pkcs11-module PATH`: the module for token keys, before the one the config remembers.
    public var pkcs11Module: String?

    /// How this command reaches keys on tokens, for `profile` (its `--pin-command`) or for none.
    public func tokens(for profile: Profile? = nil) -> TokenAccess {
        let pin = pinSource(for: profile)
        let terminal = terminal
        return TokenAccess(moduleOverride: pkcs11Module, environment: environment) { try pin.obtain(tokenLabel: $0, on: terminal, environment: environment) }
    }

    /// `--pin-command`, else the profile's, else the terminal.
    func pinSource(for profile: Profile?) -> PINSource { pinSource(profileCommand: profile?.pinCommand) }

    /// `--pin-command`, else `profileCommand` (a profile's, or one being added), else the terminal.
    func pinSource(profileCommand: String?) -> PINSource {
        pin ?? profileCommand.map(PINSource.command) ?? .terminalPrompt
    }

    /// Where warnings go (standard error, in the commands).
    public var warn: @Sendable (String) -> Void = { _ in }

    /// Where the team issuer's transport says that the issuer keeps the command waiting (standard
    /// error, unless the command is quiet); `transport` is made with its own.
    public var progress: (@Sendable (String) -> Void)?

    /// Said when the local replay guard's state is gone while profiles rely on it. Local state cannot
    /// be protected from its own user, so deleting `mfa-state.json` resets the replay guard and the
    /// lockout; it is at least reported, here and in `status`, until the next MFA check writes it again.
    public func missingMFAState(profiles: [Profile]) -> String? {
        // A chained profile's MFA is its source's, which is in the list when it matters.
        guard profiles.contains(where: { if case .localCA = $0.kind { $0.mfa == .required } else { false } }),
              FileManager.default.fileExists(atPath: localCAStore.path), !mfaState.exists else { return nil }
        return "\(mfaState.path) is missing: the replay guard and the lockout started over, so a code used in the last minute counts again. If you did not remove it, something running as you did. The next MFA check writes it again"
    }

    /// The embedded issuer over this home.
    public var localIssuer: LocalIssuer { localIssuer(for: nil) }

    func localIssuer(for profile: Profile?) -> LocalIssuer {
        LocalIssuer(store: localCAStore, mfaState: mfaState, tokens: tokens(for: profile), now: now)
    }

    public func teamIssuerTransport(pinnedCertificatePEM: String?) throws -> any HTTPTransport {
        try issuerTransport?(pinnedCertificatePEM) ?? IssuerTLS.transport(pinnedCertificatePEM: pinnedCertificatePEM, environment: environment, progress: progress)
    }

    /// The issuer that certifies keys for `profile`: the team issuer of the current login for
    /// profiles `rolecall login` wrote, else the embedded one.
    public func issuer(for profile: Profile) throws -> any Issuer {
        guard profile.kind.isTeamIssuer else { return localIssuer(for: profile) }
        let login = try loginStore.load()
        guard login.secondsLeft(at: now()) > 0 else {
            throw IssuanceRefusal(reason: .tokenExpired, message: "the login session with the team issuer ended at \(RFC3339.string(from: login.expiresAt)): run `rolecall login` again")
        }
        return RemoteIssuer(login: login, transport: try teamIssuerTransport(pinnedCertificatePEM: login.pinnedCertificatePEM))
    }
}
