/*
 * AF_NETLINK sockets, NETLINK_ROUTE only (Linux's net/netlink/af_netlink.c
 * as seen from user space): SOCK_RAW or SOCK_DGRAM, bind with a port id (0:
 * one is picked, the process's pid first, as Linux does) and RTMGRP_*
 * groups, sendmsg of one or more struct nlmsghdr requests to the kernel
 * (port 0), recvmsg of one datagram per call (MSG_PEEK, MSG_TRUNC), acks
 * and errors as NLMSG_ERROR, group membership by bind or
 * NETLINK_ADD_MEMBERSHIP, notifications (netlink_route.c) to members, and
 * ENOBUFS once when a member's queue overflowed. Datagrams to another
 * user port id go to that socket (ECONNREFUSED if none).
 * Requests stop with ENOBUFS once the sender's own receive queue holds
 * SO_RCVBUF bytes of unread answers.
 * Not done: other netlink protocols (EPROTONOSUPPORT), NETLINK_PKTINFO
 * control messages, extended acks (the options are accepted), mmap rings.
 *
 * The family uses net_lock (sock_lock): replies read lwIP state and
 * notifications come from lwIP's callbacks.
 */
#include "netlink.h"
#include "net_private.h"
#include <sis/kernel.h>
#include <sis/mm.h>
#include <sis/proc.h>
#include <uapi/sis/poll.h>

/* One queued datagram. */
struct nl_dgram {
	struct list_head node; /* in nl_sock.rxq */
	u32 from_pid;          /* 0: the kernel */
	u32 group_mask;        /* a notification's group bit (msg_name's nl_groups) */
	size_t len;
	u8 data[];
};

struct nl_sock {
	struct sock sk;
	struct list_head node;  /* in nl_socks */
	u32 portid;             /* 0 until bound (explicitly or on first send) */
	u64 groups;             /* RTNLGRP_n is bit n-1 */
	u32 dst_pid, dst_groups; /* connect() */
	struct list_head rxq;   /* struct nl_dgram, oldest first */
	size_t rx_bytes;        /* bounded by sk.opt.rcvbuf (notifications only) */
	bool no_enobufs, cap_ack, ext_ack, strict_chk, pktinfo;
};

static struct list_head nl_socks = LIST_HEAD_INIT(nl_socks);
static const struct sock_ops nl_ops;
static u32 nl_rover = 0xfffff000; /* Linux's -4096, then down */

static struct nl_sock *nl_sk(struct sock *sk)
{
	return (struct nl_sock *)sk;
}

u32 netlink_portid(const struct nl_sock *ns)
{
	return ns->portid;
}

/* ---- queues ---- */

static struct nl_dgram *dgram_new(const void *data, size_t len)
{
	struct nl_dgram *d = kmalloc(sizeof(*d) + len);

	if (!d)
		return NULL;
	d->from_pid = 0;
	d->group_mask = 0;
	d->len = len;
	if (data)
		memcpy(d->data, data, len);
	return d;
}

static void dgram_queue(struct nl_sock *ns, struct nl_dgram *d)
{
	list_add_tail(&d->node, &ns->rxq);
	ns->rx_bytes += d->len;
	sock_wake(&ns->sk);
}

static void dgram_free(struct nl_sock *ns, struct nl_dgram *d)
{
	list_del(&d->node);
	ns->rx_bytes -= d->len;
	kfree(d);
}

/* ---- replies ---- */

static void nl_reply_init(struct nl_reply *r, struct nl_sock *ns)
{
	r->ns = ns;
	r->dgram = NULL;
	r->used = 0;
	r->err = 0;
}

/* Queue the datagram being filled, in memory of its own size (the queue's
 * bound, rcvbuf, then bounds the memory too). */
static void reply_flush(struct nl_reply *r)
{
	struct nl_dgram *big, *d;

	if (!r->dgram)
		return;
	big = container_of((void *)r->dgram, struct nl_dgram, data);
	d = r->used < NL_DGRAM_MAX / 2 ? dgram_new(big->data, r->used) : NULL;
	if (d) {
		kfree(big);
	} else {
		d = big;
		d->len = r->used;
	}
	dgram_queue(r->ns, d);
	r->dgram = NULL;
	r->used = 0;
}

