/*
 * AF_UNIX sockets, shared between sock_unix.c (life: pairs, names, connect,
 * listen, accept, close, the lock), sock_unix_io.c (data: send, receive,
 * poll) and sock_unix_gc.c (files in flight: accounting, the cap, the
 * collector of unreachable cycles). Private to src/net. Everything runs
 * under unix_lock(), not net_lock: no lwIP is involved.
 */
#ifndef SIS_NET_SOCK_UNIX_H
#define SIS_NET_SOCK_UNIX_H

#include <sis/socket.h>

/* One message (SOCK_DGRAM) or one write's worth of bytes (SOCK_STREAM). */
struct unix_msg {
	struct list_head node; /* in the receiver's rxq */
	struct list_head fds_node; /* in the receiver's fds_msgs while fds is set */
	size_t len;            /* bytes of data */
	size_t off;            /* stream: bytes already read */
	unsigned from_len;     /* dgram: sender's name length (0 = unnamed) */
	char *from;            /* dgram: sender's name (inside this allocation) */
	struct sock_fds *fds;  /* SCM_RIGHTS sent with these bytes, or NULL */
	size_t cost;           /* charged to the receiver's rx_mem while queued */
	u8 data[];
};

struct unix_sock {
	struct sock sk;
	/*
	 * References: one for the file (or, for a connection not yet accepted,
	 * the listener's queue), plus one for each socket whose ->peer points
	 * here. A released socket is `dead` until the last peer lets go.
	 */
	unsigned refs;
	bool dead;
	/* stream: the other end; dgram: the default destination. Referenced. */
	struct unix_sock *peer;
	bool was_connected;     /* stream: had a peer, so its loss is EOF/EPIPE */
	bool peer_refused;      /* dgram: the default destination went away (ECONNREFUSED once) */
	int cred_pid;           /* creator's pid, for SO_PEERCRED */

	struct list_head rxq;   /* struct unix_msg, oldest first */
	struct list_head fds_msgs; /* the messages of rxq that carry files (fds_node) */
	size_t rx_bytes;        /* unread data bytes (what a read can get) */
	/* Memory the queue holds: data plus each message's header. This, not
	 * rx_bytes, is bounded by sk.opt.rcvbuf: empty or one-byte messages
	 * cost kernel heap too (Linux charges each skb's truesize). */
	size_t rx_mem;

	char name[UNIX_PATH_MAX]; /* bound name (abstract ones start with NUL) */
	unsigned name_len;        /* 0 = unnamed */
	struct list_head name_node; /* abstract names: in the table of names */
	struct inode *vnode;      /* path names: the socket file (referenced) until release */

	struct list_head accept_q;   /* listener: connections not yet accepted */
	unsigned accept_len;
	int backlog;
	struct list_head accept_node; /* queued connection: its place in accept_q */

	/* Files in flight (sock_unix_gc.c). */
	unsigned inflight;              /* references to our file inside some rxq */
	struct list_head inflight_node; /* on the in-flight list while inflight > 0 */
	unsigned gc_refs;               /* collecting: in-flight refs from non-candidates */
	u8 gc_state;                    /* collecting: UNIX_GC_NONE / _CANDIDATE / _ALIVE */
	struct list_head gc_node;       /* collecting: on the candidate or to-scan list */
};

static inline struct unix_sock *unix_sk(struct sock *sk)
{
	return (struct unix_sock *)sk;
}

/*
 * The AF_UNIX lock (sock_ops.lock). The kernel is uniprocessor, never
 * preempted in kernel mode, and no interrupt or softirq touches AF_UNIX
 * state, so nothing else runs inside a section unless it sleeps (sock_wait
 * drops the lock). What the lock adds: file releases are held back until
 * the outermost unlock (a release may sleep, or take this lock: a socket in
 * flight closing), and the outermost unlock runs the collector if asked.
 */
void unix_lock(void);
void unix_unlock(void);
bool unix_locked(void);

/* sock_unix.c */
void unix_put(struct unix_sock *us);
/* The socket a sockaddr_un names, of the given type, or ERR_PTR (EINVAL,
 * ENOENT for a path, ECONNREFUSED for an abstract name, EPROTOTYPE). */
struct unix_sock *unix_lookup(const struct sockaddr_storage *addr, unsigned len, int type);
/* The peer if it is alive; a dead one is dropped here (and remembered as refused). */
struct unix_sock *unix_live_peer(struct unix_sock *us);

/* sock_unix_io.c */
long unix_sock_sendmsg(struct sock *sk, struct sock_msg *m);
long unix_sock_recvmsg(struct sock *sk, struct sock_msg *m);
unsigned unix_sock_poll(struct sock *sk);
unsigned long unix_sock_inq(struct sock *sk);
void unix_rx_purge(struct unix_sock *us);
/* The files msg carries, out of flight and out of msg (the caller's now). */
struct sock_fds *unix_msg_detach_fds(struct unix_msg *msg);

/* sock_unix_gc.c. Files sent with a message enter flight when it is queued
 * and leave it when read or dropped (counted per socket and in all). */
#define UNIX_GC_NONE 0
#define UNIX_GC_CANDIDATE 1
#define UNIX_GC_ALIVE 2
void unix_fds_enter_flight(struct sock_fds *fds);
void unix_fds_leave_flight(struct sock_fds *fds);
/* -ETOOMANYREFS if sending fds would pass the in-flight cap, else 0. */
int unix_fds_check_cap(const struct sock_fds *fds);
/* sock_ops.file_unref: a socket left referenced only from inside queues
 * may be part of an unreachable cycle: collect. */
void unix_gc_file_unref(struct sock *sk);
/* The outermost unlock: run the collector while one is asked for. */
void unix_gc_run_wanted(void);

#endif
