#define _GNU_SOURCE  // struct ucred, accept4, pipe2
#include "CSocketDiag.h"

#if defined(__linux__)
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77  // Linux 6.5; older headers lack it, the running kernel may have it
#endif

int rolecall_unix_peer(int fd, int *pid, unsigned int *uid, unsigned int *gid) {
    struct ucred credentials;
    socklen_t length = sizeof credentials;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) return errno;
    if (length != sizeof credentials) return EPROTO;
    *pid = credentials.pid;
    *uid = credentials.uid;
    *gid = credentials.gid;
    return 0;
}

int rolecall_pidfd_open(int pid) {
#ifdef SYS_pidfd_open
    // A pidfd is close-on-exec from the start.
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    (void)pid;
    errno = ENOSYS;
    return -1;
#endif
}

int rolecall_unix_peer_pidfd(int fd) {
    int pidfd = -1;
    socklen_t length = sizeof pidfd;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERPIDFD, &pidfd, &length) != 0) return -1;
    // The kernel makes it close-on-exec already; say so rather than rely on it.
    if (fcntl(pidfd, F_SETFD, FD_CLOEXEC) != 0) {
        int saved = errno;
        close(pidfd);
        errno = saved;
        return -1;
    }
    return pidfd;
}

int rolecall_accept_unix(int listening_fd) {
    return accept4(listening_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
}

int rolecall_wake_pipe(int fds[2]) {
    return pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0 ? 0 : errno;
}
#else
#include <errno.h>
int rolecall_unix_peer(int fd, int *pid, unsigned int *uid, unsigned int *gid) {
    (void)fd; (void)pid; (void)uid; (void)gid;
    return ENOSYS;
}
int rolecall_unix_peer_pidfd(int fd) { (void)fd; errno = ENOPROTOOPT; return -1; }
int rolecall_pidfd_open(int pid) { (void)pid; errno = ENOSYS; return -1; }
int rolecall_accept_unix(int listening_fd) { (void)listening_fd; errno = ENOSYS; return -1; }
int rolecall_wake_pipe(int fds[2]) { (void)fds; return ENOSYS; }
#endif
