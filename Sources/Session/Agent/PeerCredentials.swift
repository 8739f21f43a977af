import CSocketDiag
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who is at the other end of an accepted Unix-socket connection, as the kernel recorded it when
/// the peer connected (`SO_PEERCRED`), and, on Linux 6.5 and later, a pidfd pinning that very
/// process (`SO_PEERPIDFD`): if it has exited by the time the ancestry walk ends, its pid may have
/// been reused during the walk, and the answer is no.
final class PeerCredentials: Sendable {
    let pid: pid_t
    let uid: uid_t
    let gid: gid_t
    private let pidfd: Int32?

    /// Nil when the kernel will not say, or the peer has exited (then nothing is answered).
    init?(socket descriptor: Int32) {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
        guard rolecall_unix_peer(descriptor, &pid, &uid, &gid) == 0, pid > 0 else { return nil }
        self.pid = pid
        self.uid = uid
        self.gid = gid
        let pidfd = rolecall_unix_peer_pidfd(descriptor)
        // ESRCH: the peer has exited already. ENOPROTOOPT: a kernel before 6.5, where start times
        // alone guard against pid reuse.
        if pidfd < 0, errno == ESRCH { return nil }
        self.pidfd = pidfd >= 0 ? pidfd : nil
    }

    /// Whether the peer is still running; true when no pidfd could be had.
    var isAlive: Bool {
        guard let pidfd else { return true }
        // A pidfd polls readable once its process has exited.
        var entry = pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) == 0
    }

    var isPinned: Bool { pidfd != nil }

    deinit {
        if let pidfd { close(pidfd) }
    }
}
