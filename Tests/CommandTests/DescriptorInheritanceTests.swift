import Foundation
import Testing
import TestSupport

/// What the session's command inherits: the descriptors rolecall itself inherited, and none that
/// rolecall or its libraries opened (the endpoint's listening socket, connections, epoll and eventfd).
@Suite(.removesTemporaryFiles) struct DescriptorInheritanceTests {
    /// Lists the child's open descriptors with what they point at, opening none itself.
    static let listDescriptors = """
    import os
    for fd in range(1024):
        try:
            print(fd, os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            pass
    """

    /// Runs rolecall from a shell that first opens descriptor 7 on a file, as `7<file rolecall …` would,
    /// behind `wrapper` (a command that then runs rolecall).
    func descriptors(_ world: CLIWorld, _ arguments: [String], wrapper: [String] = []) async throws -> [Int: String] {
        let marker = world.base + "/inherited-marker"
        _ = FileManager.default.createFile(atPath: marker, contents: Data())
        let command = (wrapper + [Paths.rolecall] + arguments + ["--", Paths.python, "-S", "-c", Self.listDescriptors]).map(posixQuoted).joined(separator: " ")
        let outcome = try await ProcessRunner.run("/bin/sh", ["-c", "exec 7<\(posixQuoted(marker)); exec \(command)"], environment: world.environment)
        try #require(outcome.status == 0, "\(outcome.stderr)")
        let pairs = outcome.stdout.split(separator: "\n").compactMap { line -> (Int, String)? in
            let fields = line.split(separator: " ", maxSplits: 1)
            guard fields.count == 2, let fd = Int(fields[0]) else { return nil }
            return (fd, String(fields[1]))
        }
        #expect(pairs.first { $0.0 == 7 }?.1 == marker, "the descriptor rolecall inherited passes through: \(outcome.stdout)")
        return Dictionary(pairs, uniquingKeysWith: { $1 })
    }

    /// Sockets and anonymous inodes (epoll, eventfd, timerfd) can only be rolecall's own: the
    /// harness passes files and pipes at most.
    func rolecallsOwn(_ descriptors: [Int: String]) -> [Int: String] {
        descriptors.filter { $0.key > 2 && ($0.value.hasPrefix("socket:") || $0.value.hasPrefix("anon_inode:")) }
    }

    @Test func execPassesNoSocketOrEpollDescriptor() async throws {
        let world = try await CLIWorld.withEmulator()
        let open = try await descriptors(world, ["exec", "--quiet", "--profile", "dev", "--mfa-code", world.code()])
        #expect(rolecallsOwn(open).isEmpty, "\(open)")
    }

    @Test func serverChildCannotReachTheListenerOrTheSupervisorsConnections() async throws {
        let world = try await CLIWorld.withEmulator()
        let open = try await descriptors(world, ["exec", "--server", "--quiet", "--profile", "dev", "--mfa-code", world.code()])
        #expect(rolecallsOwn(open).isEmpty, "\(open)")
    }

    /// Kernels before 5.11 have no `close_range(CLOSE_RANGE_CLOEXEC)`: strace makes it fail with
    /// ENOSYS, as there, and the descriptor-by-descriptor fallback must mark the same ones.
    @Test(arguments: [["exec"], ["exec", "--server"]])
    func withoutCloseRangeTheFallbackMarksTheSameDescriptors(mode: [String]) async throws {
        let world = try await CLIWorld.withEmulator()
        let log = world.base + "/close-range.log"
        let strace = ["strace", "-f", "-qq", "-o", log, "-e", "trace=close_range", "-e", "inject=close_range:error=ENOSYS"]
        let open = try await descriptors(world, mode + ["--quiet", "--profile", "dev", "--mfa-code", world.code()], wrapper: strace)
        #expect(rolecallsOwn(open).isEmpty, "\(open)")
        let trace = try String(contentsOfFile: log, encoding: .utf8)
        #expect(trace.contains("close_range(3,") && trace.contains("(INJECTED)"), "close_range was asked and refused: \(trace.suffix(500))")
        #expect(!trace.contains("= 0\n"), "no close_range succeeded: \(trace.suffix(500))")
    }
}

private func posixQuoted(_ value: String) -> String {
    "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
