/*
 * TCP sockets on lwIP's raw API: the life of a connection. bind, connect
 * (blocking, or EINPROGRESS then poll/SO_ERROR), listen with a real backlog
 * (tcp_backlog_delayed until accept()), accept, shutdown, close (graceful,
 * SO_LINGER, or abortive with linger 0) and lwIP's connection callbacks.
 * Data transfer lives in sock_tcp_io.c.
 *
 * The PCB pointer is the delicate part: lwIP frees a PCB before calling
 * tcp_err (reset, retransmission timeout, abort), and frees a TIME_WAIT PCB
 * without telling anyone. So the socket forgets its PCB in tcp_err, and once
 * both FINs have passed (TIME_WAIT comes next) it detaches and lets lwIP
 * finish the close alone.
 *
 * SO_REUSEPORT (Linux's semantics, socket(7)): sockets of one user that all
 * set it before bind() may bind the same address and port; they form a
 * group that owns one lwIP PCB (lwIP has one listener per port), and each
 * new connection goes to one of the group's listeners chosen by a hash of
 * its 4-tuple, as Linux's reuseport_select_sock does. A socket without the
 * option, or of another user, gets EADDRINUSE. Not done: connect() from a
 * group member keeps the port (it leaves the group and takes an ephemeral one).
 */
#include "sock_tcp.h"
#include "net_private.h"
#include "sock_reuseport.h"
#include "lwip_shim.h"
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/mm.h>
#include <sis/proc.h>
#include <sis/timer.h>

static const struct sock_ops tcp_sock_ops;
static void err_cb(void *arg, err_t err);
static err_t accept_cb(void *arg, struct tcp_pcb *newpcb, err_t err);

/* Linux's keepalive defaults (also lwIP's): 2 h idle, 75 s apart, 9 probes. */
#define TCP_KEEPIDLE_DEFAULT_S 7200
#define TCP_KEEPINTVL_DEFAULT_S 75
#define TCP_KEEPCNT_DEFAULT_N 9
/*
 * ACK the first segments of a connection at once instead of after lwIP's
 * delayed-ACK timer (up to 250 ms): a peer still in slow start (slirp) waits
 * for those ACKs before it sends more (bench finding 3; Linux's quickack).
 */
#define TCP_QUICKACKS 16
/* Linux's somaxconn + 1 (listen() clamps the backlog to SOMAXCONN); lwIP's
 * backlog is a u16 (tools/patches/lwip-backlog-u16.patch). */
#define TCP_BACKLOG_MAX (SOMAXCONN + 1)

/* ---- PCB ownership ---- */

static void tcp_sock_attach(struct tcp_sock *ts, struct tcp_pcb *pcb)
{
	ts->pcb = pcb;
	ts->quickacks = TCP_QUICKACKS;
	tcp_arg(pcb, ts);
	tcp_recv(pcb, tcp_sock_recv_cb);
	tcp_sent(pcb, tcp_sock_sent_cb);
	tcp_err(pcb, err_cb);
	tcp_poll(pcb, tcp_sock_poll_cb, 2); /* every second: retries after ERR_MEM, linger */
}

/* Stop lwIP calling back into ts (the PCB itself lives on, or is freed next). */
static void tcp_sock_detach(struct tcp_sock *ts)
{
	struct tcp_pcb *pcb = ts->pcb;

	if (!pcb)
		return;
	tcp_arg(pcb, NULL);
	if (tcp_dbg_get_tcp_state(pcb) == LISTEN) {
		tcp_accept(pcb, NULL);
	} else {
		tcp_recv(pcb, NULL); /* lwIP's tcp_recv_null then frees data and ends on FIN */
		tcp_sent(pcb, NULL);
		tcp_err(pcb, NULL);
		tcp_poll(pcb, NULL, 0);
	}
	ts->pcb = NULL;
}

/* Remember the addresses while the PCB can tell them. */
static void tcp_sock_note_addrs(struct tcp_sock *ts)
{
	struct tcp_pcb *pcb = ts->pcb;
	enum tcp_state state = tcp_dbg_get_tcp_state(pcb);

	tcp_tcp_get_tcp_addrinfo(pcb, 1, &ts->local_ip, &ts->local_port);
	if (state != LISTEN && state != CLOSED)
		tcp_tcp_get_tcp_addrinfo(pcb, 0, &ts->peer_ip, &ts->peer_port);
}

