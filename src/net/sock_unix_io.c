/*
 * AF_UNIX data: a write becomes a message in the receiver's queue, bounded
 * by the receiver's SO_RCVBUF (counting each message's header: a flood of
 * empty datagrams or one-byte writes is bounded too); a writer that finds
 * it full sleeps (stream, and datagram as on Linux) until the reader makes
 * room for it. Stream reads take bytes across messages; datagram reads take
 * one message (MSG_TRUNC).
 *
 * SCM_RIGHTS: files sent with a write ride on its (first) message and are
 * handed out with the read that takes that message's first bytes; a stream
 * read does not go past a message with files into the next, nor into one
 * with files after taking other bytes (as Linux). The files leave the queue
 * only with bytes actually copied out: a read that faults takes neither.
 * Files in flight are counted and capped, and unreachable cycles of sockets
 * inside each other are collected: sock_unix_gc.c.
 */
#include "sock_unix.h"
#include <sis/kernel.h>
#include <sis/mm.h>
#include <uapi/sis/poll.h>

/* Largest single queued piece of a stream write. */
#define UNIX_STREAM_CHUNK (64 * 1024)
/* Linux keeps some of sndbuf for overhead: the largest datagram is a bit less. */
#define UNIX_DGRAM_OVERHEAD 32

static struct unix_msg *unix_msg_alloc(size_t len, const char *from, unsigned from_len)
{
	struct unix_msg *msg = kmalloc(sizeof(*msg) + len + from_len);

	if (!msg)
		return NULL;
	msg->len = len;
	msg->off = 0;
	msg->fds = NULL;
	list_init(&msg->fds_node);
	msg->from_len = from_len;
	msg->from = (char *)msg->data + len;
	memcpy(msg->from, from, from_len);
	return msg;
}

/* What a message of len bytes from a from_len-byte name costs the queue
 * (the heap's rounding aside: at most twice this). */
static size_t unix_msg_cost(size_t len, unsigned from_len)
{
	return sizeof(struct unix_msg) + len + from_len;
}

static void unix_queue(struct unix_sock *to, struct unix_msg *msg)
{
	if (msg->fds) {
		unix_fds_enter_flight(msg->fds);
		list_add_tail(&msg->fds_node, &to->fds_msgs);
	}
	list_add_tail(&msg->node, &to->rxq);
	msg->cost = unix_msg_cost(msg->len, msg->from_len);
	to->rx_mem += msg->cost;
	to->rx_bytes += msg->len - msg->off;
	sock_wake(&to->sk);
}

/* The files msg carries, out of flight and out of msg (the caller's now). */
struct sock_fds *unix_msg_detach_fds(struct unix_msg *msg)
{
	struct sock_fds *fds = msg->fds;

	msg->fds = NULL;
	list_del(&msg->fds_node);
	if (fds)
		unix_fds_leave_flight(fds);
	return fds;
}

/* A message that is gone or read. Its files' last puts are released after
 * the outermost unix_unlock (the lock holds releases back). */
static void unix_msg_kfree(struct unix_msg *msg)
{
	sock_fds_put(unix_msg_detach_fds(msg));
	kfree(msg);
}

static void unix_msg_free(struct unix_sock *us, struct unix_msg *msg)
{
	us->rx_bytes -= msg->len - msg->off;
	us->rx_mem -= msg->cost;
	list_del(&msg->node);
	unix_msg_kfree(msg);
}

/* The read that takes msg's first bytes also takes its files (a copy of
 * them for MSG_PEEK); a read that does not want them closes them. */
static void unix_take_fds(struct sock_msg *m, struct unix_msg *msg, bool peek)
{
	if (!msg->fds || m->fds)
		return;
	if (peek) {
		if (m->want_fds)
			m->fds = sock_fds_dup(msg->fds);
		return;
	}
	if (m->want_fds)
		m->fds = unix_msg_detach_fds(msg);
	else
		sock_fds_put(unix_msg_detach_fds(msg));
}

void unix_rx_purge(struct unix_sock *us)
{
	while (!list_empty(&us->rxq))
		unix_msg_free(us, list_first_entry(&us->rxq, struct unix_msg, node));
}

/* EPIPE, with SIGPIPE only when it is the call's result. */
static long unix_epipe(size_t done, int flags)
{
	return done ? -EPIPE : sock_epipe(flags);
}

/* ---- stream ---- */

