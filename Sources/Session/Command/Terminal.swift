#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RolesAnywhere

/// Where questions are asked with echo off (codes, PINs, passwords): the controlling terminal,
/// never stdin, which belongs to the child; in tests, a scripted one.
public protocol Terminal: Sendable {
    /// Whether there is anyone to ask.
    var isAvailable: Bool { get }

    /// The answer (at most `limit` bytes of it), trimmed of white space at both ends unless `exact`
    /// (passwords: a space may be part of one); nil when there is no terminal.
    func askWithoutEcho(_ question: String, limit: Int, exact: Bool) -> String?
}

extension Terminal {
    public func askWithoutEcho(_ question: String, limit: Int) -> String? {
        askWithoutEcho(question, limit: limit, exact: false)
    }
}

/// `/dev/tty`, opened for each question.
public struct ControllingTerminal: Terminal {
    public init() {}

    public var isAvailable: Bool {
        let descriptor = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        close(descriptor)
        return true
    }

    public func askWithoutEcho(_ question: String, limit: Int, exact: Bool) -> String? {
        let descriptor = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        let bytes = Array(question.utf8)
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        // No echo while the answer is typed; the terminal's settings come back afterwards.
        var saved = termios()
        let haveSettings = tcgetattr(descriptor, &saved) == 0
        if haveSettings {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(descriptor, TCSANOW, &quiet)
        }
        defer {
            if haveSettings { tcsetattr(descriptor, TCSANOW, &saved) }
            _ = write(descriptor, "\n", 1)
        }
        var line: [UInt8] = []
        defer { wipeBytes(&line) }
        var byte: UInt8 = 0
        while true {
            let count = read(descriptor, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            guard count == 1, byte != UInt8(ascii: "\n") else { break }
            // Read to the end of the line even when it is too long, so nothing is left for the next question.
            if line.count < limit { line.append(byte) }
        }
        let answer = String(decoding: line, as: UTF8.self)
        return exact ? answer : trimmedWhitespace(answer[...])
    }
}
