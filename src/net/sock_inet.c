/*
 * AF_INET and AF_INET6 sockets: creation by type and protocol (Linux's
 * inet_create/inet6_create rules and errnos), address conversion between
 * sockaddr_in/sockaddr_in6 and lwIP, IPPROTO_IPV6 options, and the datagram
 * receive queue shared by UDP, ping and raw sockets. IPV6_ADDRFORM turns a
 * connected dual-stack socket with an IPv4 peer into an AF_INET one.
 *
 * An AF_INET6 socket is dual stack unless IPV6_V6ONLY: its lwIP PCB is of
 * IPADDR_TYPE_ANY, so "[::]" takes IPv4 peers too, which it reports as
 * v4-mapped addresses (::ffff:a.b.c.d), as Linux does.
 */
#include "sock_inet.h"
#include <sis/kernel.h>
#include <sis/mm.h>
#include <sis/proc.h>
#include <uapi/sis/poll.h>
#include "lwip/netif.h"
#include "lwip/ip.h"
#include "lwip/ip4_addr.h"
#include "lwip/ip6_addr.h"
#include "lwip_shim.h"
#include <sis/netdev.h>
#include <uapi/sis/capability.h>
#include "net_private.h"

/*
 * socket(AF_INET, type, protocol) as Linux answers it: protocol 0 picks the
 * type's default; a protocol the type does not carry is EPROTONOSUPPORT; a
 * type AF_INET does not have (SOCK_SEQPACKET, SOCK_RDM) is ESOCKTNOSUPPORT.
 */
int sock_inet_create(int type, int protocol, struct sock **out)
{
	switch (type) {
	case SOCK_STREAM:
		if (protocol != 0 && protocol != IPPROTO_TCP)
			return -EPROTONOSUPPORT;
		return tcp_sock_create(AF_INET, out);
	case SOCK_DGRAM:
		if (protocol == 0 || protocol == IPPROTO_UDP)
			return udp_sock_create(AF_INET, out);
		if (protocol == IPPROTO_ICMP)
			return icmp_sock_create(AF_INET, type, protocol, out);
		return -EPROTONOSUPPORT;
	case SOCK_RAW:
		/* Raw IP for one protocol; IPPROTO_RAW (send-only, header included) is not done. */
		if (protocol <= 0 || protocol >= IPPROTO_RAW)
			return -EPROTONOSUPPORT;
		return icmp_sock_create(AF_INET, type, protocol, out);
	default:
		return -ESOCKTNOSUPPORT;
	}
}

/*
 * socket(AF_INET6, ...): the same protocols over IPv6, ICMPV6 for ping
 * sockets.
 */
int sock_inet6_create(int type, int protocol, struct sock **out)
{
	switch (type) {
	case SOCK_STREAM:
		if (protocol != 0 && protocol != IPPROTO_TCP)
			return -EPROTONOSUPPORT;
		return tcp_sock_create(AF_INET6, out);
	case SOCK_DGRAM:
		if (protocol == 0 || protocol == IPPROTO_UDP)
			return udp_sock_create(AF_INET6, out);
		if (protocol == IPPROTO_ICMPV6)
			return icmp_sock_create(AF_INET6, type, protocol, out);
		return -EPROTONOSUPPORT;
	case SOCK_RAW:
		if (protocol <= 0 || protocol >= IPPROTO_RAW)
			return -EPROTONOSUPPORT;
		return icmp_sock_create(AF_INET6, type, protocol, out);
	default:
		return -ESOCKTNOSUPPORT;
	}
}

/* ---- addresses ---- */

struct netif *sock_inet_netif_by_ifindex(u32 ifindex)
{
	if (ifindex == 1)
		return net_iface_netif(netdev_count()); /* lo */
	if (ifindex >= 2 && ifindex - 2 < (u32)netdev_count())
		return net_iface_netif((int)ifindex - 2);
	return NULL;
}

u32 sock_inet_ifindex_of(const struct netif *nif)
{
	for (int i = 0; i <= netdev_count(); i++)
		if (nif && net_iface_netif(i) == nif)
			return i == netdev_count() ? 1 : (u32)i + 2;
	return 0;
}

u8 sock_inet_pcb_type(const struct sock *sk)
{
	if (sk->family != AF_INET6)
		return IPADDR_TYPE_V4;
	return sk->opt.v6only ? IPADDR_TYPE_V6 : IPADDR_TYPE_ANY;
}

