/*
 * UDP sockets on lwIP's raw API: bind, connect for a default peer (and
 * AF_UNSPEC to forget it), sendto/recvfrom with source addresses, broadcast
 * only with SO_BROADCAST (EACCES otherwise, as Linux), one datagram per
 * receive with MSG_TRUNC. Datagrams wait in the shared dgram queue, bounded
 * by SO_RCVBUF; beyond that they are dropped, as UDP allows.
 *
 * Corking (Linux's udp_sendmsg): with MSG_MORE or UDP_CORK, sends append to
 * one pending datagram, to the destination the first of them named (later
 * addresses are ignored, as on Linux); a send without MSG_MORE while
 * UDP_CORK is off, or clearing UDP_CORK, sends it. Past UDP_MAX_PAYLOAD the
 * append fails with EMSGSIZE and the pending datagram is dropped.
 *
 * SO_REUSEPORT: sockets of one user that all set it before bind() share the
 * address and port (their PCBs are bound with lwIP's SO_REUSE); lwIP hands a
 * unicast datagram to the first of them, which passes it on to the member a
 * hash of the 4-tuple picks (Linux's reuseport_select_sock); connected
 * members get their own peer's datagrams, broadcasts go to all (lwIP's
 * SO_REUSE_RXTOALL). Another user, or a socket without the option, gets
 * EADDRINUSE.
 */
#include "sock_inet.h"
#include "net_private.h"
#include "sock_reuseport.h"
#include "lwip/ip.h"
#include "lwip/ip6_addr.h"
#include "lwip/netif.h"
#include "lwip/udp.h"
#include "lwip_shim.h"
#include <sis/kernel.h>
#include <sis/mm.h>
#include <sis/proc.h>
#include <uapi/sis/poll.h>
#include <uapi/sis/udp.h>

/* Largest UDP payload in one IPv4 datagram. */
#define UDP_MAX_PAYLOAD (0xffff - 20 - 8)

struct udp_sock {
	struct dgram_sock d;
	struct udp_pcb *pcb; /* made with the socket, freed with it */
	bool connected;      /* connect() gave a default peer (pcb->remote_*) */
	bool cork_opt;       /* UDP_CORK set */
	struct pbuf *pending; /* the corked datagram's payload so far, or NULL (owned) */
	ip_addr_t pending_ip; /* ... and where it goes */
	u16 pending_port;
	struct list_head rp_node; /* in rp_socks while bound with SO_REUSEPORT */
	bool rp_bound;
	u32 rp_uid;
};

/* UDP sockets bound with SO_REUSEPORT, in bind order. */
static struct list_head rp_socks = LIST_HEAD_INIT(rp_socks);

static const struct sock_ops udp_sock_ops;

static struct udp_sock *udp_sk(struct sock *sk)
{
	return (struct udp_sock *)sk;
}

static const ip_addr_t *pcb_local_ip(const struct udp_sock *us)
{
	return lwip_shim_udp_local_ip(us->pcb);
}

static u16 pcb_local_port(const struct udp_sock *us)
{
	return lwip_shim_udp_local_port(us->pcb);
}

static bool rp_same_group(const struct udp_sock *a, const struct udp_sock *b)
{
	return pcb_local_port(a) == pcb_local_port(b) &&
	       ip_addr_cmp(pcb_local_ip(a), pcb_local_ip(b));
}

/* The unconnected member of us's group a unicast datagram from addr:port goes to. */
static struct udp_sock *rp_pick(struct udp_sock *us, const ip_addr_t *addr, u16 port)
{
	const ip_addr_t *dst = ip_current_dest_addr();
	struct udp_sock *m;
	u32 n = 0, pick;

	if (!us->rp_bound || us->connected || !dst || ip_addr_ismulticast(dst) ||
	    ip_addr_isbroadcast(dst, ip_current_netif()))
		return us;
	list_for_each_entry(m, &rp_socks, rp_node)
		n += rp_same_group(m, us) && !m->connected;
	if (n < 2)
		return us;
	pick = sock_rp_hash(addr, port, dst, pcb_local_port(us)) % n;
	list_for_each_entry(m, &rp_socks, rp_node)
		if (rp_same_group(m, us) && !m->connected && pick-- == 0)
			return m;
	return us;
}

/* bind() with SO_REUSEPORT over sockets already there: all must have it and
 * be the same user's (their PCBs have SOF_REUSEADDR, so lwIP would let any
 * socket with SO_REUSEADDR in). */