/*
 * At most TCP_MAX_TW connections wait in TIME-WAIT (2 MSL, 4 s here); past
 * that the oldest are freed, as Linux's tcp_max_tw_buckets bounds them
 * (there a closing connection then skips TIME-WAIT; its default is about
 * this on a machine of 128 MiB). Without it, churn at a few thousand
 * connections a second keeps thousands of PCBs in the heap (lwIP kills
 * TIME-WAIT PCBs only when its fixed pools run out, and SIS's come from
 * kmalloc). A connection enters TIME-WAIT only in tcp_input, i.e. in the
 * network softirq, which calls this at the end of every run, and only once
 * it has sent its FIN, which it does when this file queues one (tw_fin;
 * lwIP sends none of its own accord). lwIP says nothing when a PCB enters
 * or leaves TIME-WAIT, so tw_bound counts what could be there: at a look,
 * the PCBs in TIME-WAIT and those on their way (FIN sent), plus every FIN
 * queued since. The lists are looked at only when that passes the cap, and
 * a look frees the oldest down to TCP_TW_KEEP, which leaves room for
 * TCP_MAX_TW - TCP_TW_KEEP more FINs before the next: open connections
 * cost nothing (1,000 idle ones and churn: one look per ~250 closes).
 */
#define TCP_MAX_TW 1024
#define TCP_TW_KEEP 768

static unsigned long tw_overflow, tw_looks;
static u32 tw_bound; /* the most connections in TIME-WAIT now, see above */

/* Our FIN is queued on a connection: it may come to TIME-WAIT. */
static void tw_fin(void)
{
	tw_bound++;
}

void tcp_sock_tw_limit(void)
{
	unsigned left;

	if (tw_bound <= TCP_MAX_TW)
		return;
	tw_looks++;
	tw_overflow += lwip_shim_tcp_tw_trim(TCP_TW_KEEP, &left);
	tw_bound = left + lwip_shim_tcp_closing();
}

void tcp_sock_tw_stats(struct tcp_tw_stats *tw)
{
	tw->now = 0;
	for (struct tcp_pcb *pcb = lwip_shim_tcp_first(LWIP_SHIM_TCP_TIME_WAIT); pcb;
	     pcb = lwip_shim_tcp_next(pcb))
		tw->now++;
	tw->overflow = tw_overflow;
	tw->looks = tw_looks;
}

/* The PCB for a TSS_NEW socket, made on first need (bind, connect, listen). */
static int tcp_sock_get_pcb(struct tcp_sock *ts)
{
	struct tcp_pcb *pcb;

	if (ts->pcb)
		return 0;
	pcb = tcp_new_ip_type(sock_inet_pcb_type(&ts->sk));
	if (!pcb)
		return -ENOMEM;
	tcp_sock_attach(ts, pcb);
	tcp_sock_apply_opts(&ts->sk);
	return 0;
}

/*
 * Both directions are finished (our FIN is queued and the peer's arrived):
 * hand the PCB to lwIP for the rest of the close (CLOSING/TIME_WAIT), which
 * it frees on its own. The socket keeps reporting EOF and EPIPE.
 */
void tcp_sock_both_closed(struct tcp_sock *ts)
{
	if (ts->pcb && ts->rx_fin && (ts->sk.shut & SOCK_SHUT_WR))
		tcp_sock_detach(ts);
}

/* ---- lwIP callbacks for the connection ---- */

/* The PCB is already freed: forget it and park the error for the user. */
static void err_cb(void *arg, err_t err)
{
	struct tcp_sock *ts = arg;

	if (!ts)
		return;
	ts->pcb = NULL;
	if (ts->state == TSS_CONNECTING) {
		/* A reset answering our SYN is a refusal; lwIP aborts after its SYN retries. */
		ts->sk.err = err == ERR_RST ? ECONNREFUSED : err == ERR_ABRT ? ETIMEDOUT
									   : -net_err_to_errno(err);
		ts->state = TSS_NEW;
		ts->bound = false;
	} else if (err != ERR_CLSD) {
		/* ERR_CLSD is a graceful end after shutdown(SHUT_WR): no error. */
		ts->sk.err = err == ERR_RST ? ECONNRESET : err == ERR_ABRT ? ETIMEDOUT
									 : -net_err_to_errno(err);
		ts->peer_valid = false;
	}
	sock_wake(&ts->sk);
}

static err_t connected_cb(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct tcp_sock *ts = arg;

	(void)err; /* always ERR_OK in lwIP 2.1 */
	if (!ts)
		return ERR_ABRT;
	ts->state = TSS_CONNECTED;
	ts->peer_valid = true;
	ts->pcb = pcb;
	tcp_sock_note_addrs(ts);
	/* The handshake's last ACK, sent when this returns, is the first
	 * window the peer may use: SO_RCVBUF can still shape it. */
	tcp_sock_rcv_window(ts, true);
	sock_wake(&ts->sk);
	return ERR_OK;
}