static size_t unix_room(struct unix_sock *to)
{
	size_t cap = (size_t)to->sk.opt.rcvbuf;

	return to->rx_mem >= cap ? 0 : cap - to->rx_mem;
}

/* Data bytes the next stream piece may carry: the room after its header. */
static size_t unix_stream_room(struct unix_sock *to)
{
	size_t room = unix_room(to), hdr = unix_msg_cost(0, 0);

	return room > hdr ? room - hdr : 0;
}

static bool unix_stream_writable(struct sock *sk)
{
	struct unix_sock *peer = unix_sk(sk)->peer;

	return !peer || peer->dead || (sk->shut & SOCK_SHUT_WR) ||
	       (peer->sk.shut & SOCK_SHUT_RD) || unix_stream_room(peer) > 0;
}

/* Can the stream write go on? 0, or the error (SIGPIPE as appropriate). */
static long unix_stream_check(struct unix_sock *us, size_t done, int flags)
{
	struct unix_sock *peer = unix_live_peer(us);

	if (us->sk.shut & SOCK_SHUT_WR)
		return unix_epipe(done, flags);
	if (!peer)
		return us->was_connected ? unix_epipe(done, flags) : -ENOTCONN;
	if (peer->sk.shut & SOCK_SHUT_RD)
		return unix_epipe(done, flags);
	return 0;
}

static long unix_stream_send(struct unix_sock *us, struct sock_msg *m)
{
	u64 deadline = sock_deadline(us->sk.opt.sndtimeo_ns);
	size_t total = m->it.left, done = 0, n;
	struct unix_msg *msg;
	long err;

	for (;;) {
		err = unix_stream_check(us, done, m->flags);
		if (err || done == total)
			break;
		n = MIN(MIN(total - done, unix_stream_room(us->peer)), (size_t)UNIX_STREAM_CHUNK);
		if (!n) {
			err = sock_wait(&us->sk, unix_stream_writable, m->nonblock, deadline);
			if (err)
				break;
			continue;
		}
		msg = unix_msg_alloc(n, NULL, 0);
		if (!msg) {
			err = -ENOMEM;
			break;
		}
		err = sock_iter_from_user(&m->it, msg->data, n);
		if (err < 0) {
			kfree(msg);
			break;
		}
		msg->fds = m->fds; /* the first piece carries the files */
		m->fds = NULL;
		unix_queue(us->peer, msg);
		done += n;
	}
	return done ? (long)done : err;
}

static bool unix_stream_eof(struct unix_sock *us)
{
	struct unix_sock *peer = us->peer;

	return (us->sk.shut & SOCK_SHUT_RD) || !peer || peer->dead ||
	       (peer->sk.shut & SOCK_SHUT_WR);
}

static bool unix_stream_readable(struct sock *sk)
{
	struct unix_sock *us = unix_sk(sk);

	return us->rx_bytes || unix_stream_eof(us);
}

/* Copy queued bytes out (consuming them unless MSG_PEEK); count or -EFAULT. */
static long unix_stream_copy(struct unix_sock *us, struct sock_msg *m)
{
	bool peek = m->flags & MSG_PEEK;
	struct unix_msg *msg, *next;
	size_t done = 0, n, before;
	long r = 0;

	list_for_each_entry_safe(msg, next, &us->rxq, node) {
		if (!m->it.left || (msg->fds && (done || m->fds)))
			break; /* files start a read of their own */
		n = MIN(msg->len - msg->off, m->it.left);
		before = m->it.left;
		r = sock_iter_to_user(&m->it, msg->data + msg->off, n);
		n = before - m->it.left;
		done += n;
		if (n)
			unix_take_fds(m, msg, peek); /* they go with the first bytes read */
		if (!peek) {
			msg->off += n;
			us->rx_bytes -= n;
			if (msg->off == msg->len)
				unix_msg_free(us, msg);
		}
		if (r < 0 || m->fds)
			break; /* files end the read at their message */
	}
	if (done && !peek && us->peer)
		sock_wake(&us->peer->sk); /* room for the writer */
	return done ? (long)done : r;
}