void sock_inet_pcb_retype(const struct sock *sk, struct ip_pcb *pcb)
{
	lwip_shim_ip_set_any_type(pcb, sock_inet_pcb_type(sk));
}

const ip_addr_t *sock_inet_any(const struct sock *sk)
{
	if (sk->family != AF_INET6)
		return IP4_ADDR_ANY;
	return sk->opt.v6only ? IP6_ADDR_ANY : IP_ANY_TYPE;
}

void sock_inet_any_to_loopback(ip_addr_t *ip)
{
	if (IP_IS_V6(ip))
		ip_addr_set_loopback(1, ip);
	else
		ip_addr_set_loopback(0, ip);
}

static bool in6_v4mapped(const u8 *a)
{
	static const u8 prefix[12] = { [10] = 0xff, [11] = 0xff };

	return memcmp(a, prefix, 12) == 0;
}

static bool in6_any(const u8 *a)
{
	static const u8 zero[16];

	return memcmp(a, zero, 16) == 0;
}

/* A checked sockaddr_in6 as lwIP sees it (see sock_inet_addr_from). */
static int in6_to_ip(const struct sock *sk, const struct sockaddr_in6 *sin6, unsigned len,
		     enum sock_addr_use use, ip_addr_t *ip, u16 *port)
{
	const u8 *a = sin6->sin6_addr.s6_addr;
	struct netif *nif;
	u32 v4;

	*port = lwip_ntohs(sin6->sin6_port);
	if (in6_v4mapped(a)) {
		if (sk->opt.v6only)
			return use == SOCK_ADDR_BIND ? -EINVAL : -ENETUNREACH;
		memcpy(&v4, a + 12, 4);
		ip_addr_set_ip4_u32(ip, v4);
		return 0;
	}
	if (in6_any(a)) {
		*ip = use == SOCK_ADDR_BIND ? *sock_inet_any(sk) : *IP6_ADDR_ANY;
		return 0;
	}
	IP_SET_TYPE(ip, IPADDR_TYPE_V6);
	memcpy(ip_2_ip6(ip)->addr, a, 16);
	ip6_addr_clear_zone(ip_2_ip6(ip));
	if (!ip6_addr_has_scope(ip_2_ip6(ip), IP6_UNKNOWN))
		return 0;
	/* Link-local: the interface is sin6_scope_id (Linux: EINVAL without one);
	 * a scoped multicast group without one is sent (and connected) through
	 * IPV6_MULTICAST_IF's interface, or sent by the route (the default netif). */
	if (len < sizeof(struct sockaddr_in6) || !sin6->sin6_scope_id) {
		if (!ip6_addr_ismulticast(ip_2_ip6(ip)) || use == SOCK_ADDR_BIND)
			return -EINVAL;
		nif = sock_inet_netif_by_ifindex(sk->opt.mc_if6);
		if (!nif && use == SOCK_ADDR_SEND)
			nif = netif_default;
		if (!nif)
			return use == SOCK_ADDR_SEND ? -ENETUNREACH : -EINVAL;
		ip6_addr_set_zone(ip_2_ip6(ip), netif_get_index(nif));
		return 0;
	}
	nif = sock_inet_netif_by_ifindex(sin6->sin6_scope_id);
	if (!nif)
		return -ENODEV;
	ip6_addr_set_zone(ip_2_ip6(ip), netif_get_index(nif));
	return 0;
}

/* ip/port (host order) of a checked sockaddr_in. */
static void sock_inet_addr_get(const struct sockaddr_storage *addr, ip_addr_t *ip, u16 *port)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)addr;

	ip_addr_set_ip4_u32(ip, sin->sin_addr.s_addr);
	*port = lwip_ntohs(sin->sin_port);
}

/* Fill a sockaddr_in from ip/port (host order); returns its size. */
static unsigned sock_inet_addr_put(struct sockaddr_storage *addr, const ip_addr_t *ip, u16 port)
{
	return sock_addr_make_in(addr, ip4_addr_get_u32(ip_2_ip4(ip)), lwip_htons(port));
}

