#ifndef ROLECALL_CSOCKETDIAG_H
#define ROLECALL_CSOCKETDIAG_H

/// The uid owning the established TCP socket whose local address is `local` (port `local_port`) and
/// whose remote address is `remote`, asked of the kernel through netlink's sock_diag (one exact
/// lookup, not a walk of /proc/net/tcp). Addresses are in network byte order: 4 bytes for AF_INET,
/// 16 for AF_INET6 (an IPv4-mapped address finds a dual-stack socket).
/// Returns the uid, and the socket's inode in `inode` when not NULL (which processes hold it: the
/// endpoints answer only the session's tree); -1 when no such established socket exists; -2 when
/// netlink cannot be asked.
long long rolecall_tcp_socket_uid(int family, const unsigned char *local, unsigned short local_port,
                                  const unsigned char *remote, unsigned short remote_port, unsigned long long *inode);

/// The process at the other end of a connected Unix socket as the kernel recorded it at connect()
/// (SO_PEERCRED; Swift's Glibc has no `struct ucred`). Returns 0 or errno.
int rolecall_unix_peer(int fd, int *pid, unsigned int *uid, unsigned int *gid);

/// A close-on-exec pidfd for that same process (SO_PEERPIDFD, Linux 6.5 and later), which names it
/// even if its pid is later reused. Returns the descriptor, or -1 with errno (ENOPROTOOPT before 6.5;
/// ESRCH when the peer has already exited).
int rolecall_unix_peer_pidfd(int fd);

/// accept4 with SOCK_CLOEXEC | SOCK_NONBLOCK (not in Swift's Glibc). Returns the descriptor, or -1 with errno.
int rolecall_accept_unix(int listening_fd);

/// A pipe whose ends are both close-on-exec and non-blocking (pipe2, not in Swift's Glibc): a poll loop's
/// wake-up. Returns 0 or errno.
int rolecall_wake_pipe(int fds[2]);

/// A close-on-exec pidfd for process `pid` (pidfd_open, Linux 5.3 and later; no glibc wrapper
/// before 2.36): it polls readable once that process exits. Returns the descriptor, or -1 with errno.
int rolecall_pidfd_open(int pid);

#endif