static u16 backlog_for_lwip(int backlog)
{
	/* Linux lets backlog + 1 connections wait; lwIP lets `backlog` pend. */
	return (u16)MIN(backlog + 1, TCP_BACKLOG_MAX);
}

static struct tcp_sock *tcp_sock_alloc(int family)
{
	struct tcp_sock *ts = kzalloc(sizeof(*ts));

	if (!ts)
		return NULL;
	sock_init(&ts->sk, &tcp_sock_ops, family, SOCK_STREAM, IPPROTO_TCP);
	ts->state = TSS_NEW;
	/* What TCP queues unless SO_SNDBUF says less, reported doubled as Linux
	 * reports its (overhead-inclusive) limit. */
	ts->sk.opt.sndbuf = 2 * TCP_SND_BUF;
	ts->sk.opt.rcvbuf = 2 * TCP_WND; /* the window, reported the same way */
	list_init(&ts->rxq);
	list_init(&ts->accept_q);
	list_init(&ts->accept_node);
	list_init(&ts->rp_node);
	ts->keepidle = TCP_KEEPIDLE_DEFAULT_S;
	ts->keepintvl = TCP_KEEPINTVL_DEFAULT_S;
	ts->keepcnt = TCP_KEEPCNT_DEFAULT_N;
	return ts;
}

/*
 * Linux's accept queue (tcp_conn_request, sk_acceptq_is_full): a SYN is
 * dropped (the client sends it again) while backlog + 1 established
 * connections wait for accept(); handshakes in progress do not count, and
 * one that completes while the queue is full still joins it here (Linux
 * ignores its ACK and keeps it as an acknowledged request until the
 * client's next segment or SYN-ACK retransmission finds room: to the
 * client, connected either way; SIS's queue may so hold more than backlog
 * + 1, by the handshakes that were in progress when it filled). lwIP
 * counts a connection against its backlog from the SYN on, so SIS sets
 * lwIP's limit itself: no SYN while the queue is full, else up to
 * TCP_BACKLOG_MAX handshakes at once (Linux: its SYN queue, then cookies).
 * A closing listener's handshakes are dropped without a RST, as Linux
 * drops them.
 * Before this, with busybox httpd's listen(fd, 9), ab -c 16 found 10
 * handshakes in progress enough to drop SYNs, each costing slirp's 3 s
 * retransmission. An SO_REUSEPORT group's PCB keeps lwIP's count
 * (tcp_backlog_delayed until accept), against its members' backlogs summed.
 */
static void tcp_sock_syn_gate(struct tcp_sock *ls)
{
	bool full = ls->accept_len >= (unsigned)ls->backlog;

	if (!ls->rp && ls->pcb && ls->state == TSS_LISTENING)
		lwip_shim_tcp_set_syn_limit((struct tcp_pcb_listen *)ls->pcb,
					    full ? 0 : TCP_BACKLOG_MAX);
}

void tcp_sock_listen_queue(struct tcp_pcb_listen *lpcb, u32 *queued, u32 *backlog)
{
	struct tcp_sock *ls = lwip_shim_tcp_listen_arg(lpcb);

	if (lwip_shim_tcp_accept_is(lpcb, accept_cb) && ls) {
		*queued = ls->accept_len;
		*backlog = ls->backlog ? (u32)ls->backlog - 1 : 0;
		return;
	}
	*queued = lwip_shim_tcp_accepts_pending(lpcb);
	*backlog = lwip_shim_tcp_backlog(lpcb) ? lwip_shim_tcp_backlog(lpcb) - 1u : 0;
}

/*
 * A connection completed the handshake on a listener: wrap it in a socket
 * and queue it for accept() (see tcp_sock_syn_gate for the backlog).
 * Returning an error makes lwIP abort it.
 */
static err_t accept_into(struct tcp_sock *ls, struct tcp_pcb *newpcb)
{
	struct tcp_sock *cs;

	cs = tcp_sock_alloc(ls->sk.family);
	if (!cs)
		return ERR_MEM;
	cs->sk.opt = ls->sk.opt; /* options are inherited, as on Linux */
	sock_ip6_copy_rthdr(&cs->sk, &ls->sk);
	cs->nodelay = ls->nodelay;
	cs->cork = ls->cork;
	cs->keepidle = ls->keepidle;
	cs->keepintvl = ls->keepintvl;
	cs->keepcnt = ls->keepcnt;
	cs->user_timeout_ms = ls->user_timeout_ms;
	cs->state = TSS_CONNECTED;
	cs->bound = true;
	cs->peer_valid = true;
	tcp_sock_attach(cs, newpcb);
	tcp_sock_apply_opts(&cs->sk);
	tcp_sock_note_addrs(cs);
	if (ls->rp)
		tcp_backlog_delayed(newpcb);
	list_add_tail(&cs->accept_node, &ls->accept_q);
	ls->accept_len++;
	tcp_sock_syn_gate(ls);
	sock_wake(&ls->sk);
	return ERR_OK;
}

