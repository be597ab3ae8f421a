/*
 * TCP sockets, shared between sock_tcp.c (connection life: bind, connect,
 * listen, accept, shutdown, close, lwIP callbacks) and sock_tcp_io.c (data:
 * send, receive, poll, TCP-level options). Private to src/net.
 */
#ifndef SIS_NET_SOCK_TCP_H
#define SIS_NET_SOCK_TCP_H

#include "sock_inet.h"
#include "lwip/tcp.h"

enum tcp_sock_state {
	TSS_NEW,        /* no connection: fresh, bound, or after a failed connect */
	TSS_CONNECTING, /* SYN sent; connect() waits or polls for the outcome */
	TSS_CONNECTED,  /* established; stays so after FIN or reset (see pcb, rx_fin, err) */
	TSS_LISTENING,
};

/* Received data, in arrival order. Each chain stays below 64 KiB (pbuf tot_len). */
struct tcp_rx {
	struct list_head node; /* in tcp_sock.rxq */
	struct pbuf *p;        /* unread bytes (read ones are freed from the front) */
};

struct tcp_sock {
	struct sock sk;
	/*
	 * The lwIP PCB, or NULL: not made yet (TSS_NEW), or no longer ours once
	 * connected (lwIP freed it after a reset/timeout/full close, or we
	 * handed it back to finish closing on its own). Its callback arg is
	 * this socket exactly while ts->pcb points at it.
	 */
	struct tcp_pcb *pcb;
	enum tcp_sock_state state;
	bool bound;          /* the PCB has a local address (bind, connect, listen) */
	bool report_connect; /* a non-blocking connect finished; the next connect() says how */
	bool tx_blocked;     /* tcp_write ran out of memory: wait for an ACK or the poll timer */
	bool peer_valid;     /* peer_ip/peer_port name the connected peer */

	/* Addresses, kept so they can be reported after the PCB is gone. */
	ip_addr_t local_ip, peer_ip;
	u16 local_port, peer_port;

	/* Receiving: tcp_recved() is called only as the user copies data out. */
	struct list_head rxq; /* struct tcp_rx */
	size_t rx_bytes;      /* unread bytes in rxq */
	bool rx_fin;          /* the peer sent FIN: end of file after rxq */
	/* SO_RCVBUF below TCP_WND: this much of lwIP's window is kept back
	 * (rcv_cut), taken from the PCB at once or, if lent out, from the next
	 * tcp_recved credits (rcv_debt). */
	u32 rcv_cut, rcv_debt;
	u8 quickacks;         /* segments still to ACK at once (see tcp_sock_recv_cb) */

	/* Listening socket: established connections not yet accepted. */
	struct list_head accept_q; /* struct tcp_sock.accept_node */
	unsigned accept_len;       /* entries in accept_q */
	int backlog;               /* as lwIP counts it (listen()'s + 1, like Linux) */
	/* Queued child: its place in the listener's accept_q. */
	struct list_head accept_node;
	/* SO_REUSEPORT: the group of sockets sharing local_ip:local_port
	 * (sock_tcp.c), or NULL; its PCB is the group's, ts->pcb stays NULL. */
	struct tcp_rp_group *rp;
	struct list_head rp_node; /* in rp->members */

	/* IPPROTO_TCP options (keepalive times in seconds). */
	bool nodelay;
	bool cork;            /* TCP_CORK: partial segments wait (sock_tcp_io.c) */
	u32 cork_pending;     /* bytes queued while corked since the last tcp_output */
	u32 keepidle, keepintvl, keepcnt;
	u32 user_timeout_ms;  /* TCP_USER_TIMEOUT, 0 = off */
	u64 tx_stall_ns;      /* since when sent data waits for an ACK (0 = it does not) */
};

static inline struct tcp_sock *tcp_sk(struct sock *sk)
{
	return (struct tcp_sock *)sk;
}

/* sock_tcp.c */
void tcp_sock_apply_opts(struct sock *sk);
bool tcp_sock_connect_done(struct sock *sk);
/* After SHUT_WR and the peer's FIN: let lwIP finish the close on its own. */
void tcp_sock_both_closed(struct tcp_sock *ts);
/* Connections in TIME-WAIT now, those freed early to keep them at
 * TCP_MAX_TW (sock_tcp.c), and the looks at lwIP's lists that took, for
 * /proc/net/sis_pools. Network locked. */
struct tcp_tw_stats {
	unsigned long now, overflow, looks;
};
void tcp_sock_tw_stats(struct tcp_tw_stats *tw);
/* A listener's accept queue for /proc/net/tcp: connections waiting for
 * accept() and listen()'s backlog. Network locked. */
void tcp_sock_listen_queue(struct tcp_pcb_listen *lpcb, u32 *queued, u32 *backlog);

/* sock_tcp_io.c */
long tcp_sock_sendmsg(struct sock *sk, struct sock_msg *m);
long tcp_sock_recvmsg(struct sock *sk, struct sock_msg *m);
unsigned tcp_sock_poll(struct sock *sk);
unsigned long tcp_sock_inq(struct sock *sk);
int tcp_sock_setopt(struct sock *sk, int level, int name, const void *val, unsigned len);
int tcp_sock_getopt(struct sock *sk, int level, int name, void *val, unsigned *len);
/* lwIP callbacks for data */
err_t tcp_sock_recv_cb(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err);
err_t tcp_sock_sent_cb(void *arg, struct tcp_pcb *pcb, u16_t len);
err_t tcp_sock_poll_cb(void *arg, struct tcp_pcb *pcb);
/* Fit lwIP's receive window to SO_RCVBUF (ts->pcb set, connected). fresh:
 * the handshake just completed, nothing announced is in use yet. */
void tcp_sock_rcv_window(struct tcp_sock *ts, bool fresh);
/* Return the window SO_RCVBUF holds back (before tcp_close: lwIP resets a
 * connection whose window is not whole, taking it for unread data). */
void tcp_sock_rcv_uncut(struct tcp_sock *ts);
/* Drop all unread data (close, SHUT_RD); ack reports it as read to lwIP. */
void tcp_sock_rx_purge(struct tcp_sock *ts, bool ack);

#endif
