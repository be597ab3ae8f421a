/*
 * Socket options at SOL_SOCKET and SOL_IP, stored in struct sock and pushed
 * into the protocol's PCB through ops->apply_opts; other levels go to the
 * protocol (ops->setopt/getopt). Value rules follow Linux (net/core/sock.c):
 * an int option needs optlen >= sizeof(int) (EINVAL), unknown names are
 * ENOPROTOOPT, buffer sizes are doubled when set and clamped.
 */
#include <sis/socket.h>
#include <sis/kernel.h>
#include <sis/timer.h>
#include <sis/proc.h>
#include <uapi/sis/capability.h>

/* Linux's struct timeval on aarch64 (SO_RCVTIMEO_OLD/SO_SNDTIMEO_OLD). */
struct sock_timeval {
	s64 tv_sec;
	s64 tv_usec;
};

int sock_opt_int(const void *val, unsigned len, int *out)
{
	if (len < sizeof(int))
		return -EINVAL;
	memcpy(out, val, sizeof(int));
	return 0;
}

int sock_opt_put_int(void *val, unsigned *len, int v)
{
	*len = MIN(*len, (unsigned)sizeof(v));
	memcpy(val, &v, *len);
	return 0;
}

/* SO_RCVTIMEO/SO_SNDTIMEO: zero is "forever"; negative is "do not wait". */
static int set_timeo(u64 *timeo_ns, const void *val, unsigned len)
{
	struct sock_timeval tv;

	if (len < sizeof(tv))
		return -EINVAL;
	memcpy(&tv, val, sizeof(tv));
	if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
		return -EDOM;
	if (tv.tv_sec < 0) {
		*timeo_ns = 1;
		return 0;
	}
	if ((u64)tv.tv_sec > 1000000000ULL) /* ~31 years: forever */
		tv.tv_sec = 0, tv.tv_usec = 0;
	*timeo_ns = (u64)tv.tv_sec * NSEC_PER_SEC + (u64)tv.tv_usec * 1000;
	return 0;
}

static int get_timeo(u64 timeo_ns, void *val, unsigned *len)
{
	struct sock_timeval tv;

	tv.tv_sec = (s64)(timeo_ns / NSEC_PER_SEC);
	tv.tv_usec = (s64)(timeo_ns % NSEC_PER_SEC) / 1000;
	*len = MIN(*len, (unsigned)sizeof(tv));
	memcpy(val, &tv, *len);
	return 0;
}

static int set_linger(struct sock *sk, const void *val, unsigned len)
{
	struct linger l;

	if (len < sizeof(l))
		return -EINVAL;
	memcpy(&l, val, sizeof(l));
	sk->opt.linger_on = l.l_onoff != 0;
	sk->opt.linger_secs = l.l_linger < 0 ? 0 : l.l_linger;
	return 0;
}

/* SO_RCVBUF/SO_SNDBUF: Linux stores twice the request (bookkeeping overhead). */
static int buf_size(int v)
{
	if (v < SOCK_BUF_MIN / 2)
		v = SOCK_BUF_MIN / 2;
	if (v > SOCK_BUF_MAX / 2)
		v = SOCK_BUF_MAX / 2;
	return v * 2;
}