void nl_reply_add(struct nl_reply *r, const struct nl_msg *m)
{
	struct nl_dgram *d;

	if (r->err || m->overflow)
		return;
	if (r->dgram && r->used + m->len > NL_DGRAM_MAX)
		reply_flush(r);
	if (!r->dgram) {
		d = dgram_new(NULL, NL_DGRAM_MAX);
		if (!d) {
			r->err = -ENOMEM;
			return;
		}
		r->dgram = d->data;
	}
	memcpy(r->dgram + r->used, m->buf, m->len);
	r->used += m->len;
}

/* Queue what is left; 0 or -ENOMEM (the reply is incomplete). */
static int nl_reply_finish(struct nl_reply *r)
{
	reply_flush(r);
	return r->err;
}

/* ---- building messages ---- */

void *nl_msg_start(struct nl_msg *m, u16 type, u16 flags, u32 seq, u32 pid, size_t hdr_len)
{
	struct nlmsghdr h = { .nlmsg_type = type, .nlmsg_flags = flags, .nlmsg_seq = seq,
			      .nlmsg_pid = pid };

	m->overflow = false;
	memcpy(m->buf, &h, sizeof(h));
	memset(m->buf + NLMSG_HDRLEN, 0, NLMSG_ALIGN(hdr_len));
	m->len = NLMSG_HDRLEN + NLMSG_ALIGN(hdr_len);
	return m->buf + NLMSG_HDRLEN;
}

void nl_attr(struct nl_msg *m, u16 type, const void *data, size_t len)
{
	struct nlattr a = { .nla_len = (u16)(NLA_HDRLEN + len), .nla_type = type };
	size_t space = NLA_ALIGN(NLA_HDRLEN + len);

	if (m->overflow || m->len + space > sizeof(m->buf)) {
		m->overflow = true;
		return;
	}
	memset(m->buf + m->len, 0, space);
	memcpy(m->buf + m->len, &a, sizeof(a));
	memcpy(m->buf + m->len + NLA_HDRLEN, data, len);
	m->len += space;
}

void nl_attr_u32(struct nl_msg *m, u16 type, u32 v)
{
	nl_attr(m, type, &v, sizeof(v));
}

void nl_attr_u8(struct nl_msg *m, u16 type, u8 v)
{
	nl_attr(m, type, &v, sizeof(v));
}

void nl_attr_str(struct nl_msg *m, u16 type, const char *s)
{
	nl_attr(m, type, s, strlen(s) + 1);
}

bool nl_msg_end(struct nl_msg *m)
{
	u32 len = (u32)m->len;

	memcpy(m->buf, &len, sizeof(len));
	return !m->overflow;
}

/* ---- multicast ---- */

bool netlink_has_listeners(unsigned group)
{
	struct nl_sock *ns;

	list_for_each_entry(ns, &nl_socks, node)
		if (group && group <= 64 && (ns->groups & (1ULL << (group - 1))))
			return true;
	return false;
}

void netlink_broadcast(unsigned group, const struct nl_msg *m)
{
	struct nl_sock *ns;
	struct nl_dgram *d;

	if (!group || group > 64 || m->overflow)
		return;
	list_for_each_entry(ns, &nl_socks, node) {
		if (!(ns->groups & (1ULL << (group - 1))))
			continue;
		d = ns->rx_bytes + m->len <= (size_t)ns->sk.opt.rcvbuf ? dgram_new(m->buf, m->len)
								      : NULL;
		if (!d) {
			if (!ns->no_enobufs) {
				ns->sk.err = ENOBUFS; /* the listener lost one: it must resync */
				sock_wake(&ns->sk);
			}
			continue;
		}
		d->group_mask = group <= 32 ? 1U << (group - 1) : 0;
		dgram_queue(ns, d);
	}
}

/* ---- port ids ---- */

static struct nl_sock *find_port(u32 portid)
{
	struct nl_sock *ns;

	list_for_each_entry(ns, &nl_socks, node)
		if (ns->portid == portid)
			return ns;
	return NULL;
}