int sock_inet_addr_from(const struct sock *sk, const struct sockaddr_storage *addr,
			unsigned len, enum sock_addr_use use, ip_addr_t *ip, u16 *port)
{
	int err;

	if (sk->family != AF_INET6) {
		err = sock_addr_check_in(addr, len, use);
		if (err == 0)
			sock_inet_addr_get(addr, ip, port);
		return err;
	}
	err = sock_addr_check_in6(addr, len, use, sk->type != SOCK_STREAM);
	if (err < 0 || err == SOCK_ADDR_UNSPEC || err == SOCK_ADDR_NONE)
		return err;
	if (err == SOCK_ADDR_INET) {
		if (sk->opt.v6only)
			return use == SOCK_ADDR_SEND ? -ENETUNREACH : -EAFNOSUPPORT;
		sock_inet_addr_get(addr, ip, port);
		return 0;
	}
	return in6_to_ip(sk, (const struct sockaddr_in6 *)addr, len, use, ip, port);
}

unsigned sock_inet_name(const struct sock *sk, struct sockaddr_storage *addr,
			const ip_addr_t *ip, u16 port)
{
	u8 a[16] = { 0 };
	u32 scope = 0;

	if (sk->family != AF_INET6)
		return sock_inet_addr_put(addr, ip, port);
	if (IP_IS_V6(ip)) {
		memcpy(a, ip_2_ip6(ip)->addr, 16);
		if (ip6_addr_has_zone(ip_2_ip6(ip)))
			scope = sock_inet_ifindex_of(netif_get_by_index(ip6_addr_zone(ip_2_ip6(ip))));
	} else if (!ip_addr_isany(ip)) {
		u32 v4 = ip4_addr_get_u32(ip_2_ip4(ip));

		a[10] = a[11] = 0xff;
		memcpy(a + 12, &v4, 4);
	}
	return sock_addr_make_in6(addr, a, lwip_htons(port), scope);
}

static bool addr6_local(const ip6_addr_t *ip, bool allow_multicast)
{
	struct netif *netif;

	if (ip6_addr_ismulticast(ip))
		return allow_multicast;
	NETIF_FOREACH(netif) {
		for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++)
			if (ip6_addr_isvalid(netif_ip6_addr_state(netif, i)) &&
			    ip6_addr_cmp(ip, netif_ip6_addr(netif, i)))
				return true;
	}
	return false;
}

bool sock_inet_addr_local(const ip_addr_t *ip, bool allow_broadcast)
{
	struct netif *netif;

	if (ip_addr_isany(ip))
		return true;
	if (IP_IS_V6(ip))
		return addr6_local(ip_2_ip6(ip), allow_broadcast);
	if (ip4_addr_cmp(ip_2_ip4(ip), IP4_ADDR_BROADCAST) || ip4_addr_ismulticast(ip_2_ip4(ip)))
		return allow_broadcast; /* datagram sockets bind to groups, as on Linux */
	NETIF_FOREACH(netif) {
		if (ip4_addr_cmp(ip_2_ip4(ip), netif_ip4_addr(netif)))
			return true;
	}
	return false;
}

int sock_inet_src_check(const ip_addr_t *local)
{
	if (IP_IS_V4(local) && !sock_inet_addr_local(local, true))
		return -ENETUNREACH;
	return 0;
}

#define SOCK_PORT_UNPRIVILEGED 1024

int sock_inet_bind_check(const ip_addr_t *ip, u16 port, bool allow_broadcast)
{
	if (!sock_inet_addr_local(ip, allow_broadcast))
		return -EADDRNOTAVAIL;
	if (port && port < SOCK_PORT_UNPRIVILEGED && !proc_capable(CAP_NET_BIND_SERVICE))
		return -EACCES;
	return 0;
}

bool sock_inet_addr_broadcast(const ip_addr_t *ip)
{
	struct netif *netif;

	if (!IP_IS_V4(ip))
		return false;
	if (ip4_addr_cmp(ip_2_ip4(ip), IP4_ADDR_BROADCAST))
		return true;
	NETIF_FOREACH(netif) {
		if (ip4_addr_isbroadcast(ip_2_ip4(ip), netif))
			return true;
	}
	return false;
}

long sock_pbuf_to_iter(struct sock_iter *it, const struct pbuf *p, size_t off, size_t n)
{
	size_t done = 0, c;
	long r;

	for (; p && done < n; p = p->next) {
		if (off >= p->len) {
			off -= p->len;
			continue;
		}
		c = MIN((size_t)p->len - off, n - done);
		r = sock_iter_to_user(it, (const u8 *)p->payload + off, c);
		if (r < 0)
			return r;
		done += (size_t)r;
		off = 0;
		if ((size_t)r < c)
			break; /* the user's buffers are full */
	}
	return (long)done;
}

