#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// `rolesanywhere-emulator` as a child of `rolecall demo`: the client links none of the emulator's
/// code, it starts the program installed next to it. The child's standard input is a pipe that
/// only this process holds, so the emulator stops when rolecall ends, however it ends.
public struct EmulatorChild: Sendable {
    public let pid: pid_t
    /// `http://127.0.0.1:PORT`, the first line the emulator printed.
    public let url: String
    private let lifeline: Int32

    public struct StartError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Starts the emulator on `configPath` with a free loopback port; its request log goes to `logPath`.
    /// `outlivingThisProcess` (`demo --keep`): no lifeline, its own process group, standard input
    /// from /dev/null, so that it keeps serving after rolecall ends, until someone kills it.
    public static func start(configPath: String, logPath: String, environment: [String: String],
                             outlivingThisProcess: Bool = false, timeout: Duration = .seconds(15)) throws -> EmulatorChild {
        let executable = try CompanionProgram.locate("rolesanywhere-emulator", environment: environment)
        let log = open(logPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard log >= 0 else { throw StartError(description: "cannot create \(logPath): \(String(cString: strerror(errno)))") }
        defer { close(log) }
        let input = try outlivingThisProcess ? nullInput() : pipe()
        let output: (read: Int32, write: Int32)
        do { output = try pipe() } catch {
            close(input.read); close(input.write)
            throw error
        }
        defer { close(input.read); close(output.write) }
        let pid: pid_t
        do {
            pid = try ProcessLauncher.spawn(
                command: [executable, "--config", configPath, "--port", "0"] + (outlivingThisProcess ? [] : ["--until-stdin-closes"]),
                environment: environment, coreLimit: CoreLimit.current(), ownProcessGroup: outlivingThisProcess,
                standardStreams: [input.read, output.write, log])
        } catch {
            close(input.write); close(output.read)
            throw StartError(description: "cannot start the emulator: \(error.description)")
        }
        defer { close(output.read) }
        guard let line = readLine(from: output.read, timeout: timeout), line.hasPrefix("http://") else {
            EmulatorChild(pid: pid, url: "", lifeline: input.write).stop()
            let detail = (try? String(contentsOfFile: logPath, encoding: .utf8))?.split(separator: "\n").last.map { ": \($0.prefix(300))" } ?? ""
            throw StartError(description: "the emulator did not start\(detail)")
        }
        return EmulatorChild(pid: pid, url: line, lifeline: input.write)
    }

    /// Closes the emulator's standard input, which stops it, and reaps it. SIGTERM as well, for an
    /// emulator that is not reading its input (still starting, or one that does not watch it); the
    /// pid is not reaped yet, so it cannot name another process.
    public func stop() {
        close(lifeline)
        kill(pid, SIGTERM)
        _ = ProcessLauncher.wait(for: pid)
    }

    /// /dev/null to read from, and no lifeline (-1, which `close` ignores).
    private static func nullInput() throws -> (read: Int32, write: Int32) {
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        guard null >= 0 else { throw StartError(description: "cannot open /dev/null: \(String(cString: strerror(errno)))") }
        return (null, -1)
    }

    private static func pipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        guard Glibc.pipe(&fds) == 0 else { throw StartError(description: "pipe: \(String(cString: strerror(errno)))") }
        // Close-on-exec: only the descriptors dup2'd onto the emulator's 0, 1 and 2 reach it.
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (fds[0], fds[1])
    }

    /// The first line written to `fd`, or nil at end of file or when `timeout` passes first.
    private static func readLine(from fd: Int32, timeout: Duration) -> String? {
        let deadline = ContinuousClock.now + timeout
        var bytes: [UInt8] = []
        while bytes.count < 4096 {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return nil }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(left / .milliseconds(1)) + 1)
            if ready < 0, errno == EINTR { continue }
            guard ready > 0 else { return nil }
            var byte: UInt8 = 0
            let got = read(fd, &byte, 1)
            if got < 0, errno == EINTR { continue }
            guard got == 1 else { return nil }
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
        return nil
    }
}
