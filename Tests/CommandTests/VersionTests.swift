import Foundation
import Testing
import TestSupport

/// `--version` names the commit of the checkout a plain `swift build` built (the BuildCommit
/// plugin), not "unknown" as when only `make build` stamped it.
@Suite struct VersionTests {
    @Test(arguments: ["rolecall", "rolecall-issuer"])
    func versionNamesACommitOfThisCheckout(program: String) async throws {
        let outcome = try await ProcessRunner.run("\(Paths.products)/\(program)", ["--version"])
        #expect(outcome.status == 0)
        let pattern = try #require(try Regex(#"^\S+ \d+\.\d+\.\d+ \(([0-9a-f]{12})(-dirty)?\)\n$"#).wholeMatch(in: outcome.stdout), "\(outcome.stdout)")
        let commit = String(try #require(pattern.output[1].substring))
        // Another commit may have landed since the build: the commit only has to be one of this checkout.
        let known = try await ProcessRunner.run("git", ["-C", Paths.packageRoot, "cat-file", "-e", "\(commit)^{commit}"])
        #expect(known.status == 0, "\(commit) is not a commit of \(Paths.packageRoot)")
    }
}
