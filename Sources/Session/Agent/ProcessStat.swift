#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The fields of `/proc/PID/stat` the ancestry check needs: the parent (field 4) and the start
/// time (field 22, clock ticks after boot).
struct ProcessStat: Sendable, Equatable {
    let pid: pid_t
    let parent: pid_t
    let startTime: UInt64

    /// `pid (comm) state ppid … starttime …`. The command name may hold spaces and parentheses
    /// (a program can name itself `a) b (c`), so the fields are counted after the LAST ')'.
    init?(parsing text: String) {
        guard let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")"), open < close,
              let pid = pid_t(text[..<open].trimmingSpaces)
        else { return nil }
        // After the ')': state is field 3, so field N is at index N - 3.
        let fields = text[text.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count > 19, let parent = pid_t(fields[1]), let startTime = UInt64(fields[19]) else { return nil }
        self.pid = pid
        self.parent = parent
        self.startTime = startTime
    }

    init(pid: pid_t, parent: pid_t, startTime: UInt64) {
        self.pid = pid
        self.parent = parent
        self.startTime = startTime
    }

    /// Nil when the process is gone (or `/proc` is not there).
    static func of(pid: pid_t) -> ProcessStat? {
        let descriptor = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        // One line: 52 fields of at most 20 digits and a comm of at most 16 bytes fit.
        var buffer = [UInt8](repeating: 0, count: 2048)
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        return ProcessStat(parsing: String(decoding: buffer[..<count], as: UTF8.self))
    }
}

private extension Substring {
    var trimmingSpaces: Substring {
        let start = firstIndex { $0 != " " } ?? endIndex
        let end = lastIndex { $0 != " " }.map(index(after:)) ?? start
        return self[start..<end]
    }
}
