/*
 * The socket layer: BSD sockets reached through Linux's aarch64 socket
 * system calls and through the generic file calls (a socket is a struct file
 * whose ops are sock_file_ops, so read/write/close/dup/fcntl/fstat/ppoll work).
 *
 *   AF_INET  SOCK_STREAM            TCP on lwIP's raw API        (sock_tcp.c)
 *   AF_INET  SOCK_DGRAM             UDP                          (sock_udp.c)
 *   AF_INET  SOCK_DGRAM+ICMP        Linux "ping" sockets          (sock_icmp.c)
 *   AF_INET  SOCK_RAW               raw IP, header on receive    (sock_icmp.c)
 *   AF_UNIX  STREAM/DGRAM           in-kernel pairs and names    (sock_unix.c)
 *
 * Locking: a socket's fields are protected by its family's lock, taken with
 * sock_lock(sk): net_lock() (bh_disable: excludes the network softirq, where
 * lwIP's callbacks run) for AF_INET, unix_lock() for AF_UNIX, which never
 * touches lwIP and so neither waits for nor runs the network stack. The
 * system-call layer takes it once around each operation; protocol code drops
 * it only inside sock_wait(), around the sleep.
 *
 * Errors: protocol operations return 0 or a count, or -errno (Linux values).
 * An asynchronous error (reset, refused connect, timeout) is parked in
 * sk->err and reported once: by the next call that can fail, or by SO_ERROR.
 */
#ifndef SIS_SOCKET_H
#define SIS_SOCKET_H

#include <sis/types.h>
#include <sis/list.h>
#include <sis/wait.h>
#include <uapi/sis/socket.h>
#include <uapi/sis/in.h>
#include <uapi/sis/in6.h>
#include <uapi/sis/uio.h>

struct file;
struct poll_table;
struct sock;

/*
 * The user's buffers for one send or receive: a kernel copy of the iovec
 * array (whose bases are user pointers) and how far the call has got.
 */
struct sock_iter {
	const struct iovec *iov;
	unsigned long nr_segs;
	unsigned long seg; /* current segment */
	size_t seg_off;    /* bytes of iov[seg] already used */
	size_t left;       /* bytes still to move, over all segments */
	bool kernel;       /* the bases are kernel pointers (sendfile's buffer) */
};

/*
 * Files in flight (SCM_RIGHTS over AF_UNIX): references taken from the
 * sender's descriptors, installed as new descriptors by the receiver.
 */
#define SOCK_FDS_MAX 253 /* Linux's SCM_MAX_FD */
struct sock_fds {
	unsigned n;
	struct file *f[];
};
/* Drop the references and free the set. With no lock held, or under
 * unix_lock (which holds releases back: a last put's release runs after). */
void sock_fds_put(struct sock_fds *fds);
/* Another set with the same files (new references), or NULL. */
struct sock_fds *sock_fds_dup(const struct sock_fds *fds);

#define SOCK_CMSG_MAX 128 /* IPV6_PKTINFO + IP_PKTINFO + IP_TTL take 96 */

/* One send or receive request, as every protocol sees it. */
struct sock_msg {
	struct sock_iter it;
	struct sockaddr_storage addr; /* send: destination; receive: filled with the source */
	unsigned addrlen;             /* send: 0 = none given; receive: set by the protocol */
	int flags;                    /* MSG_* the caller passed */
	int out_flags;                /* MSG_TRUNC/MSG_CTRUNC for recvmsg's msg_flags */
	bool nonblock;                /* O_NONBLOCK on the file, or MSG_DONTWAIT */
	/* send: files to pass (a protocol that takes them sets NULL); receive:
	 * files that came with the data (set by the protocol when want_fds, the
	 * caller being recvmsg; other receives close them, as Linux does). */
	struct sock_fds *fds;
	bool want_fds;
	/* receive: IP-level control messages the protocol made (IP_PKTINFO,
	 * IP_TTL, IPV6_PKTINFO, IPV6_HOPLIMIT), whole cmsghdrs each padded to
	 * 8 bytes, for recvmsg to copy out after any SCM_RIGHTS. */
	u8 cmsg[SOCK_CMSG_MAX];
	unsigned cmsg_len;
	/* send: the IP_PKTINFO (pi4) and IPV6_PKTINFO (pi6) cmsgs the caller
	 * gave: source address (network order; zero: the usual one) and
	 * interface (0: by route). */
	bool pi4, pi6;
	u32 pi4_addr, pi4_ifindex;
	u8 pi6_addr[16];
	u32 pi6_ifindex;
};

/* Directions closed by shutdown() (sk->shut). */
#define SOCK_SHUT_RD 1
#define SOCK_SHUT_WR 2