static long unix_stream_recv(struct unix_sock *us, struct sock_msg *m)
{
	u64 deadline = sock_deadline(us->sk.opt.rcvtimeo_ns);
	size_t done = 0;
	long r, err = 0;

	if (us->sk.listening || (!us->was_connected && !us->rx_bytes))
		return -EINVAL; /* Linux: not connected */
	if (!m->it.left)
		return 0;
	for (;;) {
		r = unix_stream_copy(us, m);
		if (r < 0) {
			err = r;
			break;
		}
		done += (size_t)r;
		if (!m->it.left || (done && !(m->flags & MSG_WAITALL)) || (done && m->flags & MSG_PEEK) ||
		    m->fds)
			break;
		if (!us->rx_bytes && unix_stream_eof(us))
			break;
		err = sock_wait(&us->sk, unix_stream_readable, m->nonblock, deadline);
		if (err)
			break;
	}
	return done ? (long)done : err;
}

/* ---- datagram ---- */

/* Room for a message costing cost in to's queue (always, if it is empty). */
static bool unix_dgram_fits(struct unix_sock *to, size_t cost)
{
	return list_empty(&to->rxq) || to->rx_mem + cost <= (size_t)to->sk.opt.rcvbuf;
}

/* Poll's POLLOUT: the peer's queue has some room. */
static bool unix_dgram_room(struct sock *sk)
{
	struct unix_sock *to = unix_sk(sk);

	return to->dead || (sk->shut & SOCK_SHUT_RD) || to->rx_mem < (size_t)sk->opt.rcvbuf;
}

/* A blocked sender waits on the receiver's queue (sk) for room for its
 * message (*cost): exactly what it needs, or it would never sleep. */
static bool unix_dgram_takes(struct sock *sk, const void *cost)
{
	struct unix_sock *to = unix_sk(sk);

	return to->dead || (sk->shut & SOCK_SHUT_RD) || unix_dgram_fits(to, *(const size_t *)cost);
}

/* Where a datagram goes: the address given, or the default destination. */
static struct unix_sock *unix_dgram_dest(struct unix_sock *us, struct sock_msg *m)
{
	struct unix_sock *to;

	if (!m->addrlen) {
		to = unix_live_peer(us);
		if (to)
			return to;
		if (us->peer_refused) {
			us->peer_refused = false;
			return ERR_PTR(-ECONNREFUSED);
		}
		return ERR_PTR(-ENOTCONN);
	}
	to = unix_lookup(&m->addr, m->addrlen, SOCK_DGRAM);
	if (IS_ERR(to))
		return to;
	/* A socket connected elsewhere takes datagrams only from its peer. */
	if (to->peer && !to->peer->dead && to->peer != us)
		return ERR_PTR(-EPERM);
	return to;
}

/* Wait until to can take a len-byte message from us: 0, or why not. */
static long unix_dgram_wait(struct unix_sock *us, struct unix_sock *to, size_t len, bool nonblock)
{
	u64 deadline = sock_deadline(us->sk.opt.sndtimeo_ns);
	size_t cost = unix_msg_cost(len, us->name_len);
	long err;

	err = sock_wait_arg(&to->sk, unix_dgram_takes, &cost, nonblock, deadline);
	if (err)
		return err;
	if (to->dead)
		return -ECONNREFUSED;
	return 0;
}

static long unix_dgram_send(struct unix_sock *us, struct sock_msg *m)
{
	size_t len = m->it.left;
	struct unix_sock *to;
	struct unix_msg *msg;
	long err;

	if (len > (size_t)us->sk.opt.sndbuf - UNIX_DGRAM_OVERHEAD)
		return -EMSGSIZE;
	if (us->sk.shut & SOCK_SHUT_WR)
		return sock_epipe(m->flags);
	to = unix_dgram_dest(us, m);
	if (IS_ERR(to))
		return PTR_ERR(to);
	to->refs++; /* it may close while we wait for room */
	err = unix_dgram_wait(us, to, len, m->nonblock);
	if (err)
		goto out_put;
	if (to->sk.shut & SOCK_SHUT_RD) {
		err = sock_epipe(m->flags);
		goto out_put;
	}
	msg = unix_msg_alloc(len, us->name, us->name_len);
	if (!msg) {
		err = -ENOMEM;
		goto out_put;
	}
	err = sock_iter_from_user(&m->it, msg->data, len);
	if (err < 0) {
		kfree(msg);
		goto out_put;
	}
	msg->fds = m->fds;
	m->fds = NULL;
	unix_queue(to, msg);
	err = (long)len;
out_put:
	unix_put(to);
	return err;
}

static bool unix_dgram_readable(struct sock *sk)
{
	return !list_empty(&unix_sk(sk)->rxq) || (sk->shut & SOCK_SHUT_RD);
}

