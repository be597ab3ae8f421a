/*
 * ICMP and raw IP sockets on lwIP raw PCBs, enough for a real ping:
 *
 *  - SOCK_DGRAM + IPPROTO_ICMP, Linux's "ping sockets": the program sends an
 *    ICMP echo request (header + payload, no IP header); the kernel puts the
 *    socket's echo identifier (its "port": chosen at bind or first send) and
 *    the checksum in. Receiving gives the matching echo replies, ICMP header
 *    first, with the replier as source address.
 *  - SOCK_RAW + protocol: the program sends the protocol's message (its own
 *    checksum included) and the kernel adds the IP header; receiving gives a
 *    copy of every packet of that protocol, IP header included. ICMP_FILTER
 *    (SOL_RAW) drops ICMP types by bitmask, as on Linux. No IP_HDRINCL.
 *
 * AF_INET6 has the same two kinds for ICMPv6 (IPPROTO_ICMPV6): ping sockets
 * send echo requests (128) and get the matching replies (129); raw sockets
 * get every ICMPv6 message (ND and MLD included) without the IPv6 header, as
 * Linux's raw6 sockets do, filtered by ICMP6_FILTER (IPPROTO_ICMPV6 level,
 * a bit per type that blocks it). The kernel computes the ICMPv6 checksum
 * (it covers the IPv6 pseudo-header) for both.
 *
 * Packets are copied, never eaten: lwIP still answers echo requests itself,
 * and every matching socket gets its own copy, as on Linux.
 */
#include "sock_inet.h"
#include "net_private.h"
#include "lwip/raw.h"
#include "lwip/inet_chksum.h"
#include "lwip/prot/ip4.h"
#include "lwip/prot/icmp.h"
#include "lwip/prot/icmp6.h"
#include "lwip/ip.h"
#include "lwip_shim.h"
#include <sis/kernel.h>
#include <sis/mm.h>
#include <uapi/sis/poll.h>

/* Largest payload of one IPv4 datagram after a minimal IP header. */
#define RAW_MAX_PAYLOAD (0xffff - 20)
/* Ping identifiers are chosen from here up, like ephemeral ports. */
#define PING_IDENT_FIRST 32768

struct icmp_sock {
	struct dgram_sock d;
	struct raw_pcb *pcb;
	bool ping;               /* SOCK_DGRAM + IPPROTO_ICMP */
	bool connected;          /* connect() gave a default destination */
	u16 ident;               /* ping: echo identifier, host order; 0 = not chosen yet */
	u32 icmp_filter;         /* raw ICMP: bit t set = drop ICMP type t (t < 32) */
	u32 icmp6_filter[8];     /* raw ICMPv6: bit t set = drop ICMPv6 type t */
	struct list_head ping_node; /* in ping_socks while ident != 0 */
};

/* Ping sockets with an identifier, to keep identifiers unique. net_lock. */
static LIST_HEAD(ping_socks);
static u16 ping_next_ident = PING_IDENT_FIRST;

static const struct sock_ops icmp_sock_ops;

static struct icmp_sock *icmp_sk(struct sock *sk)
{
	return (struct icmp_sock *)sk;
}

/* ---- receiving ---- */

/* A new PBUF_RAM pbuf with p's bytes from offset on, or NULL. */
static struct pbuf *copy_tail(struct pbuf *p, u16 offset)
{
	struct pbuf *q;

	if (offset > p->tot_len)
		return NULL;
	q = pbuf_alloc(PBUF_RAW, (u16_t)(p->tot_len - offset), PBUF_RAM);
	if (q && pbuf_copy_partial(p, q->payload, q->tot_len, offset) != q->tot_len) {
		pbuf_free(q);
		q = NULL;
	}
	return q;
}

static bool is_v6(const struct icmp_sock *is)
{
	return is->d.sk.family == AF_INET6;
}

/* Length of the IP header at the front of p (IPv6: with its extension
 * headers, as ip6_input has parsed them), or 0 if p is too short. */
static u16 header_len(const struct icmp_sock *is, struct pbuf *p)
{
	u8 vhl;

	if (is_v6(is))
		return p->tot_len >= ip_current_header_tot_len() ? ip_current_header_tot_len() : 0;
	if (pbuf_copy_partial(p, &vhl, 1, 0) != 1)
		return 0;
	return (u16)((vhl & 0x0f) * 4);
}

