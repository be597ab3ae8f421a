/*
 * Socket ABI of SIS: Linux's values for aarch64 (include/linux/socket.h,
 * include/uapi/asm-generic/socket.h, include/linux/net.h). Included by the
 * kernel and by user/include/sys/socket.h; user headers add the POSIX names
 * that are typedefs (socklen_t, sa_family_t) on top.
 */
#ifndef UAPI_SIS_SOCKET_H
#define UAPI_SIS_SOCKET_H

#include <uapi/sis/uio.h> /* struct iovec, UIO_MAXIOV */

/* Address families (PF_* equal AF_*). */
#define AF_UNSPEC 0
#define AF_UNIX 1
#define AF_LOCAL AF_UNIX
#define AF_INET 2
#define AF_INET6 10
#define AF_NETLINK 16
#define AF_PACKET 17
#define AF_MAX 46

/* Socket types; SOCK_NONBLOCK/SOCK_CLOEXEC may be or-ed into the type. */
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#define SOCK_RDM 4
#define SOCK_SEQPACKET 5
#define SOCK_TYPE_MASK 0xf
#define SOCK_NONBLOCK 04000     /* = O_NONBLOCK */
#define SOCK_CLOEXEC 02000000   /* = O_CLOEXEC */

/* Option levels (the IPPROTO_* numbers double as levels). */
#define SOL_IP 0
#define SOL_SOCKET 1
#define SOL_TCP 6
#define SOL_UDP 17
#define SOL_RAW 255

/* SOL_SOCKET options. */
#define SO_DEBUG 1
#define SO_REUSEADDR 2
#define SO_TYPE 3
#define SO_ERROR 4
#define SO_DONTROUTE 5
#define SO_BROADCAST 6
#define SO_SNDBUF 7
#define SO_RCVBUF 8
#define SO_KEEPALIVE 9
#define SO_OOBINLINE 10
#define SO_NO_CHECK 11
#define SO_PRIORITY 12
#define SO_LINGER 13
#define SO_BSDCOMPAT 14
#define SO_REUSEPORT 15
#define SO_PASSCRED 16
#define SO_PEERCRED 17
#define SO_RCVLOWAT 18
#define SO_SNDLOWAT 19
#define SO_RCVTIMEO 20          /* struct timeval, 64-bit fields */
#define SO_SNDTIMEO 21
#define SO_BINDTODEVICE 25
#define SO_TIMESTAMP 29
#define SO_ACCEPTCONN 30
#define SO_SNDBUFFORCE 32
#define SO_RCVBUFFORCE 33
#define SO_PROTOCOL 38
#define SO_DOMAIN 39

/* send/recv flags. */
#define MSG_OOB 0x1
#define MSG_PEEK 0x2
#define MSG_DONTROUTE 0x4
#define MSG_CTRUNC 0x8
#define MSG_PROXY 0x10
#define MSG_TRUNC 0x20
#define MSG_DONTWAIT 0x40
#define MSG_EOR 0x80
#define MSG_WAITALL 0x100
#define MSG_FIN 0x200
#define MSG_SYN 0x400
#define MSG_CONFIRM 0x800
#define MSG_RST 0x1000
#define MSG_ERRQUEUE 0x2000
#define MSG_NOSIGNAL 0x4000
#define MSG_MORE 0x8000
#define MSG_WAITFORONE 0x10000
#define MSG_CMSG_CLOEXEC 0x40000000

/* shutdown(2) */
#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2

/* listen(2): the largest backlog a program may ask for (Linux >= 5.4). */
#define SOMAXCONN 4096

/* Ancillary data types (SOL_SOCKET level). */
#define SCM_RIGHTS 1
#define SCM_CREDENTIALS 2

/*
 * Wire structures, laid out as Linux aarch64 lays them out. The kernel uses
 * these names directly; user headers typedef sa_family_t/socklen_t to match.
 */
typedef unsigned short __sis_sa_family_t;
typedef unsigned int __sis_socklen_t;

struct sockaddr {
	__sis_sa_family_t sa_family;
	char sa_data[14];
};

#define _SS_MAXSIZE 128
struct sockaddr_storage {
	__sis_sa_family_t ss_family;
	char __ss_padding[_SS_MAXSIZE - sizeof(__sis_sa_family_t) - sizeof(unsigned long)];
	unsigned long __ss_align;
};

/* AF_UNIX: sun_path[0] == 0 names the abstract namespace. */
#define UNIX_PATH_MAX 108
struct sockaddr_un {
	__sis_sa_family_t sun_family;
	char sun_path[UNIX_PATH_MAX];
};

struct linger {
	int l_onoff;
	int l_linger; /* seconds */
};

/* SO_PEERCRED */
struct ucred {
	int pid;
	unsigned int uid;
	unsigned int gid;
};

/* sendmsg/recvmsg: Linux's struct user_msghdr. */
struct msghdr {
	void *msg_name;
	__sis_socklen_t msg_namelen;
	struct iovec *msg_iov;
	unsigned long msg_iovlen;
	void *msg_control;
	unsigned long msg_controllen;
	int msg_flags;
};

struct cmsghdr {
	unsigned long cmsg_len; /* data + this header */
	int cmsg_level;
	int cmsg_type;
};

#endif