static bool rp_conflict(struct udp_sock *us, const ip_addr_t *ip, u16 port)
{
	struct udp_sock *m;

	list_for_each_entry(m, &rp_socks, rp_node) {
		const ip_addr_t *mip = pcb_local_ip(m);

		if (pcb_local_port(m) != port ||
		    (IP_GET_TYPE(mip) != IP_GET_TYPE(ip) && !IP_IS_ANY_TYPE_VAL(*mip) &&
		     !IP_IS_ANY_TYPE_VAL(*ip)))
			continue; /* IPv4 and IPv6 ports are apart (a dual-stack [::] meets both) */
		if (!ip_addr_isany(mip) && !ip_addr_isany(ip) && !ip_addr_cmp(mip, ip))
			continue;
		if (!us->d.sk.opt.reuseport || m->rp_uid != proc_euid() || !ip_addr_cmp(mip, ip))
			return true;
	}
	return false;
}

/* udp_recv, in the softirq: queue the datagram (on the member SO_REUSEPORT
 * picks) or drop it. */
static void udp_sock_recv_cb(void *arg, struct udp_pcb *pcb, struct pbuf *p,
			     const ip_addr_t *addr, u16_t port)
{
	struct udp_sock *us = rp_pick(arg, addr, port);

	(void)pcb;
	if (!sock_dgram_push(&us->d, p, addr, port))
		pbuf_free(p);
}

static int udp_sock_bind(struct sock *sk, const struct sockaddr_storage *addr, unsigned len)
{
	struct udp_sock *us = udp_sk(sk);
	ip_addr_t ip;
	u16 port;
	int err;

	err = sock_inet_addr_from(sk, addr, len, SOCK_ADDR_BIND, &ip, &port);
	if (err < 0)
		return err;
	if (pcb_local_port(us))
		return -EINVAL; /* already bound (explicitly or by connect/send) */
	err = sock_inet_bind_check(&ip, port, true);
	if (err)
		return err;
	if (port && rp_conflict(us, &ip, port))
		return -EADDRINUSE;
	err = net_err_to_errno(udp_bind(us->pcb, &ip, port));
	if (!err && port && sk->opt.reuseport) {
		us->rp_bound = true;
		us->rp_uid = proc_euid();
		list_add_tail(&us->rp_node, &rp_socks);
	}
	return err;
}

static int udp_sock_connect(struct sock *sk, const struct sockaddr_storage *addr, unsigned len,
			    bool nonblock)
{
	struct udp_sock *us = udp_sk(sk);
	ip_addr_t ip;
	u16 port;
	int err;

	(void)nonblock;
	err = sock_inet_addr_from(sk, addr, len, SOCK_ADDR_CONNECT, &ip, &port);
	if (err < 0)
		return err;
	if (err == SOCK_ADDR_UNSPEC) {
		udp_disconnect(us->pcb);
		sock_inet_pcb_retype(sk, (struct ip_pcb *)us->pcb);
		us->connected = false;
		return 0;
	}
	if (ip_addr_isany(&ip))
		sock_inet_any_to_loopback(&ip);
	if (sock_inet_addr_broadcast(&ip) && !sk->opt.broadcast)
		return -EACCES;
	err = sock_inet_src_check(pcb_local_ip(us));
	if (err)
		return err;
	err = net_err_to_errno(udp_connect(us->pcb, &ip, port));
	if (err)
		return err;
	us->connected = true;
	return 0;
}

/* Where a datagram goes: the address given, or the connected peer. */
static int udp_sock_dest(struct udp_sock *us, struct sock_msg *m, ip_addr_t *ip, u16 *port)
{
	int err;

	err = m->addrlen ? sock_inet_addr_from(&us->d.sk, &m->addr, m->addrlen, SOCK_ADDR_SEND,
					       ip, port)
			 : SOCK_ADDR_NONE;
	if (err < 0)
		return err;
	if (err == SOCK_ADDR_NONE) {
		if (!us->connected)
			return -EDESTADDRREQ;
		ip_addr_copy(*ip, *lwip_shim_udp_remote_ip(us->pcb));
		*port = lwip_shim_udp_remote_port(us->pcb);
		return 0;
	}
	if (*port == 0)
		return -EINVAL;
	if (ip_addr_isany(ip))
		sock_inet_any_to_loopback(ip);
	return 0;
}

