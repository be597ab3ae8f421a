/*
 * TCP sockets: moving data. Sending copies the user's bytes into lwIP as
 * tcp_sndbuf allows and sleeps for room otherwise (woken by tcp_sent, or by
 * the poll timer after an out-of-memory), so nothing is dropped. Received
 * pbufs queue on the socket and lwIP's window reopens (tcp_recved) only as
 * the user copies them out. Also poll, FIONREAD and IPPROTO_TCP options.
 */
#include "sock_tcp.h"
#include "net_private.h"
#include "lwip_shim.h"
#include <sis/kernel.h>
#include <sis/mm.h>
#include <sis/timer.h>
#include <uapi/sis/poll.h>
#include <uapi/sis/tcp.h>

/* A chain grows by pbuf_cat only while its tot_len (a u16) can hold it. */
#define TCP_RX_CHAIN_MAX 0xffff

/* ---- receive queue ---- */

/* tcp_recv: data (p), or the peer's FIN (p == NULL). Runs in the softirq. */
err_t tcp_sock_recv_cb(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct tcp_sock *ts = arg;
	struct tcp_rx *tail, *rx;

	(void)err; /* always ERR_OK in lwIP 2.1 */
	if (!p) {
		ts->rx_fin = true;
		tcp_sock_both_closed(ts);
		sock_wake(&ts->sk);
		return ERR_OK;
	}
	if (ts->sk.shut & SOCK_SHUT_RD) {
		/* Reading was shut down: take the data and throw it away. */
		tcp_recved(pcb, p->tot_len);
		pbuf_free(p);
		return ERR_OK;
	}
	tail = list_empty(&ts->rxq) ? NULL : list_entry(ts->rxq.prev, struct tcp_rx, node);
	if (tail && (size_t)tail->p->tot_len + p->tot_len <= TCP_RX_CHAIN_MAX) {
		ts->rx_bytes += p->tot_len;
		pbuf_cat(tail->p, p);
	} else {
		rx = kmalloc(sizeof(*rx));
		if (!rx)
			return ERR_MEM; /* lwIP keeps p and offers it again later */
		rx->p = p;
		list_add_tail(&rx->node, &ts->rxq);
		ts->rx_bytes += p->tot_len;
	}
	if (ts->quickacks) {
		ts->quickacks--;
		lwip_shim_tcp_ack_now(pcb); /* tcp_input() sends it when this callback returns */
	}
	sock_wake(&ts->sk);
	return ERR_OK;
}

/* Hand n bytes of window back to lwIP (at most 64 KiB per call). */
static void window_return(struct tcp_pcb *pcb, size_t n)
{
	u16 c;

	while (n) {
		c = (u16)MIN(n, 0xffffU);
		tcp_recved(pcb, c);
		n -= c;
	}
}

/*
 * SO_RCVBUF: the receive window is half of it (Linux keeps the rest for
 * overhead), between one MSS and the most lwIP offers (TCP_WND, or 64 KiB
 * when the peer does not scale windows), which is also the default.
 * Set before connect(), it applies when the handshake completes (lwIP sets
 * its own window while connecting), before the peer may send. Later, and for
 * accepted sockets (whose SYN-ACK lwIP sent with TCP_WND), a window already
 * announced is never taken back (RFC 9293 3.8.6): what is not announced yet
 * goes at once, the rest from the next credits, so the window shrinks as
 * the application reads.
 */