/* ---- datagram queue ---- */

void sock_dgram_init(struct dgram_sock *ds)
{
	list_init(&ds->rxq);
	ds->rx_bytes = 0;
}

/* Where the datagram being input was going (for IP_PKTINFO and the rest):
 * lwIP's current-packet globals are valid in a receive callback. */
static void dgram_note_dest(struct sock_dgram *d)
{
	const ip_addr_t *dst = ip_current_dest_addr();
	struct netif *in = ip_current_input_netif();

	ip_addr_set_zero(&d->dst);
	d->ttl = 0;
	d->ifindex = sock_inet_ifindex_of(in);
	if (!d->ifindex && in && net_alias_dev(in)) /* a secondary address's netif */
		d->ifindex = (u32)net_alias_dev(in)->index + 2;
	if (dst)
		ip_addr_copy(d->dst, *dst);
	if (ip_current_is_v6() && ip6_current_header())
		d->ttl = IP6H_HOPLIM(ip6_current_header());
	else if (!ip_current_is_v6() && ip4_current_header())
		d->ttl = IPH_TTL(ip4_current_header());
}

bool sock_dgram_push(struct dgram_sock *ds, struct pbuf *p, const ip_addr_t *from, u16 port)
{
	struct sock_dgram *d;

	if (ds->sk.shut & SOCK_SHUT_RD)
		return false;
	if (ds->rx_bytes + p->tot_len > (size_t)ds->sk.opt.rcvbuf)
		return false; /* full: dropped, as UDP allows */
	d = kmalloc(sizeof(*d));
	if (!d)
		return false;
	d->p = p;
	ip_addr_copy(d->from, *from);
	d->port = port;
	dgram_note_dest(d);
	list_add_tail(&d->node, &ds->rxq);
	ds->rx_bytes += p->tot_len;
	sock_wake(&ds->sk);
	return true;
}

static void dgram_free(struct dgram_sock *ds, struct sock_dgram *d)
{
	list_del(&d->node);
	ds->rx_bytes -= d->p->tot_len;
	pbuf_free(d->p);
	kfree(d);
}

void sock_dgram_purge(struct dgram_sock *ds)
{
	while (!list_empty(&ds->rxq))
		dgram_free(ds, list_first_entry(&ds->rxq, struct sock_dgram, node));
}

static bool dgram_readable(struct sock *sk)
{
	struct dgram_sock *ds = (struct dgram_sock *)sk;

	return !list_empty(&ds->rxq) || sk->err || (sk->shut & SOCK_SHUT_RD);
}

/* Append one control message to m (dropped if m has no room: cannot
 * happen with the sizes below, see SOCK_CMSG_MAX). */
static void put_cmsg(struct sock_msg *m, int level, int type, const void *data, unsigned len)
{
	struct cmsghdr h = { .cmsg_len = sizeof(h) + len, .cmsg_level = level, .cmsg_type = type };
	unsigned space = (unsigned)((sizeof(h) + len + 7) & ~7UL);

	if (m->cmsg_len + space > sizeof(m->cmsg))
		return;
	memset(m->cmsg + m->cmsg_len, 0, space);
	memcpy(m->cmsg + m->cmsg_len, &h, sizeof(h));
	memcpy(m->cmsg + m->cmsg_len + sizeof(h), data, len);
	m->cmsg_len += space;
}

/*
 * The control messages Linux gives a datagram (ip_cmsg_recv_offset,
 * ip6_datagram_recv_common_ctl/_specific_ctl): IPV6_PKTINFO (an IPv4
 * datagram's address v4-mapped) on AF_INET6 sockets; then for IPv4
 * datagrams IP_PKTINFO and IP_TTL, for IPv6 ones IPV6_HOPLIMIT.
 */