static err_t accept_cb(void *arg, struct tcp_pcb *newpcb, err_t err)
{
	if (err != ERR_OK || !newpcb || !arg)
		return ERR_VAL;
	return accept_into(arg, newpcb);
}

/* ---- SO_REUSEPORT groups ---- */

static bool port_has_listener(const ip_addr_t *ip, u16 port);

struct tcp_rp_group {
	struct list_head node;    /* in rp_groups */
	struct list_head members; /* struct tcp_sock.rp_node, in bind order */
	ip_addr_t ip;
	u16 port;
	u32 uid;                  /* the binding user's: others get EADDRINUSE */
	struct tcp_pcb *pcb;      /* bound, listening once a member listens (owned here) */
	bool listening;
};

static struct list_head rp_groups = LIST_HEAD_INIT(rp_groups);

static bool same_family(const ip_addr_t *a, const ip_addr_t *b);

static bool addr_overlap(const ip_addr_t *a, const ip_addr_t *b)
{
	return same_family(a, b) && (ip_addr_isany(a) || ip_addr_isany(b) || ip_addr_cmp(a, b));
}

static struct tcp_rp_group *rp_find(const ip_addr_t *ip, u16 port, bool exact)
{
	struct tcp_rp_group *g;

	list_for_each_entry(g, &rp_groups, node)
		if (g->port == port && (exact ? ip_addr_cmp(&g->ip, ip) : addr_overlap(&g->ip, ip)))
			return g;
	return NULL;
}

static int rp_listeners(const struct tcp_rp_group *g)
{
	const struct tcp_sock *m;
	int n = 0;

	list_for_each_entry(m, &g->members, rp_node)
		n += m->state == TSS_LISTENING;
	return n;
}

/* A connection completed on the group's PCB: hand it to one listener. */
static err_t rp_accept_cb(void *arg, struct tcp_pcb *newpcb, err_t err)
{
	struct tcp_rp_group *g = arg;
	ip_addr_t lip, rip;
	u16 lport, rport;
	struct tcp_sock *m;
	int n, pick;

	if (err != ERR_OK || !newpcb || !g)
		return ERR_VAL;
	n = rp_listeners(g);
	if (!n)
		return ERR_VAL; /* nobody listens any more: lwIP resets it */
	tcp_tcp_get_tcp_addrinfo(newpcb, 1, &lip, &lport);
	tcp_tcp_get_tcp_addrinfo(newpcb, 0, &rip, &rport);
	pick = (int)(sock_rp_hash(&rip, rport, &lip, lport) % (u32)n);
	list_for_each_entry(m, &g->members, rp_node)
		if (m->state == TSS_LISTENING && pick-- == 0)
			return accept_into(m, newpcb);
	return ERR_VAL;
}

/* The group PCB's backlog: what its listeners allow together. */
static void rp_set_backlog(struct tcp_rp_group *g)
{
	struct tcp_sock *m;
	int sum = 0;
	u16 backlog;

	list_for_each_entry(m, &g->members, rp_node)
		if (m->state == TSS_LISTENING)
			sum += m->backlog;
	backlog = (u16)MIN(MAX(sum, 1), TCP_BACKLOG_MAX);
	if (g->listening)
		tcp_backlog_set(g->pcb, backlog);
}

/* Would binding ip:port (with or without SO_REUSEPORT) clash with a group? */
static bool rp_conflict(const ip_addr_t *ip, u16 port, bool reuseport)
{
	struct tcp_rp_group *g = rp_find(ip, port, false);

	if (!g)
		return false;
	return !reuseport || !ip_addr_cmp(&g->ip, ip) || g->uid != proc_euid();
}

/* bind() with SO_REUSEPORT to a given port: join its group, or found one. */
static int rp_bind(struct tcp_sock *ts, const ip_addr_t *ip, u16 port)
{
	struct tcp_rp_group *g = rp_find(ip, port, true);
	int err;

	if (!g) {
		if (port_has_listener(ip, port))
			return -EADDRINUSE;
		g = kzalloc(sizeof(*g));
		if (!g)
			return -ENOMEM;
		g->pcb = tcp_new_ip_type(sock_inet_pcb_type(&ts->sk));
		if (!g->pcb) {
			kfree(g);
			return -ENOMEM;
		}
		/* Over TIME-WAIT (the group's own old connections, say), as
		 * Linux lets reuseport sockets of one user; listeners were
		 * checked above, other groups by rp_conflict. */
		ip_set_option(g->pcb, SOF_REUSEADDR);
		err = net_err_to_errno(tcp_bind(g->pcb, ip, port));
		if (err) {
			tcp_close(g->pcb);
			kfree(g);
			return err;
		}
		ip_addr_copy(g->ip, *ip);
		g->port = port;
		g->uid = proc_euid();
		list_init(&g->members);
		list_add_tail(&g->node, &rp_groups);
	}
	list_add_tail(&ts->rp_node, &g->members);
	ts->rp = g;
	ts->bound = true;
	ip_addr_copy(ts->local_ip, *ip);
	ts->local_port = port;
	return 0;
}

