#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RolesAnywhere

/// One accepted connection until its request line has arrived and been answered. Owned by one
/// thread at a time: the server's poll loop, then the task it hands an allowed request to.
final class PendingRequest: @unchecked Sendable {
    enum Received {
        case waiting
        /// The peer closed, or the connection failed, before any request.
        case closed
        case tooLong
        case line([UInt8])
    }

    let descriptor: Int32
    /// Boot-clock ticks when the connection was accepted (the pid-reuse guard's reference).
    let acceptedAt: UInt64
    let deadline: ContinuousClock.Instant
    let peer: PeerCredentials?
    private var bytes: [UInt8] = []

    init(descriptor: Int32, acceptedAt: UInt64, deadline: ContinuousClock.Instant) {
        self.descriptor = descriptor
        self.acceptedAt = acceptedAt
        self.deadline = deadline
        peer = PeerCredentials(socket: descriptor)
        // Room for the longest request up front: no reallocation leaves a copy of a token behind.
        bytes.reserveCapacity(AgentProtocol.maximumLineBytes + 1)
    }

    var isOverdue: Bool { ContinuousClock.now >= deadline }

    /// Reads what the peer has sent so far (the socket is non-blocking).
    func receive() -> Received {
        let room = AgentProtocol.maximumLineBytes + 1 - bytes.count
        let start = bytes.count
        bytes += repeatElement(0, count: room)
        let count = bytes.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress! + start, room, 0) }
        bytes.removeLast(room - max(count, 0))
        if count < 0 { return errno == EAGAIN || errno == EINTR ? .waiting : .closed }
        if let newline = bytes.firstIndex(of: 0x0A) { return .line(take(newline)) }
        // A peer that closed its side after a request without a newline still asked.
        if count == 0 { return bytes.isEmpty ? .closed : .line(take(bytes.count)) }
        return bytes.count > AgentProtocol.maximumLineBytes ? .tooLong : .waiting
    }

    /// Writes `line` if the socket takes it whole now. An answer is at most a few KiB and the only
    /// thing ever written, so a fresh socket's buffer always has room; a peer that left gets nothing.
    func send(_ line: [UInt8]) {
        _ = UnixSocket.writeAll(descriptor, line)
    }

    /// Wipes what was read and closes the connection.
    func drop() {
        wipeBytes(&bytes)
        close(descriptor)
    }

    /// The first `count` bytes; the buffer is wiped.
    private func take(_ count: Int) -> [UInt8] {
        let line = Array(bytes[..<count])
        wipeBytes(&bytes)
        return line
    }
}