/* Linux's netlink_autobind: the process's pid if free, else -4096, -4097, ... */
static void autobind(struct nl_sock *ns)
{
	struct proc *p = current_proc();
	u32 id = p ? (u32)proc_pid(p) : 0;

	if (ns->portid)
		return;
	while (!id || find_port(id))
		id = nl_rover--;
	ns->portid = id;
}

/* ---- operations ---- */

static int nl_addr_get(const struct sockaddr_storage *addr, unsigned len, struct sockaddr_nl *nl)
{
	if (len < sizeof(*nl))
		return -EINVAL;
	memcpy(nl, addr, sizeof(*nl));
	return nl->nl_family == AF_NETLINK ? 0 : -EINVAL;
}

static int nl_bind(struct sock *sk, const struct sockaddr_storage *addr, unsigned len)
{
	struct nl_sock *ns = nl_sk(sk);
	struct sockaddr_nl nl;
	int err = nl_addr_get(addr, len, &nl);

	if (err)
		return err;
	if (nl.nl_pid && ns->portid && nl.nl_pid != ns->portid)
		return -EINVAL; /* already bound elsewhere */
	if (nl.nl_pid && !ns->portid) {
		if (find_port(nl.nl_pid))
			return -EADDRINUSE;
		ns->portid = nl.nl_pid;
	}
	autobind(ns);
	ns->groups = (ns->groups & ~0xffffffffULL) | nl.nl_groups;
	if (nl.nl_groups)
		rtnl_listener_added();
	return 0;
}

static int nl_connect(struct sock *sk, const struct sockaddr_storage *addr, unsigned len,
		      bool nonblock)
{
	struct nl_sock *ns = nl_sk(sk);
	struct sockaddr_nl nl;
	int err;

	(void)nonblock;
	if (len >= sizeof(addr->ss_family) && addr->ss_family == AF_UNSPEC) {
		ns->dst_pid = ns->dst_groups = 0;
		return 0;
	}
	err = nl_addr_get(addr, len, &nl);
	if (err)
		return err;
	autobind(ns);
	ns->dst_pid = nl.nl_pid;
	ns->dst_groups = nl.nl_groups;
	return 0;
}

static int nl_getname(struct sock *sk, struct sockaddr_storage *addr, unsigned *len, bool peer)
{
	struct nl_sock *ns = nl_sk(sk);
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };

	if (peer) {
		nl.nl_pid = ns->dst_pid;
		nl.nl_groups = ns->dst_groups;
	} else {
		nl.nl_pid = ns->portid;
		nl.nl_groups = (u32)ns->groups;
	}
	memcpy(addr, &nl, sizeof(nl));
	*len = sizeof(nl);
	return 0;
}

/* NLMSG_ERROR for request h: error 0 is an ack. An error carries the
 * whole request unless NETLINK_CAP_ACK; an ack only its header. */
static void nl_ack(struct nl_reply *r, const struct nlmsghdr *h, int error)
{
	struct nlmsgerr *e;
	struct nl_msg m;
	size_t extra = error && !r->ns->cap_ack ? h->nlmsg_len - NLMSG_HDRLEN : 0;

	if (extra > NL_MSG_MAX - NLMSG_HDRLEN - sizeof(*e))
		extra = 0; /* too long to echo: the header alone, as NETLINK_CAP_ACK would */
	e = nl_msg_start(&m, NLMSG_ERROR, extra ? 0 : NLM_F_CAPPED, h->nlmsg_seq,
			 r->ns->portid, sizeof(*e) + extra);
	e->error = error;
	memcpy(&e->msg, h, sizeof(*h));
	if (extra)
		memcpy(e + 1, (const u8 *)h + NLMSG_HDRLEN, extra);
	nl_msg_end(&m);
	nl_reply_add(r, &m);
}

/* Every request in buf (Linux's netlink_rcv_skb): each answered, acked
 * when asked or when it failed. A malformed tail is ignored. */
