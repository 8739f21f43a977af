import Foundation
import RolesAnywhere
@testable import Session
import Testing
import TestSupport

/// The console's one-time loopback redirect, in-process, while it still serves.
@Suite struct OneTimeRedirectTests {
    @Test func itRedirectsOnceThenAnswersNothing() async throws {
        let secret = "https://signin.example/federation?Action=login&SigninToken=secret-token"
        let redirect = OneTimeRedirect(to: SecretBytes(secret))
        let (urls, continuation) = AsyncStream.makeStream(of: String.self)
        let server = Task { try await redirect.run { continuation.yield($0) } }
        defer { server.cancel() }
        var iterator = urls.makeAsyncIterator()
        let url = try #require(await iterator.next())
        func get(_ target: String) async throws -> String {
            try await ProcessRunner.run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", "--max-time", "10", target]).stdout
        }
        #expect(try await get(url + "x").hasPrefix("404"), "another path gets nothing, and spends nothing")
        #expect(try await get(url) == "302 \(secret)")
        #expect(try await get(url).hasPrefix("404"), "a second request finds nothing")
    }
}
