import Foundation

/// A long-running program a test starts (a server), its output in files, stopped with SIGKILL
/// when the test is done (Foundation children may inherit blocked signals).
public final class BackgroundProcess: @unchecked Sendable {
    private let process = Process()
    public let outputPath: String
    public let errorPath: String

    public init(_ executable: String, _ arguments: [String], environment: [String: String], directory: String) throws {
        outputPath = directory + "/\(UUID().uuidString).out"
        errorPath = directory + "/\(UUID().uuidString).err"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        try process.run()
    }

    public var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }
    public var errors: String { (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "" }

    /// The first match of `pattern` in stdout, waiting up to `seconds`.
    public func waitForOutput(matching pattern: String, seconds: Double = 30) async throws -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let range = output.range(of: pattern, options: .regularExpression) { return String(output[range]) }
            guard process.isRunning else { return nil }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    public var pid: pid_t { process.processIdentifier }

    /// Waits for the program to end: its exit status, or 128 + signal.
    public func exitStatus() -> Int32 {
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }

    public func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { kill() }
}