/* Send the corked datagram (UDP_CORK cleared, or a send without MSG_MORE). */
static int udp_sock_push_pending(struct udp_sock *us)
{
	struct pbuf *p = us->pending;
	int err;

	if (!p)
		return 0;
	us->pending = NULL;
	sock_mcast_udp_tx(&us->d.sk, us->pcb, &us->pending_ip);
	err = net_err_to_errno(udp_sendto(us->pcb, p, &us->pending_ip, us->pending_port));
	pbuf_free(p);
	return err;
}

static void udp_sock_drop_pending(struct udp_sock *us)
{
	if (us->pending)
		pbuf_free(us->pending);
	us->pending = NULL;
}

/* Add len bytes of the user's data to the corked datagram; send it unless
 * more is to come. */
static long udp_sock_append(struct udp_sock *us, struct sock_msg *m, size_t len, bool more)
{
	struct pbuf *p;
	int err;

	if (us->pending->tot_len + len > UDP_MAX_PAYLOAD) {
		udp_sock_drop_pending(us);
		return -EMSGSIZE;
	}
	p = sock_dgram_fill(m, len, PBUF_RAW, &err);
	if (!p) {
		udp_sock_drop_pending(us);
		return err;
	}
	pbuf_cat(us->pending, p);
	if (!more) {
		err = udp_sock_push_pending(us);
		if (err)
			return err;
	}
	return (long)len;
}

/* Is a (zone-less) IPv6 address one of nif's, or (nif NULL) any interface's? */
static bool addr6_ours(const ip6_addr_t *a, struct netif *only)
{
	struct netif *nif;

	NETIF_FOREACH(nif) {
		if (only && nif != only)
			continue;
		for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++)
			if (ip6_addr_isvalid(netif_ip6_addr_state(nif, i)) &&
			    ip6_addr_cmp_zoneless(a, netif_ip6_addr(nif, i)))
				return true;
	}
	return false;
}

/*
 * sendmsg's IP_PKTINFO/IPV6_PKTINFO (Linux's ip_cmsg_send and
 * ip6_datagram_send_ctl): the interface and the source address for a
 * datagram to dst. *nif stays NULL when the datagram goes as usual; a
 * zero source is the interface's own. An IPv4 datagram from an AF_INET6
 * socket takes IPV6_PKTINFO with a v4-mapped address. ENODEV for no such
 * interface; a source that is not ours EINVAL for IPv6 (also a
 * link-local one without an interface, or an interface the destination's
 * scope contradicts), ENETUNREACH for IPv4 (Linux's route lookup).
 */
static int udp_sock_pktinfo(struct udp_sock *us, const struct sock_msg *m, const ip_addr_t *dst,
			    struct netif **nif, ip_addr_t *src)
{
	bool v6 = IP_IS_V6(dst), mapped = !v6 && m->pi6 && us->d.sk.family == AF_INET6;
	u32 ifindex = v6 || mapped ? m->pi6_ifindex : m->pi4_ifindex;
	ip_addr_t route_src;

	*nif = NULL;
	if (v6 ? !m->pi6 : !m->pi4 && !mapped)
		return 0;
	if (v6) {
		IP_SET_TYPE(src, IPADDR_TYPE_V6);
		memcpy(ip_2_ip6(src)->addr, m->pi6_addr, 16);
		ip6_addr_clear_zone(ip_2_ip6(src));
	} else if (mapped) {
		static const u8 prefix[12] = { [10] = 0xff, [11] = 0xff };
		u32 a;

		if (memcmp(m->pi6_addr, prefix, 12) != 0)
			return -EINVAL;
		memcpy(&a, m->pi6_addr + 12, 4);
		ip_addr_set_ip4_u32(src, a);
	} else {
		ip_addr_set_ip4_u32(src, m->pi4_addr);
	}
	if (ifindex) {
		*nif = sock_inet_netif_by_ifindex(ifindex);
		if (!*nif)
			return -ENODEV;
		if (v6 && ip6_addr_has_zone(ip_2_ip6(dst)) &&
		    netif_get_index(*nif) != ip6_addr_zone(ip_2_ip6(dst)))
			return -EINVAL;
	}
	if (v6 && !ip_addr_isany(src)) {
		bool strict = ip6_addr_islinklocal(ip_2_ip6(src));

		if (strict && !*nif)
			return -EINVAL;
		if (!addr6_ours(ip_2_ip6(src), strict ? *nif : NULL))
			return -EINVAL;
	} else if (!v6 && !ip_addr_isany(src) && !sock_inet_addr_local(src, false)) {
		return -ENETUNREACH; /* Linux: no route from an address not ours */
	}
	if (!*nif) {
		ip_addr_copy(route_src, *src);
		*nif = ip_route(&route_src, dst);
		if (!*nif)
			return -ENETUNREACH;
	}
	if (v6 && !ip_addr_isany(src))
		ip6_addr_assign_zone(ip_2_ip6(src), IP6_UNICAST, *nif);
	return 0;
}

