import Foundation
import IssuanceCore
import Testing
import TestSupport

/// `rolecall demo --keep`: the emulator outlives the demo, and the lines it prints are enough to use
/// it from a shell and to stop it.
@Suite(.removesTemporaryFiles) struct DemoKeepTests {
    /// What `demo --keep` left: its environment and temporary directory, what it printed, the
    /// printed stop line and the kept emulator's pid.
    struct Kept {
        let base: String
        let environment: [String: String]
        let printed: String
        let stop: String
        let pid: Int32
    }

    func keptDemo() async throws -> Kept {
        let base = try Paths.temporaryDirectory()
        let environment = ["PATH": "\(Paths.products):" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"), "HOME": base, "TMPDIR": base]
        let demo = try await ProcessRunner.run(Paths.rolecall, ["demo", "--keep", "--", "true"], environment: environment)
        #expect(demo.status == 0, "\(demo.stderr)")
        let lines = demo.stdout.split(separator: "\n").map(String.init)
        let stop = try #require(lines.first { $0.hasPrefix("# kill ") }).dropFirst(2)
        let pid = try #require(Int32(stop.split(separator: " ")[1]))
        return Kept(base: base, environment: environment, printed: demo.stdout, stop: String(stop), pid: pid)
    }

    @Test func theKeptEmulatorAnswersAfterTheDemo() async throws {
        let kept = try await keptDemo()
        defer { kill(kept.pid, SIGKILL) }
        let lines = kept.printed.split(separator: "\n").map(String.init)
        let uri = try #require(lines.first { $0.hasPrefix("# otpauth://") }).dropFirst(2)
        // The demo spent the current step's code; the next step's is accepted once.
        let code = TOTP.code(secret: try OTPAuthURI(parsing: String(uri)).secret, step: TOTP.step(at: Date()) + 1)
        #expect(Self.demoHomes(in: kept.base).count == 1, "the temporary home is kept")

        let script = "eval \"$(cat)\"\nrolecall exec --profile demo --mfa-code \(code) -- aws sts get-caller-identity --query Arn --output text\n"
        let used = try await ProcessRunner.run("bash", ["-c", script], environment: kept.environment, input: kept.printed)
        #expect(used.status == 0, "\(used.stderr)")
        #expect(used.stdout.hasPrefix("arn:aws:sts::123456789012:assumed-role/rolecall-demo/"), "\(used.stdout)")
    }

    @Test func thePrintedStopLineStopsTheKeptEmulator() async throws {
        let kept = try await keptDemo()
        defer { kill(kept.pid, SIGKILL) }
        let stopped = try await ProcessRunner.run("sh", ["-c", kept.stop], environment: kept.environment)
        #expect(stopped.status == 0, "\(stopped.stderr)")
        #expect(Self.demoHomes(in: kept.base).isEmpty, "the stop line removes the temporary home")
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, Self.isRunning(kept.pid) { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!Self.isRunning(kept.pid), "the stop line stops the emulator")
    }

    static func demoHomes(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasPrefix("rolecall-demo.") }
    }

    /// Alive and not a zombie waiting for a parent that is not this process.
    static func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        return !(stat.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).hasPrefix("Z") ?? false)
    }
}
