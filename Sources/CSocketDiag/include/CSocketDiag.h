#ifndef ROLECALL_CSOCKETDIAG_H
#define ROLECALL_CSOCKETDIAG_H

/// The uid owning the established TCP socket whose local address is `local` (port `local_port`) and
/// whose remote address is `remote`, asked of the kernel through netlink's sock_diag (one exact
/// lookup, not a walk of /proc/net/tcp). Addresses are in network byte order: 4 bytes for AF_INET,
/// 16 for AF_INET6 (an IPv4-mapped address finds a dual-stack socket).
/// Returns the uid; -1 when no such established socket exists; -2 when netlink cannot be asked.
long long rolecall_tcp_socket_uid(int family, const unsigned char *local, unsigned short local_port,
                                  const unsigned char *remote, unsigned short remote_port);

#endif
