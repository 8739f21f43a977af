import Foundation
import Issuance
import RolesAnywhere

/// What a command touches outside itself, so tests run the same code with fakes.
public struct SessionContext: Sendable {
    public var environment: [String: String]
    public var now: @Sendable () -> Date
    public var transport: any HTTPTransport
    public var home: SecureDirectory

    public init(environment: [String: String], now: @escaping @Sendable () -> Date = Date.init,
                transport: any HTTPTransport, home: SecureDirectory? = nil) {
        self.environment = environment
        self.now = now
        self.transport = transport
        self.home = home ?? Home.directory(environment: environment)
    }

    public var config: ConfigStore { ConfigStore(directory: home) }
    public var issuerStore: IssuerStore { IssuerStore(directory: home) }
    public var mfaState: FileMFAStateStore { FileMFAStateStore(directory: home) }

    /// The embedded issuer over this home.
    public var localIssuer: LocalIssuer { LocalIssuer(store: issuerStore, mfaState: mfaState, now: now) }
}