static long unix_dgram_recv(struct unix_sock *us, struct sock_msg *m)
{
	struct unix_msg *msg;
	size_t n;
	long err;

	err = sock_wait(&us->sk, unix_dgram_readable, m->nonblock,
			sock_deadline(us->sk.opt.rcvtimeo_ns));
	if (err)
		return err;
	if (list_empty(&us->rxq))
		return 0; /* shut down for reading */
	msg = list_first_entry(&us->rxq, struct unix_msg, node);
	n = MIN(msg->len, m->it.left);
	err = sock_iter_to_user(&m->it, msg->data, n);
	if (err < 0)
		return err;
	if (n < msg->len)
		m->out_flags |= MSG_TRUNC;
	m->addrlen = msg->from_len ? sock_addr_make_un(&m->addr, msg->from, msg->from_len) : 0;
	unix_take_fds(m, msg, m->flags & MSG_PEEK);
	err = (long)((m->flags & MSG_TRUNC) ? msg->len : n);
	if (!(m->flags & MSG_PEEK)) {
		unix_msg_free(us, msg);
		sock_wake(&us->sk); /* blocked senders wait on this queue */
		if (us->peer)
			sock_wake(&us->peer->sk); /* the peer may be polling for POLLOUT */
	}
	return err;
}

/* ---- entry points ---- */

long unix_sock_sendmsg(struct sock *sk, struct sock_msg *m)
{
	int err;

	if (m->flags & MSG_OOB)
		return -EOPNOTSUPP;
	err = m->fds ? unix_fds_check_cap(m->fds) : 0;
	if (err)
		return err;
	if (sk->type == SOCK_STREAM) {
		if (m->addrlen && !unix_sk(sk)->peer)
			return unix_sk(sk)->was_connected ? -EPIPE : -ENOTCONN;
		return unix_stream_send(unix_sk(sk), m);
	}
	return unix_dgram_send(unix_sk(sk), m);
}

long unix_sock_recvmsg(struct sock *sk, struct sock_msg *m)
{
	/* Stream: no out-of-band byte is ever kept (Linux: EINVAL when none). */
	if (m->flags & MSG_OOB)
		return sk->type == SOCK_STREAM ? -EINVAL : -EOPNOTSUPP;
	if (sk->type == SOCK_STREAM)
		return unix_stream_recv(unix_sk(sk), m);
	return unix_dgram_recv(unix_sk(sk), m);
}

unsigned long unix_sock_inq(struct sock *sk)
{
	struct unix_sock *us = unix_sk(sk);

	if (sk->type == SOCK_STREAM || list_empty(&us->rxq))
		return us->rx_bytes;
	return list_first_entry(&us->rxq, struct unix_msg, node)->len;
}

static unsigned unix_stream_poll(struct unix_sock *us)
{
	struct unix_sock *peer = us->peer;
	unsigned mask = 0;

	if (us->sk.listening)
		return list_empty(&us->accept_q) ? 0 : POLLIN | POLLRDNORM;
	if (us->rx_bytes)
		mask |= POLLIN | POLLRDNORM;
	if (!us->was_connected)
		return mask | POLLOUT | POLLWRNORM | POLLHUP;
	if (unix_stream_eof(us))
		mask |= POLLIN | POLLRDNORM | POLLRDHUP;
	if (!peer || peer->dead || (us->sk.shut == (SOCK_SHUT_RD | SOCK_SHUT_WR)))
		mask |= POLLHUP;
	/* Writable also when a write would fail at once: it does not block. */
	if (unix_stream_writable(&us->sk))
		mask |= POLLOUT | POLLWRNORM;
	return mask;
}

static unsigned unix_dgram_poll(struct unix_sock *us)
{
	struct unix_sock *peer = us->peer;
	unsigned mask = 0;

	if (!list_empty(&us->rxq))
		mask |= POLLIN | POLLRDNORM;
	if (us->sk.shut & SOCK_SHUT_RD)
		mask |= POLLIN | POLLRDNORM | POLLRDHUP;
	if (us->sk.shut == (SOCK_SHUT_RD | SOCK_SHUT_WR))
		mask |= POLLHUP;
	if (!peer || peer->dead || unix_dgram_room(&peer->sk))
		mask |= POLLOUT | POLLWRNORM;
	return mask;
}

unsigned unix_sock_poll(struct sock *sk)
{
	struct unix_sock *us = unix_sk(sk);

	return sk->type == SOCK_STREAM ? unix_stream_poll(us) : unix_dgram_poll(us);
}
