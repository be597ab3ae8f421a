/*
 * AF_UNIX sockets, all in the kernel: socketpair() (stream and datagram),
 * and named sockets with bind/listen/connect/accept (stream) and
 * bind/connect/sendto (datagram).
 *
 * Abstract names (sun_path[0] == 0) live in a table of their own; a path
 * name is a socket file in the VFS (S_IFSOCK, mode 0777 less the umask) as
 * on Linux: bind makes it (EADDRINUSE if the path exists, ENOENT under a
 * missing directory), unlink removes it, connect and sendto look it up
 * (ECONNREFUSED for a file that is no socket or whose socket closed); the
 * file outlives its socket until unlinked. The VFS node points at the
 * socket, and the socket holds the node. SCM_RIGHTS: sock_unix_io.c and sock_unix_gc.c; no
 * SCM_CREDENTIALS; SO_PEERCRED gives the peer's pid.
 */
#include "sock_unix.h"
#include <sis/file.h>
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/mm.h>
#include <sis/proc.h>
#include <sis/vfs.h>

/* Linux's defaults for AF_UNIX buffers (net.core.[rw]mem_default). */
#define UNIX_BUF_DEFAULT 212992

static const struct sock_ops unix_sock_ops;
static LIST_HEAD(unix_names); /* bound sockets (struct unix_sock.name_node) */
static u32 unix_autobind_next;
static unsigned unix_lock_depth; /* sections entered and not left (or asleep) */

/* ---- the lock (see sock_unix.h) ---- */

void unix_lock(void)
{
	unix_lock_depth++;
	file_release_hold();
}

void unix_unlock(void)
{
	BUG_ON(unix_lock_depth == 0);
	if (unix_lock_depth == 1)
		unix_gc_run_wanted(); /* inside the section: it looks at every queue */
	unix_lock_depth--;
	file_release_unhold(); /* the outermost one releases what was let go */
}

bool unix_locked(void)
{
	return unix_lock_depth != 0;
}

/* ---- life ---- */

static struct unix_sock *unix_alloc(int type)
{
	struct unix_sock *us = kzalloc(sizeof(*us));
	struct proc *p = current_proc();

	if (!us)
		return NULL;
	sock_init(&us->sk, &unix_sock_ops, AF_UNIX, type, 0);
	us->sk.opt.rcvbuf = UNIX_BUF_DEFAULT;
	us->sk.opt.sndbuf = UNIX_BUF_DEFAULT;
	us->refs = 1;
	us->cred_pid = p ? proc_pid(p) : 0;
	list_init(&us->rxq);
	list_init(&us->fds_msgs);
	list_init(&us->name_node);
	list_init(&us->accept_q);
	list_init(&us->accept_node);
	list_init(&us->inflight_node);
	list_init(&us->gc_node);
	return us;
}

void unix_put(struct unix_sock *us)
{
	if (--us->refs)
		return;
	BUG_ON(us->inflight); /* its file would still be referenced */
	unix_rx_purge(us);
	sock_free(&us->sk);
}

/* Point us->peer at peer (taking a reference), dropping any old one. */
static void unix_set_peer(struct unix_sock *us, struct unix_sock *peer)
{
	if (us->peer)
		unix_put(us->peer);
	us->peer = peer;
	if (peer)
		peer->refs++;
}

struct unix_sock *unix_live_peer(struct unix_sock *us)
{
	if (us->peer && us->peer->dead) {
		unix_set_peer(us, NULL);
		if (us->sk.type == SOCK_DGRAM)
			us->peer_refused = true;
	}
	return us->peer;
}