/* Leave the group; the last member closes its PCB. */
static void rp_leave(struct tcp_sock *ts)
{
	struct tcp_rp_group *g = ts->rp;

	if (!g)
		return;
	list_del(&ts->rp_node);
	ts->rp = NULL;
	if (!list_empty(&g->members)) {
		rp_set_backlog(g);
		return;
	}
	tcp_arg(g->pcb, NULL);
	if (g->listening)
		tcp_accept(g->pcb, NULL);
	tcp_close(g->pcb); /* a bound or listening PCB: never fails */
	list_del(&g->node);
	kfree(g);
}

/* listen() on a group member: the group's PCB listens from the first one on. */
static int rp_listen(struct tcp_sock *ts, int backlog)
{
	struct tcp_rp_group *g = ts->rp;
	struct tcp_pcb *lpcb;
	err_t lerr = ERR_OK;

	ts->backlog = backlog_for_lwip(backlog);
	if (!g->listening) {
		lpcb = tcp_listen_with_backlog_and_err(g->pcb, (u16)ts->backlog, &lerr);
		if (!lpcb)
			return net_err_to_errno(lerr) ?: -ENOMEM;
		g->pcb = lpcb;
		g->listening = true;
		tcp_arg(lpcb, g);
		tcp_accept(lpcb, rp_accept_cb);
	}
	ts->state = TSS_LISTENING;
	ts->sk.listening = true;
	rp_set_backlog(g);
	return 0;
}

/* ---- bind, connect ---- */

/* Can addresses a and b (any of them a wildcard) meet? IPv4 and IPv6
 * ones never do; a dual-stack wildcard (IPADDR_TYPE_ANY) meets both. */
static bool same_family(const ip_addr_t *a, const ip_addr_t *b)
{
	return IP_GET_TYPE(a) == IP_GET_TYPE(b) || IP_IS_ANY_TYPE_VAL(*a) || IP_IS_ANY_TYPE_VAL(*b);
}

/*
 * Linux's rule that lwIP lacks (socket(7) SO_REUSEADDR): reuse of a local
 * address is allowed unless a socket is listening on it, so with
 * SO_REUSEADDR a server may bind over its old connections in TIME-WAIT
 * (lwIP checks those), but never a second listener on a listening port.
 * A dual-stack [::] listener holds the port for 0.0.0.0 too.
 */
static bool port_has_listener(const ip_addr_t *ip, u16 port)
{
	for (struct tcp_pcb_listen *l = lwip_shim_tcp_listeners(); l;
	     l = lwip_shim_tcp_listen_next(l)) {
		ip_addr_t lip;
		u16 lport;

		lwip_shim_tcp_listen_addr(l, &lip, &lport);
		if (lport != port || !same_family(&lip, ip))
			continue;
		if (ip_addr_isany(&lip) || ip_addr_isany(ip) || ip_addr_cmp(&lip, ip))
			return true;
	}
	return false;
}

static int tcp_sock_bind(struct sock *sk, const struct sockaddr_storage *addr, unsigned len)
{
	struct tcp_sock *ts = tcp_sk(sk);
	ip_addr_t ip;
	u16 port;
	int err;

	err = sock_inet_addr_from(sk, addr, len, SOCK_ADDR_BIND, &ip, &port);
	if (err < 0)
		return err;
	if (ts->state != TSS_NEW || ts->bound)
		return -EINVAL;
	err = sock_inet_bind_check(&ip, port, false);
	if (err)
		return err;
	if (port && rp_conflict(&ip, port, sk->opt.reuseport))
		return -EADDRINUSE;
	if (port && sk->opt.reuseport)
		return rp_bind(ts, &ip, port);
	if (port && port_has_listener(&ip, port))
		return -EADDRINUSE;
	err = tcp_sock_get_pcb(ts);
	if (err)
		return err;
	err = net_err_to_errno(tcp_bind(ts->pcb, &ip, port));
	if (err)
		return err;
	ts->bound = true;
	tcp_sock_note_addrs(ts);
	return 0;
}

bool tcp_sock_connect_done(struct sock *sk)
{
	return tcp_sk(sk)->state != TSS_CONNECTING;
}