/* Does p (IP header first) carry an echo reply for ping socket is? */
static bool ping_matches(struct icmp_sock *is, struct pbuf *p, u16 hlen)
{
	struct icmp_echo_hdr h;

	if (!is->ident || pbuf_copy_partial(p, &h, sizeof(h), hlen) != sizeof(h))
		return false;
	if (h.code != 0 || lwip_ntohs(h.id) != is->ident)
		return false;
	return h.type == (is_v6(is) ? ICMP6_TYPE_EREP : ICMP_ER);
}

/* Is p an ICMP type the raw socket's ICMP_FILTER / ICMP6_FILTER drops? */
static bool icmp_sock_filtered(struct icmp_sock *is, struct pbuf *p, u16 hlen)
{
	u8 type;

	if (is->d.sk.protocol != IPPROTO_ICMP && is->d.sk.protocol != IPPROTO_ICMPV6)
		return false;
	if (pbuf_copy_partial(p, &type, 1, hlen) != 1)
		return true;
	if (is_v6(is))
		return is->icmp6_filter[type >> 5] & (1U << (type & 31));
	return type < 32 && (is->icmp_filter & (1U << type));
}

/* raw_recv, in the softirq. Always returns 0 ("not eaten"): we copy. */
static u8_t icmp_sock_recv_cb(void *arg, struct raw_pcb *pcb, struct pbuf *p,
			      const ip_addr_t *addr)
{
	struct icmp_sock *is = arg;
	u16 hlen = header_len(is, p);
	struct pbuf *q;

	(void)pcb;
	if (!hlen)
		return 0;
	if (is->ping) {
		if (!ping_matches(is, p, hlen))
			return 0;
		q = copy_tail(p, hlen);
	} else {
		if (icmp_sock_filtered(is, p, hlen))
			return 0;
		q = copy_tail(p, is_v6(is) ? hlen : 0); /* raw6: no IPv6 header */
	}
	if (q && !sock_dgram_push(&is->d, q, addr, 0))
		pbuf_free(q);
	return 0;
}

static long icmp_sock_recvmsg(struct sock *sk, struct sock_msg *m)
{
	return sock_dgram_recv(&icmp_sk(sk)->d, m);
}

/* ---- identifiers of ping sockets ---- */

static bool ping_ident_used(u16 ident)
{
	struct icmp_sock *is;

	list_for_each_entry(is, &ping_socks, ping_node) {
		if (is->ident == ident)
			return true;
	}
	return false;
}

/* Give ping socket is the identifier `want` (0: any free one). */
static int ping_set_ident(struct icmp_sock *is, u16 want)
{
	unsigned tries;

	if (want) {
		if (ping_ident_used(want))
			return -EADDRINUSE;
	} else {
		for (tries = 0; tries < 0x8000; tries++) {
			want = ping_next_ident++;
			if (ping_next_ident == 0)
				ping_next_ident = PING_IDENT_FIRST;
			if (!ping_ident_used(want))
				break;
		}
		if (tries == 0x8000)
			return -EAGAIN;
	}
	is->ident = want;
	list_add(&is->ping_node, &ping_socks);
	return 0;
}

/* ---- bind, connect ---- */

static int icmp_sock_bind(struct sock *sk, const struct sockaddr_storage *addr, unsigned len)
{
	struct icmp_sock *is = icmp_sk(sk);
	ip_addr_t ip;
	u16 port;
	int err;

	err = sock_inet_addr_from(sk, addr, len, SOCK_ADDR_BIND, &ip, &port);
	if (err < 0)
		return err;
	if (!sock_inet_addr_local(&ip, true))
		return -EADDRNOTAVAIL;
	if (is->ping) {
		if (is->ident)
			return -EINVAL;
		err = ping_set_ident(is, port);
		if (err)
			return err;
	}
	return net_err_to_errno(raw_bind(is->pcb, &ip));
}

static int icmp_sock_connect(struct sock *sk, const struct sockaddr_storage *addr, unsigned len,
			     bool nonblock)
{
	struct icmp_sock *is = icmp_sk(sk);
	ip_addr_t ip;
	u16 port;
	int err;

	(void)nonblock;
	err = sock_inet_addr_from(sk, addr, len, SOCK_ADDR_CONNECT, &ip, &port);
	if (err < 0)
		return err;
	if (err == SOCK_ADDR_UNSPEC) {
		raw_disconnect(is->pcb);
		is->connected = false;
		return 0;
	}
	if (!IP_ADDR_PCB_VERSION_MATCH(is->pcb, &ip))
		return -EAFNOSUPPORT; /* an IPv4 peer for an ICMPv6 socket */
	if (sock_inet_addr_broadcast(&ip) && !sk->opt.broadcast)
		return -EACCES;
	err = net_err_to_errno(raw_connect(is->pcb, &ip));
	if (err)
		return err;
	is->connected = true;
	return 0;
}