static void dgram_cmsgs(const struct sock *sk, const struct sock_dgram *d, struct sock_msg *m)
{
	const struct sock_opts *o = &sk->opt;
	bool v6 = IP_IS_V6(&d->dst);
	int ttl = d->ttl;

	m->cmsg_len = 0;
	if (sk->family == AF_INET6 && o->recv_pktinfo6) {
		struct in6_pktinfo pi = { .ipi6_ifindex = (int)d->ifindex };

		if (v6) {
			memcpy(pi.ipi6_addr.s6_addr, ip_2_ip6(&d->dst)->addr, 16);
		} else {
			pi.ipi6_addr.s6_addr[10] = pi.ipi6_addr.s6_addr[11] = 0xff;
			memcpy(pi.ipi6_addr.s6_addr + 12, &ip_2_ip4(&d->dst)->addr, 4);
		}
		put_cmsg(m, SOL_IPV6, IPV6_PKTINFO, &pi, sizeof(pi));
	}
	if (v6) {
		if (sk->family == AF_INET6 && o->recv_hoplimit6)
			put_cmsg(m, SOL_IPV6, IPV6_HOPLIMIT, &ttl, sizeof(ttl));
		return;
	}
	if (o->recv_pktinfo) {
		struct netif *nif = sock_inet_netif_by_ifindex(d->ifindex);
		struct in_pktinfo pi = { .ipi_ifindex = (int)d->ifindex };

		pi.ipi_addr.s_addr = ip4_addr_get_u32(ip_2_ip4(&d->dst));
		/* The local address a reply would come from: the destination,
		 * unless that was a group or a broadcast (then the interface's). */
		pi.ipi_spec_dst.s_addr = pi.ipi_addr.s_addr;
		if (nif && (ip_addr_ismulticast(&d->dst) || sock_inet_addr_broadcast(&d->dst)))
			pi.ipi_spec_dst.s_addr = ip4_addr_get_u32(netif_ip4_addr(nif));
		put_cmsg(m, SOL_IP, IP_PKTINFO, &pi, sizeof(pi));
	}
	if (o->recv_ttl)
		put_cmsg(m, SOL_IP, IP_TTL, &ttl, sizeof(ttl));
}

long sock_dgram_recv(struct dgram_sock *ds, struct sock_msg *m)
{
	struct sock_dgram *d;
	size_t len, n;
	long ret;

	if (m->flags & MSG_OOB)
		return -EOPNOTSUPP;
	ret = sock_wait(&ds->sk, dgram_readable, m->nonblock,
			sock_deadline(ds->sk.opt.rcvtimeo_ns));
	if (ret)
		return ret;
	if (list_empty(&ds->rxq))
		return ds->sk.err ? sock_take_err(&ds->sk) : 0; /* error, or shut down */
	d = list_first_entry(&ds->rxq, struct sock_dgram, node);
	len = d->p->tot_len;
	n = MIN(len, m->it.left);
	ret = sock_pbuf_to_iter(&m->it, d->p, 0, n);
	if (ret < 0)
		return ret;
	if (n < len)
		m->out_flags |= MSG_TRUNC;
	m->addrlen = sock_inet_name(&ds->sk, &m->addr, &d->from, d->port);
	dgram_cmsgs(&ds->sk, d, m);
	if (!(m->flags & MSG_PEEK))
		dgram_free(ds, d);
	return (long)((m->flags & MSG_TRUNC) ? len : n);
}

unsigned sock_dgram_poll(struct dgram_sock *ds)
{
	unsigned mask = POLLOUT | POLLWRNORM;

	if (!list_empty(&ds->rxq))
		mask |= POLLIN | POLLRDNORM;
	if (ds->sk.err)
		mask |= POLLERR;
	if (ds->sk.shut & SOCK_SHUT_RD)
		mask |= POLLIN | POLLRDNORM | POLLRDHUP;
	if (ds->sk.shut == (SOCK_SHUT_RD | SOCK_SHUT_WR))
		mask |= POLLHUP;
	return mask;
}

static void set_pcb_flag(struct ip_pcb *pcb, u8 flag, bool on)
{
	if (on)
		ip_set_option(pcb, flag);
	else
		ip_reset_option(pcb, flag);
}

/* Does pcb of an AF_INET6 socket carry IPv6 (not a v4-mapped peer)? */
static bool pcb_is_v6(const struct sock *sk, const struct ip_pcb *pcb)
{
	const ip_addr_t *remote = lwip_shim_ip_remote_ip(pcb), *local = lwip_shim_ip_local_ip(pcb);

	if (sk->family != AF_INET6)
		return false;
	if (!ip_addr_isany(remote))
		return !IP_IS_V4(remote);
	if (!ip_addr_isany(local))
		return !IP_IS_V4(local);
	return true;
}

