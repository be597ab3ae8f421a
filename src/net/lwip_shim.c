/*
 * lwip_shim: the one place that knows lwIP's internals (see lwip_shim.h).
 * Each function is a field access or a list head from lwIP 2.1.3's
 * tcp_priv.h, tcp.h, ip.h, udp.h, raw.h, nd6_priv.h and timeouts.c; a
 * newer lwIP must be checked against them first.
 */
#include <sis/kernel.h>
#include "lwip/init.h"
#include "lwip/nd6.h"
#include "lwip/priv/nd6_priv.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/timeouts.h"
#include "lwip_shim.h"
#include <uapi/sis/tcp.h>

#if LWIP_VERSION_MAJOR != 2 || LWIP_VERSION_MINOR != 1 || LWIP_VERSION_REVISION != 3
#error "src/net/lwip_shim.c was written for lwIP 2.1.3: check every function against this lwIP"
#endif

struct tcp_pcb *lwip_shim_tcp_first(enum lwip_shim_tcp_list list)
{
	switch (list) {
	case LWIP_SHIM_TCP_ACTIVE:
		return tcp_active_pcbs;
	case LWIP_SHIM_TCP_TIME_WAIT:
		return tcp_tw_pcbs;
	case LWIP_SHIM_TCP_BOUND:
		return tcp_bound_pcbs;
	}
	return NULL;
}

struct tcp_pcb_listen *lwip_shim_tcp_listeners(void)
{
	return tcp_listen_pcbs.listen_pcbs;
}

u32 lwip_shim_tcp_rcv_spare(const struct tcp_pcb *pcb, bool fresh)
{
	return fresh ? (u32)pcb->rcv_wnd : (u32)(pcb->rcv_wnd - pcb->rcv_ann_wnd);
}

void lwip_shim_tcp_rcv_cut(struct tcp_pcb *pcb, u32 n, bool fresh)
{
	pcb->rcv_wnd = (tcpwnd_size_t)(pcb->rcv_wnd - n);
	if (fresh)
		pcb->rcv_ann_wnd = pcb->rcv_wnd;
}

struct tcp_pcb *lwip_shim_tcp_next(const struct tcp_pcb *pcb)
{
	return pcb->next;
}

struct tcp_pcb_listen *lwip_shim_tcp_listen_next(const struct tcp_pcb_listen *l)
{
	return l->next;
}

void lwip_shim_tcp_listen_addr(const struct tcp_pcb_listen *l, ip_addr_t *ip, u16 *port)
{
	ip_addr_copy(*ip, l->local_ip);
	*port = l->local_port;
}

void *lwip_shim_tcp_recv_arg(const struct tcp_pcb *pcb, tcp_recv_fn fn)
{
	return pcb->recv == fn ? pcb->callback_arg : NULL;
}

void *lwip_shim_udp_recv_arg(const struct udp_pcb *pcb, udp_recv_fn fn)
{
	return pcb->recv == fn ? pcb->recv_arg : NULL;
}

void lwip_shim_tcp_keepalive(struct tcp_pcb *pcb, u32 idle_ms, u32 intvl_ms, u32 cnt)
{
	pcb->keep_idle = idle_ms;
	pcb->keep_intvl = intvl_ms;
	pcb->keep_cnt = cnt;
}

void lwip_shim_tcp_ack_now(struct tcp_pcb *pcb)
{
	tcp_ack_now(pcb);
}

void lwip_shim_tcp_retry_refused(struct tcp_pcb *pcb)
{
	if (pcb->refused_data)
		tcp_process_refused_data(pcb);
}

u32 lwip_shim_tcp_unacked_bytes(const struct tcp_pcb *pcb)
{
	return pcb->snd_lbb - pcb->lastack;
}

bool lwip_shim_tcp_has_unacked(const struct tcp_pcb *pcb)
{
	return pcb->unacked != NULL;
}

bool lwip_shim_tcp_has_unsent(const struct tcp_pcb *pcb)
{
	return pcb->unsent != NULL;
}

u8 lwip_shim_tcp_retransmits(const struct tcp_pcb *pcb)
{
	return pcb->nrtx;
}

