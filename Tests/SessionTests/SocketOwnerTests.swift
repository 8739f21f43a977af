import Foundation
import NIOCore
@testable import Session
import Testing

/// The kernel's socket tables as `SocketOwner` reads them, from canned text (byte order, tcp6's
/// IPv4-mapped form, the connection's state).
@Suite struct SocketOwnerTests {
    static let header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"

    #if _endian(little)
    @Test func addressesArePrintedAsStoredWords() {
        #expect(SocketOwner.key([127, 0, 0, 1], port: 8080) == "0100007F:1F90")
        #expect(SocketOwner.key(mapped: [127, 0, 0, 1], port: 54321) == "0000000000000000FFFF00000100007F:D431")
    }
    #endif

    @Test func onlyTheEstablishedSocketWithBothAddressesCounts() {
        let table = Self.header + """
           0: 0100007F:D431 0100007F:1F90 06 00000000:00000000 03:00000F3B 00000000     0        0 0 3 0000000000000000
           1: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 11 1 0000000000000000
           2: 0100007F:D432 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1001        0 12 1 0000000000000000
           3: 0100007F:D431 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1002        0 13 1 0000000000000000
        """
        // Row 0 is the same pair in TIME_WAIT (uid 0), row 1 the server's own end, row 2 another port.
        #expect(SocketOwner.uid(in: table, peer: "0100007F:D431", local: "0100007F:1F90") == 1002)
        #expect(SocketOwner.uid(in: table, peer: "0100007F:D433", local: "0100007F:1F90") == nil)
        let onlyTimeWait = Self.header + "   0: 0100007F:D431 0100007F:1F90 06 00000000:00000000 03:00000F3B 00000000     0        0 0 3\n"
        #expect(SocketOwner.uid(in: onlyTimeWait, peer: "0100007F:D431", local: "0100007F:1F90") == nil)
    }

    /// The kernel's own answer (netlink sock_diag), with the tables out of reach: a real loopback
    /// connection's client socket is this process's.
    @Test func theKernelNamesTheOwnerOfARealConnection() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener); close(client) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        func port(_ fd: Int32, peer: Bool = false) -> Int {
            var bound = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { peer ? getpeername(fd, $0, &length) : getsockname(fd, $0, &length) } }
            return Int(UInt16(bigEndian: bound.sin_port))
        }
        try #require(withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0)
        try #require(listen(listener, 1) == 0)
        address.sin_port = UInt16(port(listener)).bigEndian
        try #require(withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0)
        let accepted = accept(listener, nil, nil)
        defer { close(accepted) }
        let peer = try SocketAddress(ipAddress: "127.0.0.1", port: port(client))
        let local = try SocketAddress(ipAddress: "127.0.0.1", port: port(listener))
        #expect(SocketOwner.uid(ofPeer: peer, connectedTo: local, tables: ("/nonexistent/tcp", "/nonexistent/tcp6")) == UInt32(geteuid()))
        // No such connection: nothing, and no guess.
        let stranger = try SocketAddress(ipAddress: "127.0.0.1", port: port(client) == 1 ? 2 : 1)
        #expect(SocketOwner.uid(ofPeer: stranger, connectedTo: local, tables: ("/nonexistent/tcp", "/nonexistent/tcp6")) == nil)
    }
}
