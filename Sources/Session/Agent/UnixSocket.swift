import CSocketDiag
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few Unix-socket calls the agent and its clients make, every descriptor close-on-exec.
enum UnixSocket {
    /// `sun_path` holds 108 bytes, the terminating NUL among them.
    static let maximumPathBytes = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1

    static func reason(_ number: Int32) -> String { String(cString: strerror(number)) }

    /// A stream socket listening at `path`, non-blocking (the agent's poll loop accepts from it).
    static func listening(at path: String) throws(AgentError) -> Int32 {
        let descriptor = try stream(path)
        let bound = withAddress(path) { bind(descriptor, $0, $1) }
        guard bound == 0, listen(descriptor, 64) == 0 else {
            let number = errno
            close(descriptor)
            throw .socketFailed("listen on", path, errno: number)
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        return descriptor
    }

    /// A connected, blocking socket whose connect, reads and writes each give up after `timeout`
    /// (on a Unix socket, connect waits for room in the backlog for as long as SO_SNDTIMEO allows).
    /// Throws with the errno in `errno:` so callers can tell "nobody listens" from the rest.
    static func connected(to path: String, timeout: Duration) throws(ConnectFailure) -> Int32 {
        guard path.utf8.count <= maximumPathBytes else { throw ConnectFailure(errno: ENAMETOOLONG) }
        let descriptor = socket(AF_UNIX, streamType, 0)
        guard descriptor >= 0 else { throw ConnectFailure(errno: errno) }
        setTimeout(descriptor, SO_SNDTIMEO, timeout)
        setTimeout(descriptor, SO_RCVTIMEO, timeout)
        let connected = withAddress(path) { connect(descriptor, $0, $1) }
        guard connected == 0 else {
            let number = errno
            close(descriptor)
            throw ConnectFailure(errno: number)
        }
        return descriptor
    }

    struct ConnectFailure: Error { let errno: Int32 }

    /// Writes all of `bytes`; false when the peer went away or the send timeout passed.
    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    private static let streamType = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)

    private static func stream(_ path: String) throws(AgentError) -> Int32 {
        guard path.utf8.count <= maximumPathBytes else { throw .pathTooLong(path) }
        let descriptor = socket(AF_UNIX, streamType, 0)
        guard descriptor >= 0 else { throw .socketFailed("create", path, errno: errno) }
        return descriptor
    }

    /// `path` as a `sockaddr_un`; the caller checked its length.
    private static func withAddress<R>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path.utf8) }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }

    static func setTimeout(_ descriptor: Int32, _ option: Int32, _ timeout: Duration) {
        let (seconds, attoseconds) = timeout.components
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        _ = setsockopt(descriptor, SOL_SOCKET, option, &value, socklen_t(MemoryLayout<timeval>.size))
    }
}