static int nl_kernel_rcv(struct nl_sock *ns, const u8 *buf, size_t len)
{
	struct nl_reply r;

	nl_reply_init(&r, ns);
	while (len >= (size_t)NLMSG_HDRLEN) {
		struct nlmsghdr h;
		size_t step;
		int err = 0;

		/* A reader that does not read: stop before its queue outgrows
		 * SO_RCVBUF (Linux's netlink_unicast: ENOBUFS). */
		if (ns->rx_bytes + r.used >= (size_t)ns->sk.opt.rcvbuf) {
			nl_reply_finish(&r);
			return -ENOBUFS;
		}
		memcpy(&h, buf, sizeof(h));
		if (h.nlmsg_len < (u32)NLMSG_HDRLEN || h.nlmsg_len > len)
			break;
		if (h.nlmsg_flags & NLM_F_REQUEST) {
			if (h.nlmsg_type >= NLMSG_MIN_TYPE)
				err = rtnl_request(&r, (const struct nlmsghdr *)buf);
			if (err != NL_NO_ACK && (err || (h.nlmsg_flags & NLM_F_ACK)))
				nl_ack(&r, (const struct nlmsghdr *)buf, err);
		}
		step = NLMSG_ALIGN(h.nlmsg_len);
		if (step > len)
			break;
		buf += step;
		len -= step;
	}
	return nl_reply_finish(&r);
}

/* A datagram to another user socket (its port id). */
static int nl_unicast_user(struct nl_sock *from, u32 portid, const u8 *buf, size_t len)
{
	struct nl_sock *to = find_port(portid);
	struct nl_dgram *d;

	if (!to)
		return -ECONNREFUSED;
	if (to->rx_bytes + len > (size_t)to->sk.opt.rcvbuf)
		return -EAGAIN;
	d = dgram_new(buf, len);
	if (!d)
		return -ENOBUFS;
	d->from_pid = from->portid;
	dgram_queue(to, d);
	return 0;
}

