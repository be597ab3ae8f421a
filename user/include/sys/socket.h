/*
 * <sys/socket.h>: BSD sockets over SIS's Linux-compatible socket system
 * calls. Constants and structure layouts come from the kernel's uapi header
 * (Linux's values); the functions are in the runtime (user/lib/socket.c) and
 * set errno with picolibc's numbering.
 */
#ifndef _SYS_SOCKET_H
#define _SYS_SOCKET_H

#include <sys/types.h>
#include <uapi/sis/socket.h>
/*
 * Not POSIX, but harmless: programs written against the reference design
 * (its Test 3) call close() having included only <sys/socket.h> and
 * <stdio.h>; with this they build without an implicit declaration.
 */
#include <unistd.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef __sis_socklen_t socklen_t;
typedef __sis_sa_family_t sa_family_t;

/* Protocol families: the same numbers as the address families. */
#define PF_UNSPEC AF_UNSPEC
#define PF_UNIX AF_UNIX
#define PF_LOCAL AF_LOCAL
#define PF_INET AF_INET
#define PF_INET6 AF_INET6
#define PF_NETLINK AF_NETLINK
#define PF_PACKET AF_PACKET

/* Ancillary data (Linux's layout: headers aligned to sizeof(long)). */
#define CMSG_ALIGN(len) (((len) + sizeof(unsigned long) - 1) & ~(sizeof(unsigned long) - 1))
#define CMSG_DATA(cmsg) ((unsigned char *)((struct cmsghdr *)(cmsg) + 1))
#define CMSG_SPACE(len) (CMSG_ALIGN(len) + CMSG_ALIGN(sizeof(struct cmsghdr)))
#define CMSG_LEN(len) (CMSG_ALIGN(sizeof(struct cmsghdr)) + (len))
#define CMSG_FIRSTHDR(mhdr)                                                        \
	((size_t)(mhdr)->msg_controllen >= sizeof(struct cmsghdr)                 \
		 ? (struct cmsghdr *)(mhdr)->msg_control                          \
		 : (struct cmsghdr *)0)
#define CMSG_NXTHDR(mhdr, cmsg) __cmsg_nxthdr((mhdr), (cmsg))

static inline struct cmsghdr *__cmsg_nxthdr(struct msghdr *mhdr, struct cmsghdr *cmsg)
{
	unsigned char *end = (unsigned char *)mhdr->msg_control + mhdr->msg_controllen;
	struct cmsghdr *next;

	if (cmsg->cmsg_len < sizeof(struct cmsghdr))
		return (struct cmsghdr *)0;
	next = (struct cmsghdr *)((unsigned char *)cmsg + CMSG_ALIGN(cmsg->cmsg_len));
	if ((unsigned char *)(next + 1) > end ||
	    (unsigned char *)next + CMSG_ALIGN(next->cmsg_len) > end)
		return (struct cmsghdr *)0;
	return next;
}

int socket(int domain, int type, int protocol);
int socketpair(int domain, int type, int protocol, int sv[2]);
int bind(int fd, const struct sockaddr *addr, socklen_t len);
int listen(int fd, int backlog);
int accept(int fd, struct sockaddr *addr, socklen_t *len);
int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);
int connect(int fd, const struct sockaddr *addr, socklen_t len);
int getsockname(int fd, struct sockaddr *addr, socklen_t *len);
int getpeername(int fd, struct sockaddr *addr, socklen_t *len);
ssize_t send(int fd, const void *buf, size_t len, int flags);
ssize_t recv(int fd, void *buf, size_t len, int flags);
ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
	       socklen_t tolen);
ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
		 socklen_t *fromlen);
ssize_t sendmsg(int fd, const struct msghdr *msg, int flags);
ssize_t recvmsg(int fd, struct msghdr *msg, int flags);
int setsockopt(int fd, int level, int name, const void *val, socklen_t len);
int getsockopt(int fd, int level, int name, void *val, socklen_t *len);
int shutdown(int fd, int how);
int sockatmark(int fd);

#ifdef __cplusplus
}
#endif

#endif