u32 lwip_shim_tcp_snd_buf(const struct tcp_pcb *pcb)
{
	return pcb->snd_buf;
}

/* TCP_REG puts a PCB entering TIME-WAIT at the head of tcp_tw_pcbs: the
 * list runs from the newest to the oldest. */
unsigned lwip_shim_tcp_tw_trim(unsigned keep, unsigned *left)
{
	struct tcp_pcb *last = NULL, *rest = tcp_tw_pcbs, *pcb;
	unsigned freed = 0;

	for (*left = 0; rest && *left < keep; (*left)++) {
		last = rest;
		rest = rest->next;
	}
	if (!last)
		return 0;
	last->next = NULL;
	while (rest) {
		pcb = rest;
		rest = rest->next;
		tcp_free(pcb);
		freed++;
	}
	return freed;
}

unsigned lwip_shim_tcp_closing(void)
{
	unsigned n = 0;

	for (const struct tcp_pcb *pcb = tcp_active_pcbs; pcb; pcb = pcb->next)
		n += pcb->state == FIN_WAIT_1 || pcb->state == FIN_WAIT_2 ||
		     pcb->state == CLOSING || (pcb->flags & TF_CLOSEPEND);
	return n;
}

u16 lwip_shim_tcp_backlog(const struct tcp_pcb_listen *l)
{
	return l->backlog;
}

void lwip_shim_tcp_set_syn_limit(struct tcp_pcb_listen *l, u16 n)
{
	l->backlog = n;
}

void lwip_shim_tcp_drop_handshakes(struct tcp_pcb_listen *l)
{
	struct tcp_pcb *pcb = tcp_active_pcbs, *next;

	for (; pcb; pcb = next) {
		next = pcb->next;
		if (pcb->state == SYN_RCVD && pcb->listener == l)
			tcp_abandon(pcb, 0);
	}
}

bool lwip_shim_tcp_accept_is(const struct tcp_pcb_listen *l, tcp_accept_fn fn)
{
	return l->accept == fn;
}

void *lwip_shim_tcp_listen_arg(const struct tcp_pcb_listen *l)
{
	return l->callback_arg;
}

u16 lwip_shim_tcp_accepts_pending(const struct tcp_pcb_listen *l)
{
	return l->accepts_pending;
}

const ip_addr_t *lwip_shim_ip_local_ip(const struct ip_pcb *pcb)
{
	return &pcb->local_ip;
}

const ip_addr_t *lwip_shim_ip_remote_ip(const struct ip_pcb *pcb)
{
	return &pcb->remote_ip;
}

void lwip_shim_ip_set_any_type(struct ip_pcb *pcb, u8 type)
{
	if (ip_addr_isany(&pcb->local_ip))
		IP_SET_TYPE_VAL(pcb->local_ip, type);
	if (ip_addr_isany(&pcb->remote_ip))
		IP_SET_TYPE_VAL(pcb->remote_ip, type);
}

void lwip_shim_ip_set_hops(struct ip_pcb *pcb, u8 ttl, u8 tos)
{
	pcb->ttl = ttl;
	pcb->tos = tos;
}

const ip_addr_t *lwip_shim_udp_local_ip(const struct udp_pcb *pcb)
{
	return &pcb->local_ip;
}

const ip_addr_t *lwip_shim_udp_remote_ip(const struct udp_pcb *pcb)
{
	return &pcb->remote_ip;
}

u16 lwip_shim_udp_local_port(const struct udp_pcb *pcb)
{
	return pcb->local_port;
}

u16 lwip_shim_udp_remote_port(const struct udp_pcb *pcb)
{
	return pcb->remote_port;
}

struct udp_pcb *lwip_shim_udp_first(void)
{
	return udp_pcbs;
}

struct udp_pcb *lwip_shim_udp_next(const struct udp_pcb *pcb)
{
	return pcb->next;
}

const ip_addr_t *lwip_shim_raw_local_ip(const struct raw_pcb *pcb)
{
	return &pcb->local_ip;
}

const ip_addr_t *lwip_shim_raw_remote_ip(const struct raw_pcb *pcb)
{
	return &pcb->remote_ip;
}