static long nl_sendmsg(struct sock *sk, struct sock_msg *m)
{
	struct nl_sock *ns = nl_sk(sk);
	size_t len = m->it.left;
	u32 dst = ns->dst_pid;
	struct sockaddr_nl nl;
	long err;
	u8 *buf;

	if (m->flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (m->addrlen) {
		err = nl_addr_get(&m->addr, m->addrlen, &nl);
		if (err)
			return err;
		dst = nl.nl_pid;
	}
	if (len > (size_t)sk->opt.sndbuf - 32)
		return -EMSGSIZE;
	autobind(ns);
	buf = kmalloc(len ? len : 1);
	if (!buf)
		return -ENOBUFS;
	err = sock_iter_from_user(&m->it, buf, len);
	if (err >= 0)
		err = dst ? nl_unicast_user(ns, dst, buf, len) : nl_kernel_rcv(ns, buf, len);
	kfree(buf);
	return err < 0 ? err : (long)len;
}

static bool nl_readable(struct sock *sk)
{
	return !list_empty(&nl_sk(sk)->rxq) || sk->err;
}

static long nl_recvmsg(struct sock *sk, struct sock_msg *m)
{
	struct nl_sock *ns = nl_sk(sk);
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	struct nl_dgram *d;
	size_t n;
	long ret;

	if (m->flags & MSG_OOB)
		return -EOPNOTSUPP;
	ret = sock_wait(sk, nl_readable, m->nonblock, sock_deadline(sk->opt.rcvtimeo_ns));
	if (ret)
		return ret;
	if (sk->err)
		return sock_take_err(sk); /* a notification was lost (ENOBUFS) */
	d = list_first_entry(&ns->rxq, struct nl_dgram, node);
	n = MIN(d->len, m->it.left);
	ret = sock_iter_to_user(&m->it, d->data, n);
	if (ret < 0)
		return ret;
	if (n < d->len)
		m->out_flags |= MSG_TRUNC;
	nl.nl_pid = d->from_pid;
	nl.nl_groups = d->group_mask;
	memcpy(&m->addr, &nl, sizeof(nl));
	m->addrlen = sizeof(nl);
	ret = (m->flags & MSG_TRUNC) ? (long)d->len : (long)n;
	if (!(m->flags & MSG_PEEK))
		dgram_free(ns, d);
	return ret;
}

static unsigned nl_poll(struct sock *sk)
{
	unsigned mask = POLLOUT | POLLWRNORM;

	if (!list_empty(&nl_sk(sk)->rxq))
		mask |= POLLIN | POLLRDNORM;
	if (sk->err)
		mask |= POLLERR;
	return mask;
}

static unsigned long nl_inq(struct sock *sk)
{
	struct nl_sock *ns = nl_sk(sk);

	return list_empty(&ns->rxq) ? 0 : list_first_entry(&ns->rxq, struct nl_dgram, node)->len;
}

static bool *nl_flag_opt(struct nl_sock *ns, int name)
{
	switch (name) {
	case NETLINK_PKTINFO:
		return &ns->pktinfo;
	case NETLINK_NO_ENOBUFS:
		return &ns->no_enobufs;
	case NETLINK_CAP_ACK:
		return &ns->cap_ack;
	case NETLINK_EXT_ACK:
		return &ns->ext_ack;
	case NETLINK_GET_STRICT_CHK:
		return &ns->strict_chk;
	}
	return NULL;
}

static int nl_setopt(struct sock *sk, int level, int name, const void *val, unsigned len)
{
	struct nl_sock *ns = nl_sk(sk);
	bool *flag = nl_flag_opt(ns, name);
	int v, err;

	if (level != SOL_NETLINK)
		return -ENOPROTOOPT;
	err = sock_opt_int(val, len, &v);
	if (err)
		return err;
	if (flag) {
		*flag = v != 0;
		return 0;
	}
	switch (name) {
	case NETLINK_ADD_MEMBERSHIP:
	case NETLINK_DROP_MEMBERSHIP:
		if (v < 1 || v > 64)
			return -EINVAL;
		autobind(ns);
		if (name == NETLINK_ADD_MEMBERSHIP) {
			ns->groups |= 1ULL << (v - 1);
			rtnl_listener_added();
		} else {
			ns->groups &= ~(1ULL << (v - 1));
		}
		return 0;
	case NETLINK_BROADCAST_ERROR:
	case NETLINK_LISTEN_ALL_NSID:
		return 0; /* one namespace, broadcasts never fail the sender */
	}
	return -ENOPROTOOPT;
}

static int nl_getopt(struct sock *sk, int level, int name, void *val, unsigned *len)
{
	struct nl_sock *ns = nl_sk(sk);
	bool *flag = nl_flag_opt(ns, name);
	u32 groups[2] = { (u32)ns->groups, (u32)(ns->groups >> 32) };

	if (level != SOL_NETLINK)
		return -ENOPROTOOPT;
	if (flag)
		return sock_opt_put_int(val, len, *flag);
	if (name == NETLINK_LIST_MEMBERSHIPS) {
		*len = MIN(*len, (unsigned)sizeof(groups));
		memcpy(val, groups, *len);
		return 0;
	}
	return -ENOPROTOOPT;
}

static void nl_release(struct sock *sk)
{
	struct nl_sock *ns = nl_sk(sk);

	list_del(&ns->node);
	while (!list_empty(&ns->rxq))
		dgram_free(ns, list_first_entry(&ns->rxq, struct nl_dgram, node));
	sock_free(sk);
}

static const struct sock_ops nl_ops = {
	.bind = nl_bind,
	.connect = nl_connect,
	.sendmsg = nl_sendmsg,
	.recvmsg = nl_recvmsg,
	.getname = nl_getname,
	.setopt = nl_setopt,
	.getopt = nl_getopt,
	.poll = nl_poll,
	.inq = nl_inq,
	.release = nl_release,
};

int netlink_sock_create(int type, int protocol, struct sock **out)
{
	struct nl_sock *ns;

	if (type != SOCK_RAW && type != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;
	if (protocol != NETLINK_ROUTE)
		return -EPROTONOSUPPORT;
	ns = kzalloc(sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	sock_init(&ns->sk, &nl_ops, AF_NETLINK, type, protocol);
	list_init(&ns->rxq);
	list_add_tail(&ns->node, &nl_socks);
	*out = &ns->sk;
	return 0;
}