void sock_inet_apply_ip_opts(const struct sock *sk, struct ip_pcb *pcb)
{
	set_pcb_flag(pcb, SOF_REUSEADDR, sk->opt.reuseaddr);
	set_pcb_flag(pcb, SOF_BROADCAST, sk->opt.broadcast);
	set_pcb_flag(pcb, SOF_KEEPALIVE, sk->opt.keepalive);
	/* One hop limit and class per lwIP PCB: IPv6's for IPv6 traffic, IP_TTL/
	 * IP_TOS for an AF_INET6 socket's IPv4 (v4-mapped) peer, as on Linux. */
	if (pcb_is_v6(sk, pcb))
		lwip_shim_ip_set_hops(pcb, sk->opt.hops6 < 0 ? SOCK_TTL_DEFAULT : (u8)sk->opt.hops6,
				      sk->opt.tclass);
	else
		lwip_shim_ip_set_hops(pcb, sk->opt.ttl, sk->opt.tos);
}

/* ---- IPPROTO_IPV6 options ---- */

/* Bound to a local port (Linux's inet_num): IPV6_V6ONLY is fixed then. */
static bool sock_bound(struct sock *sk)
{
	struct sockaddr_storage ss;
	unsigned len = sizeof(ss);

	if (sk->ops->getname(sk, &ss, &len, false))
		return false;
	return ((struct sockaddr_in6 *)&ss)->sin6_port != 0;
}

/* Routing header types (RFC 8200 4.4): 2 for Mobile IPv6, 4 segment routing. */
#define RTHDR_TYPE_2 2
#define RTHDR_TYPE_4 4

/* Linux's seg6_validate_srh (not reduced): type 4, its length len, no
 * segment left past the first, and whole TLVs after the segments. */
static bool srh_valid(const u8 *h, unsigned len)
{
	unsigned hdrlen = h[1], segments_left = h[3], first_segment = h[4];
	unsigned off = 8 + ((first_segment + 1) << 4);

	if ((hdrlen + 1) * 8 != len || segments_left > first_segment || off > len)
		return false;
	while (off < len) {
		if (len - off < 2 || len - off < 2u + h[off + 1])
			return false;
		off += 2u + h[off + 1];
	}
	return true;
}

/* IPV6_RTHDR (Linux's do_ipv6_setsockopt and ipv6_renew_options): length
 * 0 removes it; else a whole header of 8-byte units no longer than len, of
 * type 2 (one address) or a valid segment-routing header. Kept and given
 * back by getsockopt; lwIP puts no extension header on what is sent. */
static int ip6_set_rthdr(struct sock *sk, const u8 *val, unsigned len)
{
	u8 *copy = NULL;

	if (len) {
		if (len < 2 || (len & 7) || len > 8 * 255 || (val[1] + 1u) * 8 > len)
			return -EINVAL;
		len = (val[1] + 1u) * 8;
		if (val[2] == RTHDR_TYPE_2 ? val[1] != 2 || val[3] != 1
					    : val[2] != RTHDR_TYPE_4 || !srh_valid(val, len))
			return -EINVAL;
		copy = kmalloc(len);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, val, len);
	}
	kfree(sk->rthdr6);
	sk->rthdr6 = copy;
	sk->rthdr6_len = (u16)len;
	return 0;
}

void sock_ip6_copy_rthdr(struct sock *to, const struct sock *from)
{
	to->rthdr6 = NULL;
	to->rthdr6_len = 0;
	if (from->rthdr6 && (to->rthdr6 = kmalloc(from->rthdr6_len))) {
		memcpy(to->rthdr6, from->rthdr6, from->rthdr6_len);
		to->rthdr6_len = from->rthdr6_len;
	}
}

/* The peer's address (sockaddr_in6) if sk is connected: 0, else -ENOTCONN. */
static int ip6_peer(struct sock *sk, struct sockaddr_in6 *a)
{
	struct sockaddr_storage ss;
	unsigned len = sizeof(ss);

	if (sk->ops->getname(sk, &ss, &len, true))
		return -ENOTCONN;
	memcpy(a, &ss, sizeof(*a));
	return 0;
}

static bool ip6_addrform_proto(const struct sock *sk)
{
	return sk->type != SOCK_RAW &&
	       (sk->protocol == IPPROTO_TCP || sk->protocol == IPPROTO_UDP);
}

