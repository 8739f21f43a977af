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

    /// Inside when a process of the tree holds the socket `inode`. The kernel names a TCP socket's
    /// owner by uid and inode only, so the tree is listed top-down from `/proc` (each child started
    /// no earlier than its parent; the root's children from before the binding left out) and only
    /// its processes' descriptors are looked at: a busy machine's other processes cost one `stat`
    /// read each, not a walk of their descriptors.
    public func verdict(socketInode inode: UInt64) -> ProcessAncestry.Verdict {
        guard ProcessStat.of(pid: root.pid)?.startTime == root.startTime else { return .outside(.rootGone) }
        for pid in members() where Self.holds(pid: pid, socket: inode) { return .inside }
        return .outside(.notDescendant)
    }

    /// The root and every process that descends from it now, by the same rules as `ProcessAncestry`.
    func members() -> [pid_t] {
        var children: [pid_t: [ProcessStat]] = [:]
        for pid in Self.processes() {
            guard let stat = ProcessStat.of(pid: pid) else { continue }
            children[stat.parent, default: []].append(stat)
        }
        var members = [root.pid]
        var queue = [(pid: root.pid, startTime: root.startTime)]
        while let parent = queue.popLast() {
            for child in children[parent.pid] ?? [] where child.startTime >= parent.startTime {
                if parent.pid == root.pid, child.startTime < boundAt { continue }
                members.append(child.pid)
                queue.append((child.pid, child.startTime))
            }
        }
        return members
    }

    /// Every pid under `/proc`.
    private static func processes() -> [pid_t] {
        guard let stream = opendir("/proc") else { return [] }
        defer { closedir(stream) }
        var pids: [pid_t] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if let pid = pid_t(name) { pids.append(pid) }
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
