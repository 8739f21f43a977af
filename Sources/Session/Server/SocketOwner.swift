#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// Which user owns the other end of a loopback TCP connection, from the kernel's socket table
/// (`/proc/net/tcp`, its `uid` column): the one socket whose local address is the peer's and whose
/// remote address is ours. The credential endpoints answer only their own user's processes: IMDS
/// has no caller secret, and the container endpoint's token is defence enough only until it leaks.
enum SocketOwner {
    static let ownUID = UInt32(geteuid())

    /// Nil when the table cannot be read or holds no such socket (then nothing is answered).
    static func uid(ofPeer peer: SocketAddress, connectedTo local: SocketAddress, table path: String = "/proc/net/tcp") -> UInt32? {
        guard let peerKey = key(peer), let localKey = key(local), let table = readTable(path) else { return nil }
        return uid(in: table, peer: peerKey, local: localKey)
    }

    /// `table` as the kernel prints it: `sl local_address rem_address st … uid …`, addresses as
    /// `%08X:%04X` of the IPv4 address as stored (network order read in host order) and the port.
    static func uid(in table: String, peer: String, local: String) -> UInt32? {
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count > 7, fields[1] == peer, fields[2] == local else { continue }
            return UInt32(fields[7])
        }
        return nil
    }

    /// An IPv4 address and port as the table writes them (on a little-endian machine, 127.0.0.1:8080
    /// is `0100007F:1F90`).
    static func key(_ address: SocketAddress) -> String? {
        guard let ip = address.ipAddress, let port = address.port else { return nil }
        let octets = ip.split(separator: ".").compactMap { UInt8($0) }
        guard octets.count == 4 else { return nil }
        let stored = UInt32(bigEndian: octets.reduce(0) { $0 << 8 | UInt32($1) })
        return hex(UInt64(stored), width: 8) + ":" + hex(UInt64(port), width: 4)
    }

    private static func hex(_ value: UInt64, width: Int) -> String {
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