static int set_socket_opt(struct sock *sk, int name, const void *val, unsigned len)
{
	int v, err;

	switch (name) {
	case SO_RCVTIMEO:
		return set_timeo(&sk->opt.rcvtimeo_ns, val, len);
	case SO_SNDTIMEO:
		return set_timeo(&sk->opt.sndtimeo_ns, val, len);
	case SO_LINGER:
		return set_linger(sk, val, len);
	}
	err = sock_opt_int(val, len, &v);
	if (err)
		return err;
	switch (name) {
	case SO_REUSEADDR:
		sk->opt.reuseaddr = v != 0;
		return 0;
	case SO_REUSEPORT:
		sk->opt.reuseport = v != 0; /* takes effect at bind(), as on Linux */
		return 0;
	case SO_KEEPALIVE:
		sk->opt.keepalive = v != 0;
		return 0;
	case SO_BROADCAST:
		sk->opt.broadcast = v != 0;
		return 0;
	case SO_OOBINLINE:
		sk->opt.oobinline = v != 0;
		return 0;
	case SO_RCVBUFFORCE:
		if (!proc_capable(CAP_NET_ADMIN))
			return -EPERM;
		/* fallthrough */
	case SO_RCVBUF:
		sk->opt.rcvbuf = buf_size(v);
		sk->opt.rcvbuf_set = true;
		return 0;
	case SO_SNDBUFFORCE:
		if (proc_euid() != 0)
			return -EPERM;
		/* fallthrough */
	case SO_SNDBUF:
		sk->opt.sndbuf = buf_size(v);
		sk->opt.sndbuf_set = true;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

static int get_socket_opt(struct sock *sk, int name, void *val, unsigned *len)
{
	struct linger l;

	switch (name) {
	case SO_TYPE:
		return sock_opt_put_int(val, len, sk->type);
	case SO_DOMAIN:
		return sock_opt_put_int(val, len, sk->family);
	case SO_PROTOCOL:
		return sock_opt_put_int(val, len, sk->protocol);
	case SO_ERROR:
		return sock_opt_put_int(val, len, -sock_take_err(sk));
	case SO_ACCEPTCONN:
		return sock_opt_put_int(val, len, sk->listening);
	case SO_REUSEADDR:
		return sock_opt_put_int(val, len, sk->opt.reuseaddr);
	case SO_REUSEPORT:
		return sock_opt_put_int(val, len, sk->opt.reuseport);
	case SO_KEEPALIVE:
		return sock_opt_put_int(val, len, sk->opt.keepalive);
	case SO_BROADCAST:
		return sock_opt_put_int(val, len, sk->opt.broadcast);
	case SO_OOBINLINE:
		return sock_opt_put_int(val, len, sk->opt.oobinline);
	case SO_RCVBUF:
		return sock_opt_put_int(val, len, sk->opt.rcvbuf);
	case SO_SNDBUF:
		return sock_opt_put_int(val, len, sk->opt.sndbuf);
	case SO_RCVTIMEO:
		return get_timeo(sk->opt.rcvtimeo_ns, val, len);
	case SO_SNDTIMEO:
		return get_timeo(sk->opt.sndtimeo_ns, val, len);
	case SO_LINGER:
		l.l_onoff = sk->opt.linger_on;
		l.l_linger = sk->opt.linger_secs;
		*len = MIN(*len, (unsigned)sizeof(l));
		memcpy(val, &l, *len);
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

/* SOL_IP options every AF_INET socket has. */
static int set_ip_opt(struct sock *sk, int name, const void *val, unsigned len)
{
	int v, err;

	err = sock_opt_int(val, len, &v);
	if (err)
		return err;
	switch (name) {
	case IP_TTL:
		if (v == -1)
			v = SOCK_TTL_DEFAULT;
		if (v < 1 || v > 255)
			return -EINVAL;
		sk->opt.ttl = (u8)v;
		return 0;
	case IP_TOS:
		sk->opt.tos = (u8)(v & 0xfc); /* the ECN bits are the stack's */
		return 0;
	case IP_PKTINFO:
		sk->opt.recv_pktinfo = v != 0;
		return 0;
	case IP_RECVTTL:
		sk->opt.recv_ttl = v != 0;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

static int get_ip_opt(struct sock *sk, int name, void *val, unsigned *len)
{
	switch (name) {
	case IP_TTL:
		return sock_opt_put_int(val, len, sk->opt.ttl);
	case IP_TOS:
		return sock_opt_put_int(val, len, sk->opt.tos);
	case IP_PKTINFO:
		return sock_opt_put_int(val, len, sk->opt.recv_pktinfo);
	case IP_RECVTTL:
		return sock_opt_put_int(val, len, sk->opt.recv_ttl);
	default:
		return -ENOPROTOOPT;
	}
}

int sock_setsockopt(struct sock *sk, int level, int name, const void *val, unsigned len)
{
	int err;

	if (level == SOL_SOCKET)
		err = set_socket_opt(sk, name, val, len);
	else if (sock_mcast_opt(sk, level, name))
		err = sock_mcast_setopt(sk, level, name, val, len);
	else if (sock_pmtu_opt(sk, level, name))
		err = sock_pmtu_setopt(sk, level, name, val, len);
	else if (level == SOL_IP && (sk->family == AF_INET || sk->family == AF_INET6))
		err = set_ip_opt(sk, name, val, len);
	else if (level == SOL_IPV6 && sk->family == AF_INET6)
		err = sock_ip6_setopt(sk, name, val, len);
	else
		return sk->ops->setopt ? sk->ops->setopt(sk, level, name, val, len) : -ENOPROTOOPT;
	if (!err && sk->ops->apply_opts)
		sk->ops->apply_opts(sk);
	return err;
}

int sock_getsockopt(struct sock *sk, int level, int name, void *val, unsigned *len)
{
	int err;

	if (level == SOL_SOCKET) {
		err = get_socket_opt(sk, name, val, len);
		if (err != -ENOPROTOOPT || !sk->ops->getopt)
			return err;
		return sk->ops->getopt(sk, level, name, val, len); /* e.g. SO_PEERCRED */
	}
	if (sock_mcast_opt(sk, level, name))
		return sock_mcast_getopt(sk, level, name, val, len);
	if (sock_pmtu_opt(sk, level, name))
		return sock_pmtu_getopt(sk, level, name, val, len);
	if (level == SOL_IP && (sk->family == AF_INET || sk->family == AF_INET6))
		return get_ip_opt(sk, name, val, len);
	if (level == SOL_IPV6 && sk->family == AF_INET6)
		return sock_ip6_getopt(sk, name, val, len);
	err = sk->ops->getopt ? sk->ops->getopt(sk, level, name, val, len) : -ENOPROTOOPT;
	/* Linux's ip_getsockopt (where an AF_INET protocol passes levels it does
	 * not own) says EOPNOTSUPP; ip_setsockopt and IPv6's say ENOPROTOOPT. */
	if (err == -ENOPROTOOPT && sk->family == AF_INET && level != sk->protocol)
		return -EOPNOTSUPP;
	return err;
}
