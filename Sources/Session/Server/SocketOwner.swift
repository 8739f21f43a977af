#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSocketDiag
import NIOCore

/// Which user owns the other end of a loopback TCP connection. The credential endpoints answer
/// only their own user's processes: IMDS has no caller secret, and the container endpoint's token
/// is defence enough only until it leaks.
///
/// The kernel is asked through netlink's sock_diag: one exact lookup of the peer's socket (its
/// local address is the peer's, its remote address ours), as IPv4 and then IPv4-mapped IPv6 (a
/// dual-stack client such as Java or .NET). Where netlink cannot be asked, the socket tables
/// (`/proc/net/tcp`, `tcp6`, their `uid` column) are read instead; reading them costs time in
/// proportion to every socket on the machine, which a busy one makes seconds.
enum SocketOwner {
    static let ownUID = UInt32(geteuid())

    /// The owner of the peer's socket, and the socket's inode (which processes hold it).
    struct Owner: Sendable, Equatable {
        let uid: UInt32
        let inode: UInt64
    }

    /// Nil when no such established socket is found (then nothing is answered).
    static func uid(ofPeer peer: SocketAddress, connectedTo local: SocketAddress, tables: (v4: String, v6: String) = ("/proc/net/tcp", "/proc/net/tcp6")) -> UInt32? {
        owner(ofPeer: peer, connectedTo: local, tables: tables)?.uid
    }

    static func owner(ofPeer peer: SocketAddress, connectedTo local: SocketAddress, tables: (v4: String, v6: String) = ("/proc/net/tcp", "/proc/net/tcp6")) -> Owner? {
        guard let peerOctets = octets(peer), let localOctets = octets(local), let peerPort = peer.port, let localPort = local.port else { return nil }
        let mapped = { (octets: [UInt8]) in [UInt8](repeating: 0, count: 10) + [0xFF, 0xFF] + octets }
        var netlinkAnswered = false
        for (family, peerBytes, localBytes) in [(AF_INET, peerOctets, localOctets), (AF_INET6, mapped(peerOctets), mapped(localOctets))] {
            var inode: UInt64 = 0
            let found = rolecall_tcp_socket_uid(family, peerBytes, UInt16(peerPort), localBytes, UInt16(localPort), &inode)
            if found >= 0 { return Owner(uid: UInt32(found), inode: inode) }
            if found == -1 { netlinkAnswered = true }
        }
        if netlinkAnswered { return nil }
        if let table = readTable(tables.v4),
           let owner = owner(in: table, peer: key(peerOctets, port: peerPort), local: key(localOctets, port: localPort)) {
            return owner
        }
        guard let table = readTable(tables.v6) else { return nil }
        return owner(in: table, peer: key(mapped: peerOctets, port: peerPort), local: key(mapped: localOctets, port: localPort))
    }

    /// `table` as the kernel prints it: `sl local_address rem_address st … uid timeout inode …`. Only
    /// an established connection counts: a socket in TIME_WAIT has no owner left (its uid shows as 0).
    static func uid(in table: String, peer: String, local: String) -> UInt32? {
        owner(in: table, peer: peer, local: local)?.uid
    }

    static func owner(in table: String, peer: String, local: String) -> Owner? {
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count > 9, fields[1] == peer, fields[2] == local, fields[3] == "01", let uid = UInt32(fields[7]) else { continue }
            return Owner(uid: uid, inode: UInt64(fields[9]) ?? 0)
        }
        return nil
    }

    /// An IPv4 address and port as `/proc/net/tcp` writes them: the address as stored (network
    /// order read in host order) and the port, so 127.0.0.1:8080 is `0100007F:1F90` on a
    /// little-endian machine.
    static func key(_ octets: [UInt8], port: Int) -> String {
        word(octets[...]) + ":" + hex(UInt32(port), width: 4)
    }

    /// The same address, IPv4-mapped, as `/proc/net/tcp6` writes it: four words, each as stored.
    static func key(mapped octets: [UInt8], port: Int) -> String {
        let bytes = [UInt8](repeating: 0, count: 10) + [0xFF, 0xFF] + octets
        return stride(from: 0, to: 16, by: 4).map { word(bytes[$0..<$0 + 4]) }.joined() + ":" + hex(UInt32(port), width: 4)
    }

    private static func octets(_ address: SocketAddress) -> [UInt8]? {
        guard let ip = address.ipAddress else { return nil }
        let octets = ip.split(separator: ".").compactMap { UInt8($0) }
        return octets.count == 4 ? octets : nil
    }

    /// Four bytes in memory order, read as a host-order word and printed `%08X`.
    private static func word(_ bytes: ArraySlice<UInt8>) -> String {
        hex(UInt32(bigEndian: bytes.reduce(0) { $0 << 8 | UInt32($1) }), width: 8)
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// The whole file: `/proc` files have no size, so read until the end.
    private static func readTable(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = read(descriptor, &chunk, chunk.count)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return count == 0 ? String(decoding: bytes, as: UTF8.self) : nil }
            bytes += chunk[..<count]
        }
    }
}
