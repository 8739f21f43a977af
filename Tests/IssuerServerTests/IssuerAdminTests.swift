import Foundation
import Issuance
@testable import IssuerServer
import IssuanceCore
import IssuerStorage
import Testing
import TestSupport

/// `issuer init` and what a replica checks when it starts.
@Suite(.removesTemporaryFiles) struct IssuerAdminTests {
    static func admin(_ database: any IssuerDatabase, _ key: IssuerKey) -> IssuerAdmin {
        IssuerAdmin(database: database, key: key, bcryptCost: 4)
    }

    @Test func aSecondInitIsRefusedAndChangesNothing() async throws {
        try await Backend.sqlite.withFreshDatabase { fresh in
            let database = try await fresh.open()
            let key = try IssuerKey(text: IssuerKey.generateText())
            let first = try await Self.admin(database, key).initialize(commonName: "first")
            let error = await #expect(throws: IssuerSetupError.self) { _ = try await Self.admin(database, key).initialize(commonName: "second") }
            #expect(error?.description == IssuerAdmin.alreadyInitialized.description)
            #expect(try await database.authorities().count == 1)
            #expect(try await IssuerVault(database: database, key: key).currentAuthority().fingerprintSHA256 == first.fingerprintSHA256)
        }
    }

    /// An init stopped between its two writes is finished by the next one, with the same key.
    @Test func anInterruptedInitIsFinishedByTheNext() async throws {
        try await Backend.sqlite.withFreshDatabase { fresh in
            let database = try await fresh.open()
            let key = try IssuerKey(text: IssuerKey.generateText())
            let vault = IssuerVault(database: database, key: key)
            let authority = try CertificateAuthority.generate(commonName: "half-way", now: Date())
            try await vault.addAuthority(authority, now: Date())
            #expect(try await !IssuerAdmin.isInitialized(database))
            let finished = try await Self.admin(database, key).initialize(commonName: "again")
            #expect(finished.fingerprintSHA256 == authority.fingerprintSHA256)
            #expect(try await IssuerAdmin.isInitialized(database))
            _ = try await vault.tokenSigner()
        }
    }

    @Test func anInitStoppedAfterTheTokenKeyIsFinishedByTheNext() async throws {
        try await Backend.sqlite.withFreshDatabase { fresh in
            let database = try await fresh.open()
            let key = try IssuerKey(text: IssuerKey.generateText())
            try await IssuerVault(database: database, key: key).createTokenKey()
            let tokenKey = try await database.setting(IssuerVault.tokenKeySetting)
            #expect(try await !IssuerAdmin.isInitialized(database))
            _ = try await Self.admin(database, key).initialize(commonName: "again")
            #expect(try await IssuerAdmin.isInitialized(database))
            #expect(try await database.setting(IssuerVault.tokenKeySetting) == tokenKey)
        }
    }

    @Test func aHalfInitialisedIssuerIsNotFinishedWithAnotherKey() async throws {
        try await Backend.sqlite.withFreshDatabase { fresh in
            let database = try await fresh.open()
            try await IssuerVault(database: database, key: try IssuerKey(text: IssuerKey.generateText())).createTokenKey()
            let other = try IssuerKey(text: IssuerKey.generateText())
            let error = await #expect(throws: IssuerSetupError.self) { _ = try await Self.admin(database, other).initialize(commonName: "x") }
            #expect(error?.description.contains("does not open with this issuer key") == true)
            #expect(try await database.authorities().isEmpty)
        }
    }

    @Test func aReplicaWithAnotherKeyOrNoInitDoesNotStart() async throws {
        try await Backend.sqlite.withFreshDatabase { fresh in
            let database = try await fresh.open()
            let key = try IssuerKey(text: IssuerKey.generateText())
            let uninitialised = await #expect(throws: IssuerSetupError.self) { _ = try await IssuerService.make(database: database, key: key) }
            #expect(uninitialised?.description.contains("rolecall issuer init") == true)
            _ = try await Self.admin(database, key).initialize(commonName: "issuer")
            let wrongKey = await #expect(throws: IssuerSetupError.self) {
                _ = try await IssuerService.make(database: database, key: try IssuerKey(text: IssuerKey.generateText()))
            }
            #expect(wrongKey?.description.contains("does not open with this issuer key") == true)
            _ = try await IssuerService.make(database: database, key: key, options: .fast)
        }
    }
}