void tcp_sock_rcv_window(struct tcp_sock *ts, bool fresh)
{
	struct tcp_pcb *pcb = ts->pcb;
	u32 max = TCP_WND_MAX(pcb), win = max, want, now; /* 64 KiB without scaling */

	if (ts->sk.opt.rcvbuf_set)
		win = MAX(MIN((u32)ts->sk.opt.rcvbuf / 2, max), (u32)TCP_MSS);
	want = max - win;
	if (want > ts->rcv_cut) {
		u32 spare = lwip_shim_tcp_rcv_spare(pcb, fresh);

		now = MIN(want - ts->rcv_cut, spare);
		lwip_shim_tcp_rcv_cut(pcb, now, fresh);
		ts->rcv_debt += want - ts->rcv_cut - now;
	} else if (want < ts->rcv_cut) {
		u32 back = ts->rcv_cut - want, pay = MIN(back, ts->rcv_debt);

		ts->rcv_debt -= pay;
		window_return(pcb, back - pay);
	}
	ts->rcv_cut = want;
}

void tcp_sock_rcv_uncut(struct tcp_sock *ts)
{
	u32 held = ts->rcv_cut - ts->rcv_debt; /* what the PCB's window lacks */

	ts->rcv_cut = 0;
	ts->rcv_debt = 0;
	window_return(ts->pcb, held);
}

/* Give the user's consumption back to lwIP as window (after a read). */
static void tcp_sock_rx_ack(struct tcp_sock *ts, size_t n)
{
	u32 pay;

	if (!ts->pcb)
		return;
	pay = (u32)MIN(n, (size_t)ts->rcv_debt); /* window kept back for SO_RCVBUF */
	ts->rcv_debt -= pay;
	window_return(ts->pcb, n - pay);
	/* Data refused earlier (no memory for a queue entry) can come in now. */
	lwip_shim_tcp_retry_refused(ts->pcb);
}

/* Forget the first n bytes of rx (they were read). */
static void rx_consume(struct tcp_sock *ts, struct tcp_rx *rx, size_t n)
{
	rx->p = pbuf_free_header(rx->p, (u16)n);
	ts->rx_bytes -= n;
	if (!rx->p) {
		list_del(&rx->node);
		kfree(rx);
	}
}

void tcp_sock_rx_purge(struct tcp_sock *ts, bool ack)
{
	size_t n = ts->rx_bytes;
	struct tcp_rx *rx;

	while (!list_empty(&ts->rxq)) {
		rx = list_first_entry(&ts->rxq, struct tcp_rx, node);
		list_del(&rx->node);
		pbuf_free(rx->p);
		kfree(rx);
	}
	ts->rx_bytes = 0;
	if (ack)
		tcp_sock_rx_ack(ts, n);
}

/*
 * Copy queued data to the user: as much as is queued and fits. Consumes it
 * (and reopens the window) unless MSG_PEEK. Returns the count, or -EFAULT if
 * nothing could be copied.
 */
static long rx_copy(struct tcp_sock *ts, struct sock_msg *m)
{
	bool peek = m->flags & MSG_PEEK;
	struct tcp_rx *rx, *next;
	size_t done = 0, n, copied;
	long r = 0;

	list_for_each_entry_safe(rx, next, &ts->rxq, node) {
		if (!m->it.left)
			break;
		n = MIN((size_t)rx->p->tot_len, m->it.left);
		copied = m->it.left;
		r = sock_pbuf_to_iter(&m->it, rx->p, 0, n);
		copied -= m->it.left; /* what really landed, even on a fault */
		done += copied;
		if (!peek && copied)
			rx_consume(ts, rx, copied);
		if (r < 0 || copied < n)
			break;
	}
	if (!peek && done)
		tcp_sock_rx_ack(ts, done);
	return done ? (long)done : r;
}

/* ---- receive ---- */

static bool readable(struct sock *sk)
{
	struct tcp_sock *ts = tcp_sk(sk);

	return ts->rx_bytes || ts->rx_fin || sk->err || (sk->shut & SOCK_SHUT_RD) ||
	       ts->state == TSS_NEW || ts->state == TSS_LISTENING || !ts->pcb;
}

/*
 * Nothing is queued: 0 = end of file, < 0 = the error to report, 1 = wait
 * for more. take = false only looks (bytes were copied already, so an error
 * stays parked for the next call).
 */
