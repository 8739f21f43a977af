#include "CSocketDiag.h"

#if defined(__linux__)
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

long long rolecall_tcp_socket_uid(int family, const unsigned char *local, unsigned short local_port,
                                  const unsigned char *remote, unsigned short remote_port, unsigned long long *inode) {
    size_t length = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
    if (length == 0) return -1;
    int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0) return -2;
    struct {
        struct nlmsghdr header;
        struct inet_diag_req_v2 request;
    } message;
    memset(&message, 0, sizeof message);
    message.header.nlmsg_len = sizeof message;
    message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    message.header.nlmsg_flags = NLM_F_REQUEST;  // no NLM_F_DUMP: one socket, found by its addresses
    message.request.sdiag_family = (unsigned char)family;
    message.request.sdiag_protocol = IPPROTO_TCP;
    message.request.idiag_states = 1U << TCP_ESTABLISHED;
    message.request.id.idiag_sport = htons(local_port);
    message.request.id.idiag_dport = htons(remote_port);
    memcpy(message.request.id.idiag_src, local, length);
    memcpy(message.request.id.idiag_dst, remote, length);
    message.request.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
    message.request.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
    struct sockaddr_nl kernel;
    memset(&kernel, 0, sizeof kernel);
    kernel.nl_family = AF_NETLINK;
    if (sendto(fd, &message, sizeof message, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0) {
        close(fd);
        return -2;
    }
    // One inet_diag_msg, or an error message (ENOENT: no such socket).
    long long answer[1024];
    ssize_t received;
    do { received = recv(fd, answer, sizeof answer, 0); } while (received < 0 && errno == EINTR);
    close(fd);
    if (received < 0) return -2;
    struct nlmsghdr *reply = (struct nlmsghdr *)answer;
    if (!NLMSG_OK(reply, (unsigned int)received)) return -2;
    if (reply->nlmsg_type == NLMSG_ERROR) {
        struct nlmsgerr *error = NLMSG_DATA(reply);
        return error->error == -ENOENT ? -1 : -2;
    }
    if (reply->nlmsg_type != SOCK_DIAG_BY_FAMILY) return -2;
    struct inet_diag_msg *found = NLMSG_DATA(reply);
    if (found->idiag_state != TCP_ESTABLISHED) return -1;
    if (inode) *inode = found->idiag_inode;
    return (long long)found->idiag_uid;
}
#else
long long rolecall_tcp_socket_uid(int family, const unsigned char *local, unsigned short local_port,
                                  const unsigned char *remote, unsigned short remote_port, unsigned long long *inode) {
    (void)family; (void)local; (void)local_port; (void)remote; (void)remote_port;
    return -2;
}
#endif