/* Send p to ip:port: through the interface and from the source sendmsg's
 * pktinfo asked for, else as udp_sendto routes it. */
static int udp_sock_xmit(struct udp_sock *us, const struct sock_msg *m, struct pbuf *p,
			 const ip_addr_t *ip, u16 port)
{
	struct netif *nif;
	ip_addr_t src;
	int err;

	err = udp_sock_pktinfo(us, m, ip, &nif, &src);
	if (err)
		return err;
	sock_mcast_udp_tx(&us->d.sk, us->pcb, ip);
	if (!nif)
		return net_err_to_errno(udp_sendto(us->pcb, p, ip, port));
	if (ip_addr_isany(&src))
		return net_err_to_errno(udp_sendto_if(us->pcb, p, ip, port, nif));
	return net_err_to_errno(udp_sendto_if_src(us->pcb, p, ip, port, nif, &src));
}

static long udp_sock_sendmsg(struct sock *sk, struct sock_msg *m)
{
	struct udp_sock *us = udp_sk(sk);
	bool more = us->cork_opt || (m->flags & MSG_MORE);
	size_t len = m->it.left;
	struct pbuf *p;
	ip_addr_t ip;
	u16 port;
	int err;

	if (m->flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (sk->shut & SOCK_SHUT_WR)
		return sock_epipe(m->flags);
	/* Linux's order: the 16-bit length, the destination, then the IP limit. */
	if (len > 0xffff)
		return -EMSGSIZE;
	if (us->pending)
		return udp_sock_append(us, m, len, more);
	err = udp_sock_dest(us, m, &ip, &port);
	if (err)
		return err;
	if (sock_inet_addr_broadcast(&ip) && !sk->opt.broadcast)
		return -EACCES;
	if (len > UDP_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (sk->err)
		return sock_take_err(sk);
	err = sock_inet_src_check(pcb_local_ip(us));
	if (err)
		return err;
	p = sock_dgram_fill(m, len, PBUF_TRANSPORT, &err);
	if (!p)
		return err;
	if (more) {
		us->pending = p; /* the first part: its address is the datagram's */
		ip_addr_copy(us->pending_ip, ip);
		us->pending_port = port;
		return (long)len;
	}
	err = udp_sock_xmit(us, m, p, &ip, port);
	pbuf_free(p);
	return err ? err : (long)len;
}

/* IPPROTO_UDP options: UDP_CORK. */
static int udp_sock_setopt(struct sock *sk, int level, int name, const void *val, unsigned len)
{
	struct udp_sock *us = udp_sk(sk);
	int v, err;

	if (level != IPPROTO_UDP)
		return -ENOPROTOOPT;
	if (name != UDP_CORK)
		return -ENOPROTOOPT;
	err = sock_opt_int(val, len, &v);
	if (err)
		return err;
	us->cork_opt = v != 0;
	return us->cork_opt ? 0 : udp_sock_push_pending(us);
}

static int udp_sock_getopt(struct sock *sk, int level, int name, void *val, unsigned *len)
{
	if (level != IPPROTO_UDP || name != UDP_CORK)
		return -ENOPROTOOPT;
	return sock_opt_put_int(val, len, udp_sk(sk)->cork_opt);
}

static long udp_sock_recvmsg(struct sock *sk, struct sock_msg *m)
{
	m->flags &= ~MSG_OOB; /* UDP has no urgent data: Linux reads normally */
	return sock_dgram_recv(&udp_sk(sk)->d, m);
}

/* Linux marks the directions shut even when it says ENOTCONN (wakes readers). */
static int udp_sock_shutdown(struct sock *sk, int how)
{
	sk->shut |= how == SHUT_RD ? SOCK_SHUT_RD
		    : how == SHUT_WR ? SOCK_SHUT_WR : SOCK_SHUT_RD | SOCK_SHUT_WR;
	sock_wake(sk);
	return udp_sk(sk)->connected ? 0 : -ENOTCONN;
}

/*
 * The local address to report: the bound one, or for a socket connected
 * while bound to INADDR_ANY, the address its datagrams leave from (the
 * route's interface), as Linux reports after connect().
 */
static const ip_addr_t *udp_sock_local_ip(struct udp_sock *us)
{
	const ip_addr_t *local = pcb_local_ip(us), *remote = lwip_shim_udp_remote_ip(us->pcb);
	struct netif *netif;

	if (!ip_addr_isany(local) || !us->connected)
		return local;
	netif = ip_route(local, remote);
	if (netif && IP_IS_V6(remote)) {
		const ip_addr_t *src = ip6_select_source_address(netif, ip_2_ip6(remote));
		return src ? src : local;
	}
	return netif ? netif_ip_addr4(netif) : local;
}

static int udp_sock_getname(struct sock *sk, struct sockaddr_storage *addr, unsigned *len,
			    bool peer)
{
	struct udp_sock *us = udp_sk(sk);

	if (!peer) {
		*len = sock_inet_name(sk, addr, udp_sock_local_ip(us), pcb_local_port(us));
		return 0;
	}
	if (!us->connected)
		return -ENOTCONN;
	*len = sock_inet_name(sk, addr, lwip_shim_udp_remote_ip(us->pcb),
			      lwip_shim_udp_remote_port(us->pcb));
	return 0;
}

static void udp_sock_apply_opts(struct sock *sk)
{
	struct udp_sock *us = udp_sk(sk);
	struct udp_pcb *pcb = us->pcb;

	if (!pcb_local_port(us))
		sock_inet_pcb_retype(sk, (struct ip_pcb *)pcb); /* IPV6_V6ONLY */
	sock_inet_apply_ip_opts(sk, (struct ip_pcb *)pcb);
	/* A reuseport socket binds over its group (checked in udp_sock_bind);
	 * lwIP's SO_REUSE lets PCBs share a port when all have SOF_REUSEADDR. */
	if ((sk->opt.reuseport && !pcb_local_port(us)) || us->rp_bound)
		ip_set_option(pcb, SOF_REUSEADDR);
}

static unsigned udp_sock_poll(struct sock *sk)
{
	return sock_dgram_poll(&udp_sk(sk)->d);
}

static void udp_sock_release(struct sock *sk)
{
	struct udp_sock *us = udp_sk(sk);

	if (us->rp_bound)
		list_del(&us->rp_node);
	udp_remove(us->pcb);
	udp_sock_drop_pending(us);
	sock_dgram_purge(&us->d);
	sock_free(sk);
}

size_t udp_sock_pcb_rx_bytes(const struct udp_pcb *pcb)
{
	const struct udp_sock *us = lwip_shim_udp_recv_arg(pcb, udp_sock_recv_cb);

	return us ? us->d.rx_bytes : 0;
}

static const struct sock_ops udp_sock_ops = {
	.bind = udp_sock_bind,
	.connect = udp_sock_connect,
	.sendmsg = udp_sock_sendmsg,
	.recvmsg = udp_sock_recvmsg,
	.shutdown = udp_sock_shutdown,
	.getname = udp_sock_getname,
	.setopt = udp_sock_setopt,
	.getopt = udp_sock_getopt,
	.apply_opts = udp_sock_apply_opts,
	.poll = udp_sock_poll,
	.inq = sock_dgram_inq,
	.release = udp_sock_release,
};

int udp_sock_create(int family, struct sock **out)
{
	struct udp_sock *us = kzalloc(sizeof(*us));

	if (!us)
		return -ENOMEM;
	sock_init(&us->d.sk, &udp_sock_ops, family, SOCK_DGRAM, IPPROTO_UDP);
	us->pcb = udp_new_ip_type(sock_inet_pcb_type(&us->d.sk));
	if (!us->pcb) {
		kfree(us);
		return -ENOMEM;
	}
	sock_dgram_init(&us->d);
	udp_recv(us->pcb, udp_sock_recv_cb, us);
	udp_sock_apply_opts(&us->d.sk);
	*out = &us->d.sk;
	return 0;
}
