import Foundation
import Synchronization
import Testing

/// Temporary directories made by `Paths.temporaryDirectory` hold CA keys and TOTP seeds: each test
/// with this trait gets a root of its own, removed when the test ends. Directories made outside
/// such a test are removed when the test process exits.
public struct RemovesTemporaryFiles: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
        testCase == nil ? nil : self
    }

    public func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let root = try Paths.makeTemporaryDirectory(in: "/tmp", prefix: "rolecall-test-run")
        defer { try? FileManager.default.removeItem(atPath: root) }
        // Searchable by others, not listable: a test may run rolecall as another user (setpriv) in a
        // directory inside it. Each directory in it is mkdtemp's own 0700.
        chmod(root, 0o711)
        try await TemporaryFiles.$root.withValue(root) { try await function() }
    }
}

extension Trait where Self == RemovesTemporaryFiles {
    /// Removes the temporary directories each test made when it ends.
    public static var removesTemporaryFiles: Self { RemovesTemporaryFiles() }
}

enum TemporaryFiles {
    @TaskLocal static var root: String?

    /// Directories made with no test root, removed at exit.
    private static let leftovers = Mutex<[String]>([])
    private static let registerExitHandler: Void = { atexit { TemporaryFiles.removeLeftovers() } }()

    static func remember(_ directory: String) {
        _ = registerExitHandler
        leftovers.withLock { $0.append(directory) }
    }

    static func removeLeftovers() {
        for directory in leftovers.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: directory) }
    }
}
