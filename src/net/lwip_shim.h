/*
 * lwip_shim: what SIS needs from lwIP that its raw API does not offer. This
 * is the only code that includes lwIP's private headers or touches the
 * fields of struct tcp_pcb: everything else in src/net uses lwIP's public
 * API (a TCP PCB's state and addresses through tcp_dbg_get_tcp_state and
 * tcp_tcp_get_tcp_addrinfo; socket options through ip_set_option, flags
 * through udp_/raw_set_flags, multicast through udp_/raw_set_multicast_*).
 * What lwIP 2.1 has no getter or setter for (its netconn layer reads the
 * fields) is here: the common struct ip_pcb part of every PCB (addresses,
 * ttl, tos), a UDP PCB's ports and lwIP's UDP list, a raw PCB's addresses
 * and checksum offset. No other file reads or writes a PCB's fields.
 * Written against lwIP 2.1.3 (lwip_shim.c refuses to build with another).
 * All calls: lwIP locked (net_lock or the network softirq).
 */
#ifndef SIS_NET_LWIP_SHIM_H
#define SIS_NET_LWIP_SHIM_H

#include <sis/types.h>
#include "lwip/ip.h"
#include "lwip/raw.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "lwip/ip6_addr.h"
#include "lwip/netif.h"

/* lwIP's TCP PCB lists (tcp_priv.h): the first PCB or NULL, and the one
 * after pcb (lwip_shim_tcp_next / _listen_next) or NULL. */
enum lwip_shim_tcp_list {
	LWIP_SHIM_TCP_ACTIVE,    /* SYN_SENT .. TIME_WAIT exclusive */
	LWIP_SHIM_TCP_TIME_WAIT,
	LWIP_SHIM_TCP_BOUND,     /* bound, neither listening nor connected */
};
struct tcp_pcb *lwip_shim_tcp_first(enum lwip_shim_tcp_list list);
struct tcp_pcb_listen *lwip_shim_tcp_listeners(void);
struct tcp_pcb *lwip_shim_tcp_next(const struct tcp_pcb *pcb);
struct tcp_pcb_listen *lwip_shim_tcp_listen_next(const struct tcp_pcb_listen *l);
/* A listener's local address and port (what tcp_tcp_get_tcp_addrinfo tells
 * of a connection PCB). */
void lwip_shim_tcp_listen_addr(const struct tcp_pcb_listen *l, ip_addr_t *ip, u16 *port);

/*
 * Receive window that may still be taken away: the whole window on a
 * connection that has announced none yet (fresh), else the part not
 * announced (rcv_wnd - rcv_ann_wnd). lwip_shim_tcp_rcv_cut() takes n of it
 * (n <= spare), and on a fresh connection announces only what is left.
 */
u32 lwip_shim_tcp_rcv_spare(const struct tcp_pcb *pcb, bool fresh);
void lwip_shim_tcp_rcv_cut(struct tcp_pcb *pcb, u32 n, bool fresh);

/* Ask for an ACK at once (tcp_input sends it when the receive callback
 * returns: RFC 9293 quick ACKs); offer data lwIP kept because the receive
 * callback refused it (no memory) again. */
void lwip_shim_tcp_ack_now(struct tcp_pcb *pcb);
void lwip_shim_tcp_retry_refused(struct tcp_pcb *pcb);

/* pcb's callback argument (tcp_arg's / udp_recv's) if its receive callback
 * is fn, else NULL: ours told apart from PCBs lwIP itself or another module
 * owns. Not for a listening PCB. */
void *lwip_shim_tcp_recv_arg(const struct tcp_pcb *pcb, tcp_recv_fn fn);
void *lwip_shim_udp_recv_arg(const struct udp_pcb *pcb, udp_recv_fn fn);

/* Keepalive timing of a connection (TCP_KEEPIDLE/INTVL/CNT; lwIP has
 * LWIP_TCP_KEEPALIVE fields and no call to set them). */
void lwip_shim_tcp_keepalive(struct tcp_pcb *pcb, u32 idle_ms, u32 intvl_ms, u32 cnt);

/*
 * What lwIP still holds of a connection's output: bytes written and not yet
 * acknowledged (snd_lbb - lastack, /proc/net/tcp's tx_queue), whether any
 * segment is unacknowledged or unsent, the retransmissions of the oldest
 * (nrtx), and the free part of the send buffer uncapped (tcp_sndbuf() caps
 * it at 64 KiB under window scaling).
 */
u32 lwip_shim_tcp_unacked_bytes(const struct tcp_pcb *pcb);
bool lwip_shim_tcp_has_unacked(const struct tcp_pcb *pcb);
bool lwip_shim_tcp_has_unsent(const struct tcp_pcb *pcb);
u8 lwip_shim_tcp_retransmits(const struct tcp_pcb *pcb);
u32 lwip_shim_tcp_snd_buf(const struct tcp_pcb *pcb);

/*
 * Free the TIME-WAIT PCBs past the newest keep (keep >= 1), as tcp_abandon
 * frees one (nothing is sent; nothing is queued on one). Walks at most keep
 * PCBs. Returns how many it freed; *left: how many stay (at most keep).
 */
