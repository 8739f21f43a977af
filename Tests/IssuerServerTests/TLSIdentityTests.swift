import Foundation
@testable import IssuerServer
import IssuerStorage
import Testing
import TestSupport
import X509

/// The self-signed TLS identity every replica shares.
@Suite(.removesTemporaryFiles) struct TLSIdentityTests {
    @Test func theSelfSignedCertificateIsKeptUntilNearItsEndThenRenewedOnce() async throws {
        try await Backend.sqlite.withFreshDatabase { fresh in
            let database = try await fresh.open()
            let key = try IssuerKey(text: IssuerKey.generateText())
            let vault = IssuerVault(database: database, key: key)
            let start = Date()
            let first = try await vault.tlsIdentity(hosts: ["127.0.0.1"], now: start)
            #expect(!first.renewed)
            let ends = try Certificate(pemEncoded: first.certificatePEM).notValidAfter
            let later = try await vault.tlsIdentity(hosts: ["127.0.0.1"], now: ends.addingTimeInterval(-SelfSignedServerCertificate.renewBefore - 60))
            #expect(!later.renewed && later.certificatePEM == first.certificatePEM)
            let near = ends.addingTimeInterval(-SelfSignedServerCertificate.renewBefore + 60)
            let renewed = try await vault.tlsIdentity(hosts: ["issuer-b.example"], now: near)
            #expect(renewed.renewed && renewed.certificatePEM != first.certificatePEM)
            let renewal = try Certificate(pemEncoded: renewed.certificatePEM)
            #expect(renewal.notValidAfter > ends)
            // Every name of the old one stays (other replicas are reached by them), and the new host joins.
            let oldNames = Set(try #require(try Certificate(pemEncoded: first.certificatePEM).extensions.subjectAlternativeNames))
            let newNames = Set(try #require(try renewal.extensions.subjectAlternativeNames))
            #expect(newNames.isSuperset(of: oldNames))
            #expect(newNames.contains(.dnsName("issuer-b.example")))
            // Another replica starting at the same time uses the renewed one.
            let other = try await IssuerVault(database: try await fresh.open(), key: key).tlsIdentity(hosts: ["127.0.0.1"], now: near)
            #expect(!other.renewed && other.certificatePEM == renewed.certificatePEM)
        }
    }
}
