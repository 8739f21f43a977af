import Foundation
import IssuanceCore
import Testing
import TestSupport

/// `rolecall demo --keep`: the emulator outlives the demo, and the lines it prints are enough to use
/// it from a shell and to stop it.
@Suite(.removesTemporaryFiles) struct DemoKeepTests {
    @Test func theKeptEmulatorAnswersAfterTheDemoAndStopsAsPrinted() async throws {
        let base = try Paths.temporaryDirectory()
        let environment = ["PATH": "\(Paths.products):" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"), "HOME": base, "TMPDIR": base]
        let demo = try await ProcessRunner.run(Paths.rolecall, ["demo", "--keep", "--", "true"], environment: environment)
        #expect(demo.status == 0, "\(demo.stderr)")
        let lines = demo.stdout.split(separator: "\n").map(String.init)
        let stop = try #require(lines.first { $0.hasPrefix("# kill ") }).dropFirst(2)
        let pid = try #require(Int32(stop.split(separator: " ")[1]))
        defer { kill(pid, SIGKILL) }
        let uri = try #require(lines.first { $0.hasPrefix("# otpauth://") }).dropFirst(2)
        // The demo spent the current step's code; the next step's is accepted once.
        let code = TOTP.code(secret: try OTPAuthURI(parsing: String(uri)).secret, step: TOTP.step(at: Date()) + 1)
        #expect(Self.demoHomes(in: base).count == 1, "the temporary home is kept")

        let script = "eval \"$(cat)\"\nrolecall exec --profile demo --mfa-code \(code) -- aws sts get-caller-identity --query Arn --output text\n"
        let used = try await ProcessRunner.run("bash", ["-c", script], environment: environment, input: demo.stdout)
        #expect(used.status == 0, "\(used.stderr)")
        #expect(used.stdout.hasPrefix("arn:aws:sts::123456789012:assumed-role/rolecall-demo/"), "\(used.stdout)")

        let stopped = try await ProcessRunner.run("sh", ["-c", String(stop)], environment: environment)
        #expect(stopped.status == 0, "\(stopped.stderr)")
        #expect(Self.demoHomes(in: base).isEmpty, "the stop line removes the temporary home")
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, Self.isRunning(pid) { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!Self.isRunning(pid), "the stop line stops the emulator")
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