/* A blocking connect waits for the outcome, bounded by SO_SNDTIMEO. */
static int tcp_sock_connect_wait(struct tcp_sock *ts)
{
	int err;

	err = sock_wait(&ts->sk, tcp_sock_connect_done, false,
			sock_deadline(ts->sk.opt.sndtimeo_ns));
	if (err == -EAGAIN)
		return -EINPROGRESS; /* timed out: Linux leaves it connecting */
	if (err) {
		ts->report_connect = true; /* interrupted: it goes on in the background */
		return err;
	}
	if (ts->state == TSS_CONNECTED)
		return 0;
	return ts->sk.err ? sock_take_err(&ts->sk) : -ECONNABORTED;
}

/*
 * connect() on a socket whose earlier connect is in progress or finished:
 * EALREADY while it runs; once it is over, the first call reports how it
 * went (0 or the error), later ones say EISCONN (Linux's behaviour that
 * non-blocking clients rely on).
 */
static int tcp_sock_connect_again(struct tcp_sock *ts)
{
	if (ts->state == TSS_CONNECTING)
		return -EALREADY;
	if (ts->report_connect) {
		ts->report_connect = false;
		if (ts->state == TSS_CONNECTED)
			return 0;
		return ts->sk.err ? sock_take_err(&ts->sk) : -ECONNABORTED;
	}
	return ts->state == TSS_NEW ? 0 : -EISCONN;
}

/* connect(AF_UNSPEC): drop the association (abortively, like Linux's tcp_disconnect). */
static void tcp_sock_listen_stop(struct tcp_sock *ts);
static int tcp_sock_disconnect(struct tcp_sock *ts)
{
	struct tcp_pcb *pcb = ts->pcb;

	if (ts->state == TSS_LISTENING) {
		tcp_sock_listen_stop(ts);
		return 0;
	}
	tcp_sock_detach(ts);
	if (pcb)
		tcp_abort(pcb);
	tcp_sock_rx_purge(ts, false);
	ts->state = TSS_NEW;
	ts->bound = false;
	ts->peer_valid = false;
	ts->rx_fin = false;
	ts->report_connect = false;
	ts->sk.shut = 0;
	sock_wake(&ts->sk);
	return 0;
}

static int tcp_sock_connect(struct sock *sk, const struct sockaddr_storage *addr, unsigned len,
			    bool nonblock)
{
	struct tcp_sock *ts = tcp_sk(sk);
	ip_addr_t ip, src;
	u16 port;
	int err;

	err = sock_inet_addr_from(sk, addr, len, SOCK_ADDR_CONNECT, &ip, &port);
	if (err < 0)
		return err;
	if (err == SOCK_ADDR_UNSPEC)
		return tcp_sock_disconnect(ts);
	if (ts->state == TSS_LISTENING)
		return -EISCONN;
	if (ts->state != TSS_NEW || ts->report_connect) {
		err = tcp_sock_connect_again(ts);
		if (err || ts->state != TSS_NEW)
			return err;
	}
	if (ip_addr_isany(&ip))
		sock_inet_any_to_loopback(&ip); /* Linux: INADDR_ANY means this host */
	if (ts->rp) {
		rp_leave(ts); /* see the header: the group's port stays the group's */
		ts->bound = false;
	}
	err = tcp_sock_get_pcb(ts);
	if (err)
		return err;
	tcp_tcp_get_tcp_addrinfo(ts->pcb, 1, &src, NULL);
	err = sock_inet_src_check(&src);
	if (err)
		return err;
	err = net_err_to_errno(tcp_connect(ts->pcb, &ip, port, connected_cb));
	if (err)
		return err;
	ts->state = TSS_CONNECTING;
	ts->bound = true;
	ts->sk.err = 0;
	tcp_sock_note_addrs(ts);
	ip_addr_copy(ts->peer_ip, ip);
	ts->peer_port = port;
	if (nonblock) {
		ts->report_connect = true;
		return -EINPROGRESS;
	}
	return tcp_sock_connect_wait(ts);
}

/* ---- listen, accept ---- */