/*
 * A protocol's operations. A NULL entry means "not supported by this kind of
 * socket" (-EOPNOTSUPP). All but file_unref run with sock_lock(sk) held.
 */
struct sock_ops {
	int (*bind)(struct sock *sk, const struct sockaddr_storage *addr, unsigned len);
	int (*connect)(struct sock *sk, const struct sockaddr_storage *addr, unsigned len,
		       bool nonblock);
	int (*listen)(struct sock *sk, int backlog);
	/* A new, connected socket (its file not made yet), or ERR_PTR. */
	struct sock *(*accept)(struct sock *sk, bool nonblock);
	long (*sendmsg)(struct sock *sk, struct sock_msg *m);
	long (*recvmsg)(struct sock *sk, struct sock_msg *m);
	int (*shutdown)(struct sock *sk, int how); /* SHUT_RD/WR/RDWR, already checked */
	/* Local (peer = false) or remote address; *len gets its real size. */
	int (*getname)(struct sock *sk, struct sockaddr_storage *addr, unsigned *len, bool peer);
	/* Options at protocol levels (IPPROTO_TCP, SOL_RAW...): -ENOPROTOOPT if unknown. */
	int (*setopt)(struct sock *sk, int level, int name, const void *val, unsigned len);
	int (*getopt)(struct sock *sk, int level, int name, void *val, unsigned *len);
	/* Push the generic option values (sk->opt) into the protocol's PCB. */
	void (*apply_opts)(struct sock *sk);
	unsigned (*poll)(struct sock *sk); /* POLL* bits ready now */
	unsigned long (*inq)(struct sock *sk); /* FIONREAD: bytes the next read can get */
	/* Last reference gone: tear down (may sleep for SO_LINGER) and free sk. */
	void (*release)(struct sock *sk);
	/* The family's lock (sock_lock); NULL: net_lock. */
	void (*lock)(void);
	void (*unlock)(void);
	/* A reference to the socket's file other than the last was dropped
	 * (file_ops.unref); called with no lock held. NULL: nothing to do. */
	void (*file_unref)(struct sock *sk);
};

/* SOL_SOCKET / SOL_IP option values every socket carries. */
struct sock_opts {
	bool reuseaddr, keepalive, broadcast, linger_on;
	bool reuseport;               /* SO_REUSEPORT: share the port with the same user's sockets */
	bool oobinline;               /* SO_OOBINLINE: kept and reported only (urgent data is not inlined) */
	int linger_secs;
	u64 rcvtimeo_ns, sndtimeo_ns; /* 0 = wait forever */
	int rcvbuf, sndbuf;           /* bytes, as getsockopt reports them */
	bool sndbuf_set;              /* SO_SNDBUF given: TCP keeps to it (no autosizing) */
	bool rcvbuf_set;              /* SO_RCVBUF given: TCP's window keeps to it */
	u8 ttl, tos;                  /* IP_TTL, IP_TOS */
	/* AF_INET6: IPV6_V6ONLY (no IPv4 through this socket; set before
	 * bind), IPV6_UNICAST_HOPS (-1: the default, 64), IPV6_TCLASS. */
	bool v6only;
	s16 hops6;
	u8 tclass;
	/* Multicast sending (sock_mcast.c), Linux's defaults: TTL/hops 1, loop
	 * on, the route's interface. IPv4: IP_MULTICAST_TTL/LOOP/IF (interface
	 * index, 0 = by route, and the address given); IPv6: IPV6_MULTICAST_*. */
	u8 mc_ttl;
	bool mc_loop;
	u32 mc_ifindex;
	u32 mc_addr; /* network order */
	u8 mc_hops6;
	bool mc_loop6;
	u32 mc_if6;
	/* Control messages recvmsg gives datagram sockets: IP_PKTINFO,
	 * IP_RECVTTL, IPV6_RECVPKTINFO, IPV6_RECVHOPLIMIT. */
	bool recv_pktinfo, recv_ttl, recv_pktinfo6, recv_hoplimit6;
	/* IP_MTU_DISCOVER, IPV6_MTU_DISCOVER (IP_PMTUDISC_*) and IPV6_MTU's
	 * value (0: the route's), kept only (sock_pmtu.c). */
	u8 pmtudisc, pmtudisc6;
	int frag_size6;
};