static long rx_stop(struct tcp_sock *ts, bool take)
{
	if (ts->state == TSS_CONNECTING)
		return 1;
	if (ts->sk.err)
		return take ? sock_take_err(&ts->sk) : -ts->sk.err;
	if (ts->state == TSS_NEW || ts->state == TSS_LISTENING)
		return -ENOTCONN;
	if (ts->rx_fin || (ts->sk.shut & SOCK_SHUT_RD) || !ts->pcb)
		return 0;
	return 1;
}

long tcp_sock_recvmsg(struct sock *sk, struct sock_msg *m)
{
	struct tcp_sock *ts = tcp_sk(sk);
	u64 deadline = sock_deadline(sk->opt.rcvtimeo_ns);
	size_t done = 0;
	long r, err = 0;

	if (ts->state == TSS_LISTENING)
		return -ENOTCONN;
	/* lwIP hands urgent data over inline (as SO_OOBINLINE would): there
	 * is never an out-of-band byte to read, which Linux says with EINVAL. */
	if (m->flags & MSG_OOB)
		return -EINVAL;
	if (ts->state == TSS_NEW)
		return sk->err ? sock_take_err(sk) : -ENOTCONN;
	if (!m->it.left)
		return 0;
	for (;;) {
		r = rx_copy(ts, m);
		if (r < 0) {
			err = r;
			break;
		}
		done += (size_t)r;
		if (!m->it.left || (m->flags & MSG_PEEK && done))
			break;
		if (done && !(m->flags & MSG_WAITALL))
			break;
		if (!ts->rx_bytes) {
			err = rx_stop(ts, !done);
			if (err <= 0)
				break;
		}
		err = sock_wait(sk, readable, m->nonblock, deadline);
		if (err)
			break;
	}
	/* Bytes already copied are the result; an error waits for the next call. */
	return done ? (long)done : err;
}

size_t tcp_sock_pcb_rx_bytes(const struct tcp_pcb *pcb)
{
	const struct tcp_sock *ts;

	if (tcp_dbg_get_tcp_state(pcb) == LISTEN)
		return 0;
	ts = lwip_shim_tcp_recv_arg(pcb, tcp_sock_recv_cb);
	return ts ? ts->rx_bytes : 0;
}

unsigned long tcp_sock_inq(struct sock *sk)
{
	return tcp_sk(sk)->rx_bytes;
}

/* ---- send ---- */

/* Bytes lwIP holds for this connection: sent but unacknowledged, and unsent. */
static u32 sndbuf_used(struct tcp_sock *ts)
{
	return TCP_SND_BUF - MIN(lwip_shim_tcp_snd_buf(ts->pcb), (u32)TCP_SND_BUF);
}

/* The most it may hold: TCP_SND_BUF, or SO_SNDBUF's request (half the
 * doubled value getsockopt reports) when one was made. */
static u32 sndbuf_limit(struct tcp_sock *ts)
{
	if (!ts->sk.opt.sndbuf_set)
		return TCP_SND_BUF;
	return MIN((u32)ts->sk.opt.sndbuf / 2, (u32)TCP_SND_BUF);
}

/* How many more bytes may be handed to lwIP now (pcb required). */
static u32 sndbuf_room(struct tcp_sock *ts)
{
	u32 queued = sndbuf_used(ts), limit = sndbuf_limit(ts);

	if (ts->tx_blocked || queued >= limit || tcp_sndqueuelen(ts->pcb) >= TCP_SND_QUEUELEN)
		return 0;
	return MIN(limit - queued, (u32)tcp_sndbuf(ts->pcb));
}

/* Is there room for at least one byte? */
static bool tx_room(struct tcp_sock *ts)
{
	return ts->pcb && sndbuf_room(ts) > 0;
}

/*
 * Is there enough room to be worth waking a writer (or saying POLLOUT)?
 * Linux's rule (sk_stream_is_writeable): free space of at least half what
 * is queued, i.e. a third of the buffer. Waking on every ACK instead had
 * the writer copy one segment per wake-up, each write ending in a kick.
 */