static int tcp_sock_listen(struct sock *sk, int backlog)
{
	struct tcp_sock *ts = tcp_sk(sk);
	struct tcp_pcb *lpcb;
	err_t lerr = ERR_OK;
	int err;

	if (ts->state == TSS_LISTENING) {
		ts->backlog = backlog_for_lwip(backlog);
		if (ts->rp)
			rp_set_backlog(ts->rp);
		else
			tcp_sock_syn_gate(ts);
		return 0;
	}
	if (ts->state != TSS_NEW)
		return -EINVAL;
	if (ts->rp)
		return rp_listen(ts, backlog);
	err = tcp_sock_get_pcb(ts);
	if (err)
		return err;
	if (!ts->bound) {
		err = net_err_to_errno(tcp_bind(ts->pcb, sock_inet_any(sk), 0));
		if (err)
			return err;
		ts->bound = true;
	}
	ts->backlog = backlog_for_lwip(backlog);
	lpcb = tcp_listen_with_backlog_and_err(ts->pcb, (u16)ts->backlog, &lerr);
	if (!lpcb)
		return net_err_to_errno(lerr) ?: -ENOMEM;
	/* lwIP freed the old PCB and made a smaller listening one. */
	ts->pcb = lpcb;
	tcp_arg(lpcb, ts);
	tcp_accept(lpcb, accept_cb);
	ts->state = TSS_LISTENING;
	sk->listening = true;
	tcp_sock_syn_gate(ts);
	tcp_sock_note_addrs(ts);
	return 0;
}

/* Free a connection nobody accepted: reset it, as Linux does on close. */
static void tcp_sock_drop_child(struct tcp_sock *cs)
{
	struct tcp_pcb *pcb = cs->pcb;

	list_del(&cs->accept_node);
	tcp_sock_detach(cs);
	if (pcb)
		tcp_abort(pcb);
	tcp_sock_rx_purge(cs, false);
	sock_free(&cs->sk);
}

static void tcp_sock_listen_stop(struct tcp_sock *ts)
{
	struct tcp_pcb *lpcb = ts->pcb;

	while (!list_empty(&ts->accept_q))
		tcp_sock_drop_child(list_first_entry(&ts->accept_q, struct tcp_sock, accept_node));
	ts->accept_len = 0;
	tcp_sock_detach(ts);
	if (lpcb && !ts->rp)
		lwip_shim_tcp_drop_handshakes((struct tcp_pcb_listen *)lpcb);
	if (lpcb)
		tcp_close(lpcb); /* never fails for a listening PCB */
	ts->state = TSS_NEW;
	rp_leave(ts);
	ts->bound = false;
	ts->sk.listening = false;
	sock_wake(&ts->sk);
}

static bool tcp_sock_acceptable(struct sock *sk)
{
	struct tcp_sock *ts = tcp_sk(sk);

	return !list_empty(&ts->accept_q) || ts->state != TSS_LISTENING;
}

static struct sock *tcp_sock_accept(struct sock *sk, bool nonblock)
{
	struct tcp_sock *ts = tcp_sk(sk), *cs;
	int err;

	if (ts->state != TSS_LISTENING)
		return ERR_PTR(-EINVAL);
	err = sock_wait(sk, tcp_sock_acceptable, nonblock, sock_deadline(sk->opt.rcvtimeo_ns));
	if (err)
		return ERR_PTR(err);
	if (ts->state != TSS_LISTENING)
		return ERR_PTR(-EINVAL); /* shut down while we waited */
	cs = list_first_entry(&ts->accept_q, struct tcp_sock, accept_node);
	list_del(&cs->accept_node);
	ts->accept_len--;
	tcp_sock_syn_gate(ts);
	if (cs->pcb)
		tcp_backlog_accepted(cs->pcb); /* a group's PCB: frees its backlog slot */
	return &cs->sk;
}

/* ---- names ---- */

static int tcp_sock_getname(struct sock *sk, struct sockaddr_storage *addr, unsigned *len,
			    bool peer)
{
	struct tcp_sock *ts = tcp_sk(sk);

	if (ts->pcb && ts->state != TSS_CONNECTING)
		tcp_sock_note_addrs(ts);
	if (!peer) {
		*len = sock_inet_name(sk, addr, &ts->local_ip, ts->local_port);
		return 0;
	}
	if (ts->state != TSS_CONNECTED || !ts->peer_valid)
		return -ENOTCONN;
	*len = sock_inet_name(sk, addr, &ts->peer_ip, ts->peer_port);
	return 0;
}

/* ---- shutdown and close ---- */

static int tcp_sock_shutdown(struct sock *sk, int how)
{
	struct tcp_sock *ts = tcp_sk(sk);
	unsigned bits = how == SHUT_RD ? SOCK_SHUT_RD
			: how == SHUT_WR ? SOCK_SHUT_WR : SOCK_SHUT_RD | SOCK_SHUT_WR;
	int err;

	if (ts->state == TSS_LISTENING) {
		if (bits & SOCK_SHUT_RD)
			tcp_sock_listen_stop(ts); /* accept() then fails with EINVAL */
		return 0;
	}
	if (ts->state == TSS_CONNECTING)
		return tcp_sock_disconnect(ts);
	if (ts->state != TSS_CONNECTED || !ts->pcb)
		return -ENOTCONN;
	if ((bits & SOCK_SHUT_WR) && !(sk->shut & SOCK_SHUT_WR)) {
		err = net_err_to_errno(tcp_shutdown(ts->pcb, 0, 1)); /* queue our FIN */
		if (err)
			return err;
		tw_fin();
	}
	if (bits & SOCK_SHUT_RD)
		tcp_sock_rx_purge(ts, true); /* unread data is dropped; later data too */
	sk->shut |= bits;
	tcp_sock_both_closed(ts);
	sock_wake(sk);
	return 0;
}