int lwip_shim_raw_chksum_offset(const struct raw_pcb *pcb)
{
	return pcb->chksum_reqd ? pcb->chksum_offset : -1;
}

void lwip_shim_raw_set_chksum_offset(struct raw_pcb *pcb, int offset)
{
	pcb->chksum_reqd = offset >= 0;
	pcb->chksum_offset = offset >= 0 ? (u16)offset : 0;
}

const ip6_addr_t *lwip_shim_nd6_router(int i, const struct netif *nif)
{
	const struct nd6_neighbor_cache_entry *n;

	if (i < 0 || i >= LWIP_ND6_NUM_ROUTERS)
		return NULL;
	n = default_router_list[i].neighbor_entry;
	return n && n->netif == nif ? &n->next_hop_address : NULL;
}

u32_t lwip_shim_nd6_router_lifetime(int i)
{
	return i >= 0 && i < LWIP_ND6_NUM_ROUTERS ? default_router_list[i].invalidation_timer : 0;
}

const ip6_addr_t *lwip_shim_nd6_prefix(int i, const struct netif *nif, u32_t *lifetime)
{
	const struct nd6_prefix_list_entry *p;

	if (i < 0 || i >= LWIP_ND6_NUM_PREFIXES)
		return NULL;
	p = &prefix_list[i];
	if (p->netif != nif || !p->invalidation_timer)
		return NULL;
	*lifetime = p->invalidation_timer;
	return &p->prefix;
}

/* timeouts.c; its header declares it only for LWIP_TESTMODE. */
void lwip_cyclic_timer(void *arg);

void lwip_shim_nd6_timer_restart(void)
{
	for (int i = 0; i < lwip_num_cyclic_timers; i++) {
		const struct lwip_cyclic_timer *t = &lwip_cyclic_timers[i];

		if (t->handler != nd6_tmr)
			continue;
		sys_untimeout(lwip_cyclic_timer, (void *)t);
		sys_timeout(t->interval_ms, lwip_cyclic_timer, (void *)t);
	}
}

/* lwIP's estimator (tcp_in.c tcp_receive): sa = 8 * srtt and sv = 4 * rttvar,
 * both in TCP_SLOW_INTERVAL ticks, as is rto; cwnd and ssthresh in bytes. */
void lwip_shim_tcp_info(const struct tcp_pcb *pcb, struct tcp_info *ti)
{
	u32 mss = MAX((u32)tcp_mss(pcb), 1u), tick_us = TCP_SLOW_INTERVAL * 1000u;
	u32 unacked = 0;

	for (const struct tcp_seg *seg = pcb->unacked; seg; seg = seg->next)
		unacked++;
	ti->tcpi_retransmits = pcb->nrtx;
	ti->tcpi_rto = (u32)MAX(pcb->rto, 0) * tick_us;
	ti->tcpi_snd_mss = mss;
	ti->tcpi_rcv_mss = mss;
	ti->tcpi_advmss = mss;
	ti->tcpi_unacked = unacked;
	ti->tcpi_pmtu = pcb->mss + 40u;
	ti->tcpi_rtt = (u32)(MAX(pcb->sa, 0) >> 3) * tick_us;
	ti->tcpi_rttvar = (u32)(MAX(pcb->sv, 0) >> 2) * tick_us;
	ti->tcpi_snd_ssthresh = pcb->ssthresh / mss;
	ti->tcpi_snd_cwnd = pcb->cwnd / mss;
	ti->tcpi_rcv_space = pcb->rcv_wnd;
	ti->tcpi_snd_wnd = pcb->snd_wnd;
	ti->tcpi_reordering = 3;
	if (pcb->flags & TF_WND_SCALE) {
		ti->tcpi_options |= TCPI_OPT_WSCALE;
		ti->tcpi_wscale = (u8)((pcb->snd_scale & 0xf) | (pcb->rcv_scale << 4));
	}
}

_Static_assert(__builtin_offsetof(struct tcp_info, tcpi_total_retrans) == 100 &&
	       __builtin_offsetof(struct tcp_info, tcpi_snd_wnd) == 228 &&
	       sizeof(struct tcp_info) == 232, "struct tcp_info is Linux's layout");