/* ---- sending ---- */

static int icmp_sock_dest(struct icmp_sock *is, struct sock_msg *m, ip_addr_t *ip)
{
	u16 port;
	int err;

	err = m->addrlen ? sock_inet_addr_from(&is->d.sk, &m->addr, m->addrlen, SOCK_ADDR_SEND,
					       ip, &port)
			 : SOCK_ADDR_NONE;
	if (err < 0)
		return err;
	if (err == SOCK_ADDR_NONE) {
		if (!is->connected)
			return -EDESTADDRREQ;
		ip_addr_copy(*ip, *lwip_shim_raw_remote_ip(is->pcb));
		return 0;
	}
	if (!IP_ADDR_PCB_VERSION_MATCH(is->pcb, ip))
		return -EINVAL; /* an IPv4 destination for an ICMPv6 socket */
	if (ip_addr_isany(ip))
		sock_inet_any_to_loopback(ip);
	return 0;
}

/* Ping: only echo requests; the identifier and checksum are the kernel's. */
static int ping_prepare(struct icmp_sock *is, struct pbuf *p)
{
	struct icmp_echo_hdr *h = p->payload;
	int err;

	if (p->len < sizeof(*h) || h->code != 0 ||
	    h->type != (is_v6(is) ? ICMP6_TYPE_EREQ : ICMP_ECHO))
		return -EINVAL;
	if (!is->ident) {
		err = ping_set_ident(is, 0);
		if (err)
			return err;
	}
	h->id = lwip_htons(is->ident);
	h->chksum = 0;
	if (!is_v6(is)) /* ICMPv6: raw_sendto sums it with the pseudo-header */
		h->chksum = inet_chksum_pbuf(p);
	return 0;
}