static bool tcp_sock_linger_done(struct sock *sk)
{
	struct tcp_pcb *pcb = tcp_sk(sk)->pcb;

	return !pcb || (!lwip_shim_tcp_has_unsent(pcb) && !lwip_shim_tcp_has_unacked(pcb));
}

/*
 * SO_LINGER with a timeout: send our FIN and wait (at most linger seconds)
 * until everything, the FIN included, is acknowledged.
 */
static void tcp_sock_linger(struct tcp_sock *ts)
{
	u64 deadline = time_ns() + (u64)ts->sk.opt.linger_secs * NSEC_PER_SEC;

	if (!(ts->sk.shut & SOCK_SHUT_WR)) {
		if (tcp_shutdown(ts->pcb, 0, 1) != ERR_OK)
			return;
		tw_fin();
	}
	ts->sk.shut |= SOCK_SHUT_WR;
	tcp_output(ts->pcb);
	sock_wait(&ts->sk, tcp_sock_linger_done, false, deadline);
}

/* Close the connection of a socket being released. */
static void tcp_sock_close_conn(struct tcp_sock *ts)
{
	struct tcp_pcb *pcb;
	bool abortive = ts->sk.opt.linger_on && ts->sk.opt.linger_secs == 0;

	if (ts->pcb && ts->state == TSS_CONNECTED && ts->sk.opt.linger_on && !abortive)
		tcp_sock_linger(ts);
	pcb = ts->pcb;
	if (!pcb)
		return;
	/* With unread data lwIP's tcp_close sends a reset, as Linux does; it
	 * judges by the window, so give back what SO_RCVBUF kept first. */
	if (!ts->rx_bytes)
		tcp_sock_rcv_uncut(ts);
	tcp_sock_detach(ts);
	if (abortive || tcp_close(pcb) != ERR_OK)
		tcp_abort(pcb);
	else if (!(ts->sk.shut & SOCK_SHUT_WR))
		tw_fin();
}

static void tcp_sock_release(struct sock *sk)
{
	struct tcp_sock *ts = tcp_sk(sk);

	if (ts->state == TSS_LISTENING)
		tcp_sock_listen_stop(ts);
	else
		tcp_sock_close_conn(ts);
	rp_leave(ts); /* a member that was bound, not listening */
	tcp_sock_rx_purge(ts, false);
	sock_free(sk);
}

/* ---- options ---- */

void tcp_sock_apply_opts(struct sock *sk)
{
	struct tcp_sock *ts = tcp_sk(sk);
	struct tcp_pcb *pcb = ts->pcb;
	enum tcp_state state;

	if (!pcb)
		return;
	sock_inet_apply_ip_opts(sk, (struct ip_pcb *)pcb);
	state = tcp_dbg_get_tcp_state(pcb);
	if (state == LISTEN)
		return; /* the rest lives only in connection PCBs */
	if (state != CLOSED && state != SYN_SENT)
		tcp_sock_rcv_window(ts, false); /* connect applies it on completion */
	if (ts->nodelay)
		tcp_nagle_disable(pcb);
	else
		tcp_nagle_enable(pcb);
	lwip_shim_tcp_keepalive(pcb, ts->keepidle * 1000, ts->keepintvl * 1000, ts->keepcnt);
}

static const struct sock_ops tcp_sock_ops = {
	.bind = tcp_sock_bind,
	.connect = tcp_sock_connect,
	.listen = tcp_sock_listen,
	.accept = tcp_sock_accept,
	.sendmsg = tcp_sock_sendmsg,
	.recvmsg = tcp_sock_recvmsg,
	.shutdown = tcp_sock_shutdown,
	.getname = tcp_sock_getname,
	.setopt = tcp_sock_setopt,
	.getopt = tcp_sock_getopt,
	.apply_opts = tcp_sock_apply_opts,
	.poll = tcp_sock_poll,
	.inq = tcp_sock_inq,
	.release = tcp_sock_release,
};

int tcp_sock_create(int family, struct sock **out)
{
	struct tcp_sock *ts = tcp_sock_alloc(family);

	if (!ts)
		return -ENOMEM;
	*out = &ts->sk;
	return 0;
}