unsigned lwip_shim_tcp_tw_trim(unsigned keep, unsigned *left);
/* Connections that have sent their FIN (or have one pending, TF_CLOSEPEND)
 * and may still enter TIME-WAIT: FIN_WAIT_1, FIN_WAIT_2, CLOSING. Walks
 * every active PCB. */
unsigned lwip_shim_tcp_closing(void);

/* A listener's backlog (tcp_backlog_set's value) and the connections
 * waiting for accept (TCP_LISTEN_BACKLOG's count). */
u16 lwip_shim_tcp_backlog(const struct tcp_pcb_listen *l);
/* The most handshakes (SYN_RCVD) lwIP lets wait on l before it drops a SYN,
 * 0 included (tcp_backlog_set makes 0 a 1): with TCP_LISTEN_BACKLOG, lwIP
 * counts a connection from its SYN until tcp_backlog_accepted. */
void lwip_shim_tcp_set_syn_limit(struct tcp_pcb_listen *l, u16 n);
/* Forget l's handshakes in progress (SYN_RCVD) without a word, as Linux
 * drops a closing listener's requests: no RST. */
void lwip_shim_tcp_drop_handshakes(struct tcp_pcb_listen *l);
/* l's accept callback and its argument. */
bool lwip_shim_tcp_accept_is(const struct tcp_pcb_listen *l, tcp_accept_fn fn);
void *lwip_shim_tcp_listen_arg(const struct tcp_pcb_listen *l);
u16 lwip_shim_tcp_accepts_pending(const struct tcp_pcb_listen *l);

/*
 * The common part of every PCB (lwIP's IP_PCB, the first members of struct
 * tcp_pcb, udp_pcb and raw_pcb, which is what makes the cast to struct
 * ip_pcb lwIP's own ip_set_option relies on). The addresses are the PCB's
 * own: valid while the PCB is. lwip_shim_ip_set_any_type gives those of
 * them that are unspecified the type (IPADDR_TYPE_*) a new PCB of that type
 * has (udp_new_ip_type's): which family a wildcard bind or peer accepts.
 */
const ip_addr_t *lwip_shim_ip_local_ip(const struct ip_pcb *pcb);
const ip_addr_t *lwip_shim_ip_remote_ip(const struct ip_pcb *pcb);
void lwip_shim_ip_set_any_type(struct ip_pcb *pcb, u8 type);
/* The TTL (hop limit) and TOS (traffic class) of what pcb sends. */
void lwip_shim_ip_set_hops(struct ip_pcb *pcb, u8 ttl, u8 tos);

/* A UDP PCB's addresses and ports (0 local: not bound; the remote ones
 * mean something only with UDP_FLAGS_CONNECTED in udp_flags()); lwIP's
 * UDP PCBs (udp_pcbs, the first or NULL) one after another. */
const ip_addr_t *lwip_shim_udp_local_ip(const struct udp_pcb *pcb);
const ip_addr_t *lwip_shim_udp_remote_ip(const struct udp_pcb *pcb);
u16 lwip_shim_udp_local_port(const struct udp_pcb *pcb);
u16 lwip_shim_udp_remote_port(const struct udp_pcb *pcb);
struct udp_pcb *lwip_shim_udp_first(void);
struct udp_pcb *lwip_shim_udp_next(const struct udp_pcb *pcb);

/* A raw PCB's addresses; the offset of the checksum lwIP fills in on send
 * (IPV6_CHECKSUM's value, IPv6 only), or -1 when it fills none. Set: an
 * even offset >= 0, or -1. */
const ip_addr_t *lwip_shim_raw_local_ip(const struct raw_pcb *pcb);
const ip_addr_t *lwip_shim_raw_remote_ip(const struct raw_pcb *pcb);
int lwip_shim_raw_chksum_offset(const struct raw_pcb *pcb);
void lwip_shim_raw_set_chksum_offset(struct raw_pcb *pcb, int offset);

/* The next hop of nd6's default router slot i (0 .. LWIP_ND6_NUM_ROUTERS-1)
 * if that router was learned on nif, else NULL (nd6_priv.h's list). */
const ip6_addr_t *lwip_shim_nd6_router(int i, const struct netif *nif);
/* Seconds left of router slot i (0 if empty or expired). */
u32_t lwip_shim_nd6_router_lifetime(int i);
/* nd6's on-link prefix slot i (0 .. LWIP_ND6_NUM_PREFIXES-1), a /64, if it
 * is nif's and alive: the prefix, and *lifetime its seconds left; else NULL. */
const ip6_addr_t *lwip_shim_nd6_prefix(int i, const struct netif *nif, u32_t *lifetime);

/* Restart lwIP's cyclic nd6 timer (timeouts.c's lwip_cyclic_timers), so
 * that its next tick comes a full ND6_TMR_INTERVAL from now. */
void lwip_shim_nd6_timer_restart(void);

/*
 * getsockopt(TCP_INFO) figures of a connection's PCB (all but tcpi_state):
 * MSS, lwIP's RTT estimator and RTO in microseconds, congestion window and
 * threshold in segments, segments in flight, the peer's window, window
 * scaling. lwIP keeps no per-connection totals (retransmissions, bytes,
 * segments): those stay 0.
 */
struct tcp_info;
void lwip_shim_tcp_info(const struct tcp_pcb *pcb, struct tcp_info *ti);

#endif
