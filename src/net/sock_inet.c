/*
 * AF_INET sockets: creation by type and protocol (Linux's inet_create rules
 * and errnos), address conversion between sockaddr_in and lwIP, and the
 * datagram receive queue shared by UDP, ping and raw sockets.
 */
#include "sock_inet.h"
#include <sis/kernel.h>
#include <sis/mm.h>
#include <uapi/sis/poll.h>
#include "lwip/netif.h"
#include "lwip/ip.h"
#include "lwip/ip4_addr.h"

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
		return tcp_sock_create(out);
	case SOCK_DGRAM:
		if (protocol == 0 || protocol == IPPROTO_UDP)
			return udp_sock_create(out);
		if (protocol == IPPROTO_ICMP)
			return sock_icmp_create(type, protocol, out);
		return -EPROTONOSUPPORT;
	case SOCK_RAW:
		/* Raw IP for one protocol; IPPROTO_RAW (send-only, header included) is not done. */
		if (protocol <= 0 || protocol >= IPPROTO_RAW)
			return -EPROTONOSUPPORT;
		return sock_icmp_create(type, protocol, out);
	default:
		return -ESOCKTNOSUPPORT;
	}
}

/* ---- addresses ---- */

void sock_inet_addr_get(const struct sockaddr_storage *addr, ip_addr_t *ip, u16 *port)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)addr;

	ip_addr_set_ip4_u32(ip, sin->sin_addr.s_addr);
	*port = lwip_ntohs(sin->sin_port);
}

unsigned sock_inet_addr_put(struct sockaddr_storage *addr, const ip_addr_t *ip, u16 port)
{
	return sock_addr_make_in(addr, ip4_addr_get_u32(ip_2_ip4(ip)), lwip_htons(port));
}

bool sock_inet_addr_local(const ip_addr_t *ip, bool allow_broadcast)
{
	struct netif *netif;

	if (ip_addr_isany(ip))
		return true;
	if (ip4_addr_cmp(ip_2_ip4(ip), IP4_ADDR_BROADCAST))
		return allow_broadcast;
	NETIF_FOREACH(netif) {
		if (ip4_addr_cmp(ip_2_ip4(ip), netif_ip4_addr(netif)))
			return true;
	}
	return false;
}

bool sock_inet_addr_broadcast(const ip_addr_t *ip)
{
	struct netif *netif;

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
	m->addrlen = sock_inet_addr_put(&m->addr, &d->from, d->port);
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

void sock_inet_apply_ip_opts(const struct sock *sk, struct ip_pcb *pcb)
{
	set_pcb_flag(pcb, SOF_REUSEADDR, sk->opt.reuseaddr);
	set_pcb_flag(pcb, SOF_BROADCAST, sk->opt.broadcast);
	set_pcb_flag(pcb, SOF_KEEPALIVE, sk->opt.keepalive);
	pcb->ttl = sk->opt.ttl;
	pcb->tos = sk->opt.tos;
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