static bool tx_space(struct tcp_sock *ts)
{
	u32 free;

	if (!ts->pcb)
		return false;
	free = sndbuf_room(ts);
	return free >= MIN((u32)TCP_MSS, sndbuf_limit(ts) / 2) && free >= sndbuf_used(ts) / 2 &&
	       tcp_sndqueuelen(ts->pcb) <= TCP_SND_QUEUELEN / 2;
}

static bool writable(struct sock *sk)
{
	struct tcp_sock *ts = tcp_sk(sk);

	return ts->state != TSS_CONNECTED || !ts->pcb || sk->err ||
	       (sk->shut & SOCK_SHUT_WR) || tx_space(ts);
}

/*
 * May data be sent now? 0, or the error a send reports. After partial
 * progress (done > 0) the count is the result: no signal, and a parked
 * error stays for the next call.
 */
static int tx_check(struct tcp_sock *ts, int flags, size_t done)
{
	if (ts->state == TSS_CONNECTED && ts->pcb && !(ts->sk.shut & SOCK_SHUT_WR))
		return 0;
	if (done)
		return -EPIPE;
	if (!(ts->sk.shut & SOCK_SHUT_WR) && ts->sk.err)
		return sock_take_err(&ts->sk);
	return sock_epipe(flags); /* shut down, never connected, or the connection is gone */
}

/*
 * Hand up to n bytes of the user's data to lwIP: the count, 0 = no memory,
 * or -errno. tcp_write copies straight from the user's (checked) buffer into
 * its segments: one copy, no bounce buffer. more: data follows (no push).
 */
static long tx_chunk(struct tcp_sock *ts, struct sock_msg *m, size_t n, bool more)
{
	const void *p;
	size_t len;
	err_t e;
	int err = sock_iter_peek_user(&m->it, n, &p, &len);

	if (err)
		return err;
	if (!len)
		return -EFAULT;
	more = more || len < n;
	e = tcp_write(ts->pcb, p, (u16_t)len, TCP_WRITE_FLAG_COPY | (more ? TCP_WRITE_FLAG_MORE : 0));
	if (e == ERR_MEM) {
		ts->tx_blocked = true; /* not taken: it goes again when memory is back */
		tcp_output(ts->pcb);
		return 0;
	}
	if (e != ERR_OK)
		return net_err_to_errno(e);
	sock_iter_skip(&m->it, len);
	return (long)len;
}

/*
 * TCP_CORK (tcp(7)): while set, data is queued without a push and goes out
 * only once a full segment's worth is waiting; clearing the option sends
 * what is left at once. Linux sends a corked tail after 200 ms at the most;
 * here the connection's one-second poll does (tcp_sock_poll_cb).
 */
static bool tx_corked(struct tcp_sock *ts, size_t sent)
{
	if (!ts->cork)
		return false;
	ts->cork_pending += (u32)MIN(sent, (size_t)0xffffffffu - ts->cork_pending);
	if (ts->pcb && ts->cork_pending >= tcp_mss(ts->pcb)) {
		ts->cork_pending = 0;
		return false;
	}
	return true;
}

static void tx_uncork(struct tcp_sock *ts)
{
	ts->cork_pending = 0;
	if (ts->pcb && ts->state == TSS_CONNECTED)
		tcp_output(ts->pcb);
}