/* IPV6_ADDRFORM to AF_INET (Linux's do_ipv6_setsockopt): a connected TCP
 * or UDP socket whose peer is a v4-mapped address becomes an AF_INET
 * socket: sockaddr_in from then on, IPPROTO_IPV6 options gone, its
 * multicast memberships left (Linux leaves the IPv6 ones only). Others: ENOPROTOOPT, ENOTCONN, EADDRNOTAVAIL. */
static int ip6_addrform(struct sock *sk, int v)
{
	struct sockaddr_in6 peer;
	static const u8 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (v != AF_INET)
		return -EINVAL;
	if (!ip6_addrform_proto(sk))
		return -ENOPROTOOPT;
	if (ip6_peer(sk, &peer))
		return -ENOTCONN;
	if (sk->opt.v6only || memcmp(&peer.sin6_addr, mapped, sizeof(mapped)))
		return -EADDRNOTAVAIL;
	if (!list_empty(&sk->mc_groups))
		sock_mcast_release(sk);
	kfree(sk->rthdr6);
	sk->rthdr6 = NULL;
	sk->rthdr6_len = 0;
	sk->family = AF_INET;
	return 0;
}

int sock_ip6_setopt(struct sock *sk, int name, const void *val, unsigned len)
{
	int v, err;

	if (name == IPV6_RTHDR)
		return ip6_set_rthdr(sk, val, len);
	err = sock_opt_int(val, len, &v);
	if (err)
		return err;
	switch (name) {
	case IPV6_V6ONLY:
		if (sock_bound(sk))
			return -EINVAL;
		sk->opt.v6only = v != 0;
		return 0;
	case IPV6_UNICAST_HOPS:
		if (v < -1 || v > 255)
			return -EINVAL;
		sk->opt.hops6 = (s16)v;
		return 0;
	case IPV6_TCLASS:
		if (v < -1 || v > 255)
			return -EINVAL;
		sk->opt.tclass = v < 0 ? 0 : (u8)(v & 0xfc); /* ECN bits are the stack's */
		return 0;
	case IPV6_RECVPKTINFO:
		sk->opt.recv_pktinfo6 = v != 0;
		return 0;
	case IPV6_RECVHOPLIMIT:
		sk->opt.recv_hoplimit6 = v != 0;
		return 0;
	case IPV6_ADDRFORM:
		return ip6_addrform(sk, v);
	default:
		return -ENOPROTOOPT;
	}
}

int sock_ip6_getopt(struct sock *sk, int name, void *val, unsigned *len)
{
	switch (name) {
	case IPV6_V6ONLY:
		return sock_opt_put_int(val, len, sk->opt.v6only);
	case IPV6_UNICAST_HOPS:
		return sock_opt_put_int(val, len, sk->opt.hops6 < 0 ? SOCK_TTL_DEFAULT : sk->opt.hops6);
	case IPV6_TCLASS:
		return sock_opt_put_int(val, len, sk->opt.tclass);
	case IPV6_RECVPKTINFO:
		return sock_opt_put_int(val, len, sk->opt.recv_pktinfo6);
	case IPV6_RECVHOPLIMIT:
		return sock_opt_put_int(val, len, sk->opt.recv_hoplimit6);
	case IPV6_ADDRFORM: {
		struct sockaddr_in6 peer;

		if (!ip6_addrform_proto(sk))
			return -ENOPROTOOPT;
		return ip6_peer(sk, &peer) ? -ENOTCONN : sock_opt_put_int(val, len, sk->family);
	}
	case IPV6_RTHDR: /* Linux's ipv6_getsockopt_sticky: what fits, 0 bytes if none */
		*len = MIN(*len, (unsigned)sk->rthdr6_len);
		memcpy(val, sk->rthdr6, *len);
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

unsigned long sock_dgram_inq(struct sock *sk)
{
	struct dgram_sock *ds = (struct dgram_sock *)sk;

	if (list_empty(&ds->rxq))
		return 0;
	return list_first_entry(&ds->rxq, struct sock_dgram, node)->p->tot_len;
}

struct pbuf *sock_dgram_fill(struct sock_msg *m, size_t len, pbuf_layer layer, int *err)
{
	struct pbuf *p;
	long r;

	p = pbuf_alloc(layer, (u16_t)len, PBUF_RAM);
	if (!p) {
		*err = -ENOBUFS;
		return NULL;
	}
	r = sock_iter_from_user(&m->it, p->payload, len);
	if (r < 0) {
		pbuf_free(p);
		*err = (int)r;
		return NULL;
	}
	return p;
}