static long icmp_sock_sendmsg(struct sock *sk, struct sock_msg *m)
{
	struct icmp_sock *is = icmp_sk(sk);
	size_t len = m->it.left;
	int sum_at = lwip_shim_raw_chksum_offset(is->pcb);
	struct pbuf *p;
	ip_addr_t ip;
	int err;

	if (m->flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (sk->shut & SOCK_SHUT_WR)
		return sock_epipe(m->flags);
	if (len > RAW_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (is->ping && len < sizeof(struct icmp_echo_hdr))
		return -EINVAL;
	if (sum_at >= 0 && len < (size_t)sum_at + 2)
		return -EINVAL; /* no room for the ICMPv6 checksum */
	err = icmp_sock_dest(is, m, &ip);
	if (err)
		return err;
	if (sock_inet_addr_broadcast(&ip) && !sk->opt.broadcast)
		return -EACCES;
	err = sock_inet_src_check(lwip_shim_raw_local_ip(is->pcb));
	if (err)
		return err;
	p = sock_dgram_fill(m, len, PBUF_IP, &err);
	if (!p)
		return err;
	err = is->ping ? ping_prepare(is, p) : 0;
	if (!err) {
		sock_mcast_raw_tx(sk, is->pcb, &ip);
		err = net_err_to_errno(raw_sendto(is->pcb, p, &ip));
	}
	pbuf_free(p);
	return err ? err : (long)len;
}

/* ---- the rest ---- */

static int icmp_sock_shutdown(struct sock *sk, int how)
{
	sk->shut |= how == SHUT_RD ? SOCK_SHUT_RD
		    : how == SHUT_WR ? SOCK_SHUT_WR : SOCK_SHUT_RD | SOCK_SHUT_WR;
	sock_wake(sk);
	return icmp_sk(sk)->connected ? 0 : -ENOTCONN;
}

static int icmp_sock_getname(struct sock *sk, struct sockaddr_storage *addr, unsigned *len,
			     bool peer)
{
	struct icmp_sock *is = icmp_sk(sk);

	if (!peer) {
		*len = sock_inet_name(sk, addr, lwip_shim_raw_local_ip(is->pcb), is->ident);
		return 0;
	}
	if (!is->connected)
		return -ENOTCONN;
	*len = sock_inet_name(sk, addr, lwip_shim_raw_remote_ip(is->pcb), 0);
	return 0;
}

/* ICMP6_FILTER (IPPROTO_ICMPV6 level) of a raw ICMPv6 socket; Linux takes a
 * short value (zero-filled) and reports at most what fits. */
static bool icmp_sock_filter_opt(struct icmp_sock *is, int level, int name)
{
	return level == IPPROTO_ICMPV6 && name == ICMPV6_FILTER && !is->ping &&
	       is->d.sk.protocol == IPPROTO_ICMPV6;
}

static int icmp_sock_setopt(struct sock *sk, int level, int name, const void *val, unsigned len)
{
	struct icmp_sock *is = icmp_sk(sk);

	if (icmp_sock_filter_opt(is, level, name)) {
		memset(is->icmp6_filter, 0, sizeof(is->icmp6_filter));
		memcpy(is->icmp6_filter, val, MIN(len, (unsigned)sizeof(is->icmp6_filter)));
		return 0;
	}
	if (level != SOL_RAW || name != ICMP_FILTER || is->ping || sk->protocol != IPPROTO_ICMP)
		return -ENOPROTOOPT;
	if (len < sizeof(u32))
		return -EINVAL;
	memcpy(&is->icmp_filter, val, sizeof(u32));
	return 0;
}

static int icmp_sock_getopt(struct sock *sk, int level, int name, void *val, unsigned *len)
{
	struct icmp_sock *is = icmp_sk(sk);

	if (icmp_sock_filter_opt(is, level, name)) {
		*len = MIN(*len, (unsigned)sizeof(is->icmp6_filter));
		memcpy(val, is->icmp6_filter, *len);
		return 0;
	}
	if (level != SOL_RAW || name != ICMP_FILTER || is->ping || sk->protocol != IPPROTO_ICMP)
		return -ENOPROTOOPT;
	*len = MIN(*len, (unsigned)sizeof(u32));
	memcpy(val, &is->icmp_filter, *len);
	return 0;
}

static void icmp_sock_apply_opts(struct sock *sk)
{
	sock_inet_apply_ip_opts(sk, (struct ip_pcb *)icmp_sk(sk)->pcb);
}

static unsigned icmp_sock_poll(struct sock *sk)
{
	return sock_dgram_poll(&icmp_sk(sk)->d);
}

static void icmp_sock_release(struct sock *sk)
{
	struct icmp_sock *is = icmp_sk(sk);

	raw_remove(is->pcb);
	if (is->ident)
		list_del(&is->ping_node);
	sock_dgram_purge(&is->d);
	sock_free(sk);
}

static const struct sock_ops icmp_sock_ops = {
	.bind = icmp_sock_bind,
	.connect = icmp_sock_connect,
	.sendmsg = icmp_sock_sendmsg,
	.recvmsg = icmp_sock_recvmsg,
	.shutdown = icmp_sock_shutdown,
	.getname = icmp_sock_getname,
	.setopt = icmp_sock_setopt,
	.getopt = icmp_sock_getopt,
	.apply_opts = icmp_sock_apply_opts,
	.poll = icmp_sock_poll,
	.inq = sock_dgram_inq,
	.release = icmp_sock_release,
};

int icmp_sock_create(int family, int type, int protocol, struct sock **out)
{
	struct icmp_sock *is = kzalloc(sizeof(*is));

	if (!is)
		return -ENOMEM;
	is->pcb = raw_new_ip_type(family == AF_INET6 ? IPADDR_TYPE_V6 : IPADDR_TYPE_V4,
				  (u8_t)protocol);
	if (!is->pcb) {
		kfree(is);
		return -ENOMEM;
	}
	if (family == AF_INET6 && protocol == IPPROTO_ICMPV6)
		lwip_shim_raw_set_chksum_offset(is->pcb, 2); /* Linux always sums ICMPv6 */
	sock_init(&is->d.sk, &icmp_sock_ops, family, type, protocol);
	is->d.sk.opt.v6only = family == AF_INET6; /* no IPv4 through ICMPv6 */
	sock_dgram_init(&is->d);
	is->ping = type == SOCK_DGRAM;
	list_init(&is->ping_node);
	raw_recv(is->pcb, icmp_sock_recv_cb, is);
	icmp_sock_apply_opts(&is->d.sk);
	*out = &is->d.sk;
	return 0;
}