struct sock {
	const struct sock_ops *ops;
	struct file *file;     /* the file that is this socket (no reference); NULL until made */
	struct wait_queue wq;  /* woken on any change: data, space, connection, error, close */
	u16 family, type, protocol;
	bool listening;        /* SO_ACCEPTCONN */
	u8 shut;               /* SOCK_SHUT_RD/WR: directions closed by shutdown() */
	int err;               /* pending asynchronous error (positive errno), 0 if none */
	struct sock_opts opt;
	/* Multicast groups this socket joined (sock_mcast.c; AF_INET/AF_INET6
	 * only, under net_lock): left when the socket is freed. */
	struct list_head mc_groups;
	/* AF_INET6 IPV6_RTHDR (sock_inet.c): the routing header set, kmalloc'ed,
	 * rthdr6_len bytes, or NULL; copied to accepted sockets, freed with sk. */
	u8 *rthdr6;
	u16 rthdr6_len;
};

/* Defaults reported by getsockopt before any setsockopt (Linux's). */
#define SOCK_RCVBUF_DEFAULT 131072
#define SOCK_SNDBUF_DEFAULT 16384
#define SOCK_BUF_MIN 2048
#define SOCK_BUF_MAX (4 << 20)
#define SOCK_TTL_DEFAULT 64

/* ---- sock.c: core ---- */
extern const struct file_ops sock_file_ops;

/* Fill the common part of a new socket (ops, family, type, option defaults). */
void sock_init(struct sock *sk, const struct sock_ops *ops, int family, int type, int protocol);
/* Free a socket's memory (the protocol's struct starts with struct sock). */
void sock_free(struct sock *sk);
/* How many sockets exist (leak checks). */
unsigned long sock_count(void);
/* Create a socket of any family: the socket() and socketpair() back end. */
int sock_create(int family, int type, int protocol, struct sock **out);
/* Make sk a file and install it in the current process: fd or -errno (sk freed then). */
int sock_install(struct sock *sk, unsigned sock_flags);
/* The socket behind fd, with a reference on its file (release with file_put), or ERR_PTR
 * (-EBADF, -ENOTSOCK). */
struct sock *sock_lookup(int fd, struct file **filep);
/* write() of n bytes from kernel memory to the socket file f (sendfile,
 * splice), with send()'s msg_flags (MSG_MORE): the count, or -errno as
 * write() would give it (-EPIPE raises SIGPIPE). */
long sock_file_write_kernel(struct file *f, const void *kbuf, size_t n, int msg_flags);
/* read() of up to n bytes from the socket file f into kernel memory
 * (splice): as read() would, not waiting when nonblock. */
long sock_file_read_kernel(struct file *f, void *kbuf, size_t n, bool nonblock);
/* True if the file's O_NONBLOCK is set. */
bool sock_file_nonblock(const struct sock *sk);
/* The socket a file is, or NULL for any other file. */
struct sock *sock_from_file(struct file *f);
/* Take and drop sk's family lock (see "Locking" above). */
void sock_lock(struct sock *sk);
void sock_unlock(struct sock *sk);
/* Release a socket that has no file (yet), under its lock. */
void sock_release(struct sock *sk);

/*
 * Sleep until ready(sk) holds. Called and returns with sock_lock(sk) held
 * (dropped while asleep; files let go meanwhile are released after the
 * call). deadline_ns is absolute (time_ns()), 0 waits forever. 0 when ready,
 * -EAGAIN if nonblock or the deadline passed; on a signal -ERESTARTSYS
 * without a deadline (SA_RESTART restarts the call), -EINTR with one.
 */
int sock_wait(struct sock *sk, bool (*ready)(struct sock *sk), bool nonblock, u64 deadline_ns);
/* The same, for a condition that needs more than sk (ready gets arg). The
 * condition waited for must be exactly the one the caller needs: a ready()
 * that holds while the caller still cannot go on would spin in the kernel. */
int sock_wait_arg(struct sock *sk, bool (*ready)(struct sock *sk, const void *arg),
		  const void *arg, bool nonblock, u64 deadline_ns);
/* The absolute deadline for a call bounded by SO_RCVTIMEO/SO_SNDTIMEO (0 = none). */
u64 sock_deadline(u64 timeout_ns);
/* Wake everyone sleeping or polling on sk. Any context. */
void sock_wake(struct sock *sk);
/* Take and clear the pending error: -errno or 0. */
int sock_take_err(struct sock *sk);
/* EPIPE for a send: raises SIGPIPE unless MSG_NOSIGNAL. Returns -EPIPE. */
int sock_epipe(int flags);

/* Copy between kernel memory and the user's buffers, advancing the iterator.
 * Return the count moved (less only when the iterator ran out) or -EFAULT. */
long sock_iter_to_user(struct sock_iter *it, const void *kbuf, size_t n);
long sock_iter_from_user(struct sock_iter *it, void *kbuf, size_t n);
/* Skip n bytes of the iterator (e.g. the part of a datagram that did not fit). */
void sock_iter_skip(struct sock_iter *it, size_t n);
int sock_iter_peek_user(struct sock_iter *it, size_t max, const void **p, size_t *len);