static int unix_check_type(int type, int protocol)
{
	if (protocol != 0 && protocol != AF_UNIX)
		return -EPROTONOSUPPORT;
	if (type != SOCK_STREAM && type != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;
	return 0;
}

int unix_sock_create(int type, int protocol, struct sock **out)
{
	struct unix_sock *us;
	int err = unix_check_type(type, protocol);

	if (err)
		return err;
	us = unix_alloc(type);
	if (!us)
		return -ENOMEM;
	*out = &us->sk;
	return 0;
}

int unix_sock_pair(int type, int protocol, struct sock **a, struct sock **b)
{
	struct unix_sock *ua, *ub;
	int err = unix_check_type(type, protocol);

	if (err)
		return err;
	ua = unix_alloc(type);
	ub = unix_alloc(type);
	if (!ua || !ub) {
		if (ua)
			sock_free(&ua->sk);
		if (ub)
			sock_free(&ub->sk);
		return -ENOMEM;
	}
	unix_set_peer(ua, ub);
	unix_set_peer(ub, ua);
	ua->was_connected = ub->was_connected = true;
	*a = &ua->sk;
	*b = &ub->sk;
	return 0;
}

/* ---- names ---- */

/* The live bound socket called name, or NULL. */
static struct unix_sock *unix_find_name(const char *name, unsigned len)
{
	struct unix_sock *us;

	list_for_each_entry(us, &unix_names, name_node) {
		if (us->name_len == len && !memcmp(us->name, name, len))
			return us;
	}
	return NULL;
}

static void unix_set_name(struct unix_sock *us, const char *name, unsigned len)
{
	memcpy(us->name, name, len);
	us->name_len = len;
	list_add(&us->name_node, &unix_names);
}

/* bind() with only the family: an abstract name of five hex digits (Linux). */
static int unix_autobind(struct unix_sock *us)
{
	char name[6];
	unsigned tries;

	for (tries = 0; tries < 0x100000; tries++) {
		unix_autobind_next = (unix_autobind_next + 1) & 0xfffff;
		name[0] = '\0';
		for (int i = 0; i < 5; i++)
			name[1 + i] = "0123456789abcdef"[(unix_autobind_next >> (16 - 4 * i)) & 0xf];
		if (!unix_find_name(name, sizeof(name))) {
			unix_set_name(us, name, sizeof(name));
			return 0;
		}
	}
	return -ENOSPC;
}

/* bind() to a path: the socket file, then the name getsockname reports. */
static int unix_bind_path(struct unix_sock *us, const char *name, unsigned len)
{
	char path[UNIX_PATH_MAX + 1];
	struct inode *ino;

	memcpy(path, name, len);
	path[len] = '\0';
	ino = vfs_sock_bind(path, 0777 & ~proc_umask(), us);
	if (IS_ERR(ino))
		return (int)PTR_ERR(ino);
	us->vnode = ino;
	memcpy(us->name, name, len);
	us->name_len = len;
	return 0;
}

static int unix_sock_bind(struct sock *sk, const struct sockaddr_storage *addr, unsigned len)
{
	struct unix_sock *us = unix_sk(sk);
	char name[UNIX_PATH_MAX];
	unsigned name_len;
	int err;

	err = sock_addr_check_un(addr, len, name, &name_len);
	if (err)
		return err;
	if (us->name_len)
		return -EINVAL;
	if (!name_len)
		return unix_autobind(us);
	if (name[0])
		return unix_bind_path(us, name, name_len);
	if (unix_find_name(name, name_len))
		return -EADDRINUSE;
	unix_set_name(us, name, name_len);
	return 0;
}

static int unix_sock_getname(struct sock *sk, struct sockaddr_storage *addr, unsigned *len,
			     bool peer)
{
	struct unix_sock *us = unix_sk(sk), *p;

	if (peer) {
		p = unix_live_peer(us);
		if (!p)
			return -ENOTCONN;
		us = p;
	}
	*len = sock_addr_make_un(addr, us->name, us->name_len);
	return 0;
}

/* ---- connect, listen, accept ---- */

/* The socket a name refers to: ENOENT (no such path) / ECONNREFUSED (abstract), EPROTOTYPE. */
struct unix_sock *unix_lookup(const struct sockaddr_storage *addr, unsigned len, int type)
{
	char name[UNIX_PATH_MAX];
	struct unix_sock *target;
	unsigned name_len;
	int err;

	err = sock_addr_check_un(addr, len, name, &name_len);
	if (err)
		return ERR_PTR(err);
	if (!name_len)
		return ERR_PTR(-EINVAL);
	if (name[0]) {
		char path[UNIX_PATH_MAX + 1];

		memcpy(path, name, name_len);
		path[name_len] = '\0';
		target = vfs_sock_lookup(path, &err);
		if (!target)
			return ERR_PTR(err);
	} else {
		target = unix_find_name(name, name_len);
		if (!target)
			return ERR_PTR(-ECONNREFUSED);
	}
	if (target->sk.type != type)
		return ERR_PTR(-EPROTOTYPE);
	return target;
}

static bool unix_backlog_room(struct sock *sk)
{
	struct unix_sock *ls = unix_sk(sk);

	return ls->dead || !ls->sk.listening || ls->accept_len <= (unsigned)ls->backlog;
}

/*
 * Stream connect: the connection is made at once (like Linux): a server-side
 * socket paired with us waits in the listener's queue until accept(), and
 * data written meanwhile waits in it. A full backlog blocks (or EAGAIN).
 */
static int unix_stream_connect(struct unix_sock *us, struct unix_sock *ls, bool nonblock)
{
	struct unix_sock *cs;
	int err;

	if (!ls->sk.listening)
		return -ECONNREFUSED;
	ls->refs++; /* it may close while we wait for room */
	err = sock_wait(&ls->sk, unix_backlog_room, nonblock, sock_deadline(us->sk.opt.sndtimeo_ns));
	if (!err && (ls->dead || !ls->sk.listening))
		err = -ECONNREFUSED;
	if (!err && unix_live_peer(us))
		err = -EISCONN; /* connected by someone else meanwhile */
	cs = err ? NULL : unix_alloc(SOCK_STREAM);
	if (!err && !cs)
		err = -ENOMEM;
	if (err) {
		unix_put(ls);
		return err;
	}
	cs->sk.opt = ls->sk.opt;
	cs->cred_pid = ls->cred_pid;
	memcpy(cs->name, ls->name, ls->name_len); /* accepted sockets carry the listener's name */
	cs->name_len = ls->name_len;
	unix_set_peer(cs, us);
	unix_set_peer(us, cs);
	cs->was_connected = us->was_connected = true;
	list_add_tail(&cs->accept_node, &ls->accept_q);
	ls->accept_len++;
	sock_wake(&ls->sk);
	unix_put(ls);
	return 0;
}

static int unix_sock_connect(struct sock *sk, const struct sockaddr_storage *addr, unsigned len,
			     bool nonblock)
{
	struct unix_sock *us = unix_sk(sk), *target;

	if (sk->type == SOCK_DGRAM && len >= sizeof(addr->ss_family) &&
	    addr->ss_family == AF_UNSPEC) {
		unix_set_peer(us, NULL); /* dissolve the association */
		us->peer_refused = false;
		return 0;
	}
	if (sk->type == SOCK_STREAM && (sk->listening || unix_live_peer(us)))
		return sk->listening ? -EINVAL : -EISCONN;
	if (sk->type == SOCK_STREAM && us->was_connected)
		return -EISCONN; /* Linux does not reconnect a used stream socket */
	target = unix_lookup(addr, len, sk->type);
	if (IS_ERR(target))
		return (int)PTR_ERR(target);
	if (sk->type == SOCK_STREAM)
		return unix_stream_connect(us, target, nonblock);
	unix_set_peer(us, target);
	us->peer_refused = false;
	return 0;
}

static int unix_sock_listen(struct sock *sk, int backlog)
{
	struct unix_sock *us = unix_sk(sk);

	if (sk->type != SOCK_STREAM)
		return -EOPNOTSUPP;
	if (us->was_connected)
		return -EINVAL;
	if (!us->name_len) {
		int err = unix_autobind(us);

		if (err)
			return err;
	}
	us->backlog = backlog;
	sk->listening = true;
	sock_wake(sk); /* connectors waiting for room see the new backlog */
	return 0;
}

static bool unix_acceptable(struct sock *sk)
{
	return !list_empty(&unix_sk(sk)->accept_q) || !sk->listening;
}

static struct sock *unix_sock_accept(struct sock *sk, bool nonblock)
{
	struct unix_sock *us = unix_sk(sk), *cs;
	int err;

	if (sk->type != SOCK_STREAM)
		return ERR_PTR(-EOPNOTSUPP);
	if (!sk->listening)
		return ERR_PTR(-EINVAL);
	err = sock_wait(sk, unix_acceptable, nonblock, sock_deadline(sk->opt.rcvtimeo_ns));
	if (err)
		return ERR_PTR(err);
	if (!sk->listening)
		return ERR_PTR(-EINVAL);
	cs = list_first_entry(&us->accept_q, struct unix_sock, accept_node);
	list_del(&cs->accept_node);
	us->accept_len--;
	sock_wake(sk); /* room in the backlog again */
	return &cs->sk;
}

/* ---- shutdown, options, release ---- */

static int unix_sock_shutdown(struct sock *sk, int how)
{
	struct unix_sock *us = unix_sk(sk), *peer = unix_live_peer(us);

	if (sk->type == SOCK_STREAM && !peer)
		return -ENOTCONN;
	sk->shut |= how == SHUT_RD ? SOCK_SHUT_RD
		    : how == SHUT_WR ? SOCK_SHUT_WR : SOCK_SHUT_RD | SOCK_SHUT_WR;
	sock_wake(sk);
	if (peer)
		sock_wake(&peer->sk); /* its reads may now see end of file */
	return 0;
}

static int unix_sock_getopt(struct sock *sk, int level, int name, void *val, unsigned *len)
{
	struct unix_sock *peer = unix_live_peer(unix_sk(sk));
	struct ucred cred = { 0, 0, 0 };

	if (level != SOL_SOCKET)
		return -EOPNOTSUPP; /* Linux: AF_UNIX has no getsockopt of its own */
	if (name != SO_PEERCRED)
		return -ENOPROTOOPT;
	if (sk->type == SOCK_STREAM && !peer)
		return -ENOTCONN;
	cred.pid = peer ? peer->cred_pid : 0;
	*len = MIN(*len, (unsigned)sizeof(cred));
	memcpy(val, &cred, *len);
	return 0;
}

/* Only SOL_SOCKET options (sock_opt.c) reach AF_UNIX sockets on Linux. */
static int unix_sock_setopt(struct sock *sk, int level, int name, const void *val, unsigned len)
{
	(void)sk, (void)level, (void)name, (void)val, (void)len;
	return -EOPNOTSUPP;
}

static void unix_drop_pending(struct unix_sock *ls)
{
	struct unix_sock *cs;

	while (!list_empty(&ls->accept_q)) {
		cs = list_first_entry(&ls->accept_q, struct unix_sock, accept_node);
		list_del(&cs->accept_node);
		cs->sk.ops->release(&cs->sk); /* its queued files go with it */
	}
	ls->accept_len = 0;
}

static void unix_sock_release(struct sock *sk)
{
	struct unix_sock *us = unix_sk(sk), *peer = us->peer;

	us->dead = true;
	sk->listening = false;
	unix_drop_pending(us);
	if (us->vnode) {
		vfs_sock_unbind(us->vnode);
		us->vnode = NULL;
	} else if (us->name_len) {
		list_del(&us->name_node);
	}
	us->name_len = 0;
	unix_rx_purge(us);
	if (peer) {
		sock_wake(&peer->sk); /* EOF, EPIPE, POLLHUP */
		unix_set_peer(us, NULL);
	}
	sock_wake(sk); /* connectors waiting on a listener's backlog */
	unix_put(us);
}

static const struct sock_ops unix_sock_ops = {
	.bind = unix_sock_bind,
	.connect = unix_sock_connect,
	.listen = unix_sock_listen,
	.accept = unix_sock_accept,
	.sendmsg = unix_sock_sendmsg,
	.recvmsg = unix_sock_recvmsg,
	.shutdown = unix_sock_shutdown,
	.getname = unix_sock_getname,
	.getopt = unix_sock_getopt,
	.setopt = unix_sock_setopt,
	.poll = unix_sock_poll,
	.inq = unix_sock_inq,
	.release = unix_sock_release,
	.lock = unix_lock,
	.unlock = unix_unlock,
	.file_unref = unix_gc_file_unref,
};
