import Foundation
@testable import Session
import Testing

/// Which processes hold a TCP socket, and whether one of them is in the served tree: how the
/// loopback endpoints judge a caller by the agent's rule.
struct SessionTreeTests {
    /// A connected loopback TCP socket of this process; its inode, and the descriptors to close.
    func connectedSocket() throws -> (inode: UInt64, descriptors: [Int32]) {
        let listening = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in(sin_family: sa_family_t(AF_INET), sin_port: 0, sin_addr: in_addr(s_addr: inet_addr("127.0.0.1")), sin_zero: (0, 0, 0, 0, 0, 0, 0, 0))
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                try #require(bind(listening, raw, length) == 0 && listen(listening, 1) == 0 && getsockname(listening, raw, &length) == 0)
            }
        }
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try withUnsafePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in try #require(connect(client, raw, length) == 0) }
        }
        var status = stat()
        try #require(fstat(client, &status) == 0)
        return (UInt64(status.st_ino), [client, listening])
    }

    /// This process is the root: the socket it holds is inside.
    @Test func aSocketHeldInsideTheTreeIsInside() throws {
        let (inode, descriptors) = try connectedSocket()
        defer { descriptors.forEach { close($0) } }
        #expect(SessionTree(root: try TreeRoot(pid: getpid()), boundAt: 0).verdict(socketInode: inode) == .inside)
    }

    /// A tree this process does not descend from: the same socket is outside.
    @Test func aSocketHeldOutsideTheTreeIsOutside() throws {
        let (inode, descriptors) = try connectedSocket()
        defer { descriptors.forEach { close($0) } }
        let other = try AgentLifetimeTests.shell()
        defer { AgentLifetimeTests.end(other) }
        #expect(SessionTree(root: try TreeRoot(pid: other), boundAt: 0).verdict(socketInode: inode) == .outside(.notDescendant))
    }

    @Test func aSocketNobodyHoldsIsOutside() throws {
        #expect(SessionTree(root: try TreeRoot(pid: getpid()), boundAt: 0).verdict(socketInode: 1) == .outside(.notDescendant))
    }

    /// The tree, top-down: the child is a member of this process's tree, not of its own parent's
    /// from before the binding.
    @Test func theTreeHoldsOnlyChildrenBornAfterItsBinding() throws {
        let other = try AgentLifetimeTests.shell()
        defer { AgentLifetimeTests.end(other) }
        #expect(SessionTree(root: try TreeRoot(pid: getpid()), boundAt: 0).members().contains(other))
        #expect(!SessionTree(root: try TreeRoot(pid: getpid()), boundAt: BootClock.ticks() + 100).members().contains(other))
    }
}