long tcp_sock_sendmsg(struct sock *sk, struct sock_msg *m)
{
	struct tcp_sock *ts = tcp_sk(sk);
	u64 deadline = sock_deadline(sk->opt.sndtimeo_ns);
	size_t total = m->it.left, done = 0, n;
	long r, err = 0;

	if (m->flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (ts->state == TSS_CONNECTING) {
		/* Linux waits for the handshake (or says EAGAIN). */
		err = sock_wait(sk, tcp_sock_connect_done, m->nonblock, deadline);
		if (err)
			return err;
	}
	for (;;) {
		err = tx_check(ts, m->flags, done);
		if (err || done == total)
			break;
		if (!tx_room(ts)) {
			err = sock_wait(sk, writable, m->nonblock, deadline);
			if (err)
				break;
			continue;
		}
		n = MIN(total - done, (size_t)sndbuf_room(ts));
		r = tx_chunk(ts, m, n, done + n < total || (m->flags & MSG_MORE) || ts->cork);
		if (r < 0) {
			err = r;
			break;
		}
		done += (size_t)r;
	}
	if (ts->pcb && done && !(m->flags & MSG_MORE) && !tx_corked(ts, done))
		tcp_output(ts->pcb);
	/* Partial progress is the result, as on Linux. */
	return done ? (long)done : err;
}

/* tcp_sent: the peer acknowledged len bytes, so there is room again. */
err_t tcp_sock_sent_cb(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct tcp_sock *ts = arg;

	(void)pcb;
	(void)len;
	ts->tx_blocked = false;
	ts->tx_stall_ns = 0; /* progress: the user timeout starts over */
	if (tx_space(ts))
		sock_wake(&ts->sk);
	return ERR_OK;
}

/*
 * TCP_USER_TIMEOUT: has sent data waited for an ACK longer than the user
 * allows? The wait starts at the first poll that finds data unacknowledged
 * and starts over with every ACK (tcp_sock_sent_cb), so it is measured to
 * within the poll's second.
 */
static bool user_timed_out(struct tcp_sock *ts, const struct tcp_pcb *pcb)
{
	u64 now = time_coarse_ns();

	if (!ts->user_timeout_ms || !lwip_shim_tcp_has_unacked(pcb)) {
		ts->tx_stall_ns = 0;
		return false;
	}
	if (!ts->tx_stall_ns) {
		ts->tx_stall_ns = now;
		return false;
	}
	return now - ts->tx_stall_ns >= (u64)ts->user_timeout_ms * NSEC_PER_MSEC;
}

/* tcp_poll (every second): retry sends that hit ERR_MEM, recheck linger,
 * TCP_USER_TIMEOUT. */
err_t tcp_sock_poll_cb(void *arg, struct tcp_pcb *pcb)
{
	struct tcp_sock *ts = arg;

	ts->tx_blocked = false;
	if (user_timed_out(ts, pcb)) {
		/* Like Linux: the connection is dropped, the socket says ETIMEDOUT
		 * (err_cb maps the abort to it). */
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	if (ts->cork && ts->cork_pending)
		tx_uncork(ts); /* a corked tail waits a second at the most */
	sock_wake(&ts->sk);
	return ERR_OK;
}

/* ---- poll ---- */

static unsigned poll_connected(struct tcp_sock *ts)
{
	unsigned mask = 0;

	if (ts->rx_bytes)
		mask |= POLLIN | POLLRDNORM;
	if (ts->rx_fin || (ts->sk.shut & SOCK_SHUT_RD))
		mask |= POLLIN | POLLRDNORM | POLLRDHUP;
	if (!ts->pcb || (ts->sk.shut & SOCK_SHUT_WR))
		mask |= POLLOUT | POLLWRNORM; /* a write fails at once: not blocking */
	else if (tx_space(ts))
		mask |= POLLOUT | POLLWRNORM;
	/* Over in both directions: reset, or both FINs passed. */
	if (!ts->pcb || (ts->rx_fin && (ts->sk.shut & SOCK_SHUT_WR)) ||
	    ts->sk.shut == (SOCK_SHUT_RD | SOCK_SHUT_WR))
		mask |= POLLIN | POLLRDNORM | POLLHUP;
	return mask;
}

unsigned tcp_sock_poll(struct sock *sk)
{
	struct tcp_sock *ts = tcp_sk(sk);
	unsigned mask = sk->err ? POLLERR : 0;

	switch (ts->state) {
	case TSS_LISTENING:
		return mask | (list_empty(&ts->accept_q) ? 0 : POLLIN | POLLRDNORM);
	case TSS_CONNECTING:
		return mask;
	case TSS_NEW:
		/* Unconnected (or a failed connect): Linux reports OUT|HUP. */
		return mask | POLLOUT | POLLWRNORM | POLLHUP;
	case TSS_CONNECTED:
		return mask | poll_connected(ts);
	}
	return mask;
}

/* ---- IPPROTO_TCP options ---- */

static int set_keep(u32 *field, int v, int max)
{
	if (v < 1 || v > max)
		return -EINVAL;
	*field = (u32)v;
	return 0;
}

int tcp_sock_setopt(struct sock *sk, int level, int name, const void *val, unsigned len)
{
	struct tcp_sock *ts = tcp_sk(sk);
	int v, err;

	if (level != IPPROTO_TCP)
		return -ENOPROTOOPT;
	err = sock_opt_int(val, len, &v);
	if (err)
		return err;
	switch (name) {
	case TCP_NODELAY:
		ts->nodelay = v != 0;
		break;
	case TCP_CORK:
		if (ts->cork && !v)
			tx_uncork(ts);
		ts->cork = v != 0;
		break;
	case TCP_KEEPIDLE:
		err = set_keep(&ts->keepidle, v, 32767);
		break;
	case TCP_KEEPINTVL:
		err = set_keep(&ts->keepintvl, v, 32767);
		break;
	case TCP_KEEPCNT:
		err = set_keep(&ts->keepcnt, v, 127);
		break;
	case TCP_USER_TIMEOUT:
		if (v < 0)
			return -EINVAL;
		ts->user_timeout_ms = (u32)v;
		break;
	default:
		return -ENOPROTOOPT;
	}
	if (!err)
		tcp_sock_apply_opts(sk);
	return err;
}

/* TCP_INFO: a socket without a connection (new, listening) reports only its state. */
static int tcp_sock_info_get(struct tcp_sock *ts, void *val, unsigned *len)
{
	struct tcp_info ti;

	memset(&ti, 0, sizeof(ti));
	ti.tcpi_state = ts->state == TSS_LISTENING ? 0x0A : 0x07; /* TCP_LISTEN, TCP_CLOSE */
	if (ts->pcb && ts->state != TSS_LISTENING) {
		lwip_shim_tcp_info(ts->pcb, &ti);
		ti.tcpi_state = net_linux_tcp_state(tcp_dbg_get_tcp_state(ts->pcb));
	}
	*len = MIN(*len, (unsigned)sizeof(ti));
	memcpy(val, &ti, *len);
	return 0;
}

int tcp_sock_getopt(struct sock *sk, int level, int name, void *val, unsigned *len)
{
	struct tcp_sock *ts = tcp_sk(sk);

	if (level != IPPROTO_TCP)
		return -ENOPROTOOPT;
	switch (name) {
	case TCP_NODELAY:
		return sock_opt_put_int(val, len, ts->nodelay);
	case TCP_CORK:
		return sock_opt_put_int(val, len, ts->cork);
	case TCP_KEEPIDLE:
		return sock_opt_put_int(val, len, (int)ts->keepidle);
	case TCP_KEEPINTVL:
		return sock_opt_put_int(val, len, (int)ts->keepintvl);
	case TCP_KEEPCNT:
		return sock_opt_put_int(val, len, (int)ts->keepcnt);
	case TCP_USER_TIMEOUT:
		return sock_opt_put_int(val, len, (int)ts->user_timeout_ms);
	case TCP_MAXSEG:
		return sock_opt_put_int(val, len, ts->pcb && ts->state == TSS_CONNECTED
							  ? (int)tcp_mss(ts->pcb) : TCP_MSS);
	case TCP_INFO:
		return tcp_sock_info_get(ts, val, len);
	default:
		return -ENOPROTOOPT;
	}
}
