#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process tree a supervisor (or an agent) serves: its root, and when the binding began (the
/// root's children from before then are outside). The agent's socket and `exec --server`'s loopback
/// endpoints judge a caller by the same rule: a Unix peer by its pid, a TCP peer by the processes
/// that hold its socket.
public struct SessionTree: Sendable, Equatable {
    public let root: TreeRoot
    public let boundAt: UInt64

    public init(root: TreeRoot, boundAt: UInt64) {
        self.root = root
        self.boundAt = boundAt
    }

    /// Inside when some process of this user that holds the socket `inode` descends from the tree.
    /// The kernel names a TCP socket's owner by uid and inode only, so its holders are found by their
    /// descriptors in `/proc`; a socket whose holders all exited (or are another user's) is outside.
    public func verdict(socketInode inode: UInt64) -> ProcessAncestry.Verdict {
        let acceptedAt = BootClock.ticks()
        var reason = ProcessAncestry.Reason.vanished
        for pid in Self.ownProcesses() where Self.holds(pid: pid, socket: inode) {
            switch ProcessAncestry.verdict(peer: pid, root: root, boundAt: boundAt, acceptedAt: acceptedAt) {
            case .inside: return .inside
            case .outside(let why): reason = why
            }
        }
        return .outside(reason)
    }

    /// The pids under `/proc` whose directory belongs to this user.
    private static func ownProcesses() -> [pid_t] {
        guard let stream = opendir("/proc") else { return [] }
        defer { closedir(stream) }
        let uid = geteuid()
        var pids: [pid_t] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let pid = pid_t(name) else { continue }
            var status = stat()
            if stat("/proc/\(pid)", &status) == 0, status.st_uid == uid { pids.append(pid) }
        }
        return pids
    }

    /// Whether one of `pid`'s descriptors is the socket `inode` (`socket:[INODE]`).
    private static func holds(pid: pid_t, socket inode: UInt64) -> Bool {
        let directory = "/proc/\(pid)/fd"
        guard let stream = opendir(directory) else { return false }
        defer { closedir(stream) }
        let wanted = Array("socket:[\(inode)]".utf8)
        var target = [UInt8](repeating: 0, count: 64)
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name.first?.isNumber == true else { continue }
            let count = target.withUnsafeMutableBufferPointer { readlink(directory + "/" + name, $0.baseAddress!, $0.count) }
            if count == wanted.count, target[..<count].elementsEqual(wanted) { return true }
        }
        return false
    }
}