/* ---- sock_addr.c: address checks, pure (host unit tests) ---- */
enum sock_addr_use { SOCK_ADDR_BIND, SOCK_ADDR_CONNECT, SOCK_ADDR_SEND };
#define SOCK_ADDR_UNSPEC 1 /* connect(AF_UNSPEC): dissolve the association */
/* Check an AF_INET address passed for `use`: 0 (usable as a sockaddr_in),
 * SOCK_ADDR_UNSPEC, -EINVAL (too short) or -EAFNOSUPPORT (other family). */
int sock_addr_check_in(const struct sockaddr_storage *addr, unsigned len, enum sock_addr_use use);
/*
 * Check an address passed to an AF_INET6 socket for `use` (Linux's
 * inet6_bind, tcp_v6_connect, ip6_datagram_connect, udpv6_sendmsg): 0 (a
 * sockaddr_in6), SOCK_ADDR_UNSPEC (connect), SOCK_ADDR_INET (a sockaddr_in,
 * which datagram sockets take for IPv4 peers), SOCK_ADDR_NONE (sendto with
 * AF_UNSPEC: as if no address was given), -EINVAL or -EAFNOSUPPORT.
 */
#define SOCK_ADDR_INET 2
#define SOCK_ADDR_NONE 3
int sock_addr_check_in6(const struct sockaddr_storage *addr, unsigned len, enum sock_addr_use use,
			bool dgram);
/* Build a sockaddr_in6 (addr 16 bytes, port network order); returns its size. */
unsigned sock_addr_make_in6(struct sockaddr_storage *addr, const u8 ip[16], u16 port_be,
			    u32 scope_id);
/* Build a sockaddr_in from a network-order address and port; returns its size. */
unsigned sock_addr_make_in(struct sockaddr_storage *addr, u32 addr_be, u16 port_be);
/* Bytes to copy back for a result address: min(user's len, real len). */
unsigned sock_addr_copy_len(unsigned user_len, unsigned real_len);
/* Check an AF_UNIX address and extract its name (up to UNIX_PATH_MAX bytes;
 * name_len 0 = unnamed): 0 or -EINVAL. */
int sock_addr_check_un(const struct sockaddr_storage *addr, unsigned len, char *name,
		       unsigned *name_len);
/* Build a sockaddr_un for a name; returns its size as Linux reports it. */
unsigned sock_addr_make_un(struct sockaddr_storage *addr, const char *name, unsigned name_len);

/* ---- family back ends ---- */
int sock_inet_create(int type, int protocol, struct sock **out);
int sock_inet6_create(int type, int protocol, struct sock **out);
int unix_sock_create(int type, int protocol, struct sock **out);
int unix_sock_pair(int type, int protocol, struct sock **a, struct sock **b);
int netlink_sock_create(int type, int protocol, struct sock **out);

/* ---- sock_opt.c ---- */
int sock_setsockopt(struct sock *sk, int level, int name, const void *val, unsigned len);
int sock_getsockopt(struct sock *sk, int level, int name, void *val, unsigned *len);
/* IPPROTO_IPV6 options of AF_INET6 sockets (src/net/sock_inet.c). */
int sock_ip6_setopt(struct sock *sk, int name, const void *val, unsigned len);
int sock_ip6_getopt(struct sock *sk, int name, void *val, unsigned *len);
/*
 * Multicast membership and sending options (src/net/sock_mcast.c) of
 * AF_INET/AF_INET6 sockets: is (level, name) one of them; set/get it with
 * Linux's rules and errnos; leave every group sk joined (sock_free does).
 */
bool sock_mcast_opt(const struct sock *sk, int level, int name);
int sock_mcast_setopt(struct sock *sk, int level, int name, const void *val, unsigned len);
int sock_mcast_getopt(struct sock *sk, int level, int name, void *val, unsigned *len);
void sock_mcast_release(struct sock *sk);
/* Path-MTU options (src/net/sock_pmtu.c) of AF_INET/AF_INET6 sockets:
 * IP_MTU_DISCOVER, IP_MTU, IPV6_MTU_DISCOVER, IPV6_MTU. */
bool sock_pmtu_opt(const struct sock *sk, int level, int name);
int sock_pmtu_setopt(struct sock *sk, int level, int name, const void *val, unsigned len);
int sock_pmtu_getopt(struct sock *sk, int level, int name, void *val, unsigned *len);
/* Helpers for protocol option handlers: an int option value, or -EINVAL. */
int sock_opt_int(const void *val, unsigned len, int *out);
int sock_opt_put_int(void *val, unsigned *len, int v);

#endif
