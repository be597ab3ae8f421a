/*
 * The socket system calls (Linux aarch64 numbers, -errno results). Each one
 * copies and checks the user's arguments, finds the socket behind the fd and
 * calls its protocol operation under the socket's lock (sock_lock). Argument
 * rules follow Linux (net/socket.c): address lengths outside
 * 0..sizeof(sockaddr_storage) are EINVAL, unreadable memory EFAULT, a
 * non-socket fd ENOTSOCK.
 */
#include <sis/socket.h>
#include <sis/file.h>
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/mm.h>
#include <sis/net.h>
#include <sis/syscall.h>
#include <sis/uaccess.h>

/* Largest byte count one call moves (Linux's MAX_RW_COUNT). */
#define SOCK_MAX_RW 0x7ffff000UL
/* iovec arrays up to this many entries live on the stack. */
#define SOCK_FAST_IOV 8
/* Option values longer than this are cut (no option we know is longer). */
#define SOCK_OPT_MAX 2048 /* IPV6_RTHDR's largest header: 8 * 255 bytes */

/* ---- argument helpers ---- */

/* Copy a user sockaddr of ulen bytes into *addr (Linux move_addr_to_kernel). */
static int addr_from_user(struct sockaddr_storage *addr, const void *uaddr, long ulen)
{
	if (ulen < 0 || (unsigned long)ulen > sizeof(*addr))
		return -EINVAL;
	memset(addr, 0, sizeof(*addr));
	if (ulen == 0)
		return 0;
	if (copy_from_user(addr, uaddr, (size_t)ulen))
		return -EFAULT;
	return 0;
}

/* Read the int a socklen_t * points to (value-result lengths); < 0 is EINVAL. */
static int len_from_user(const void *ulenp, unsigned *len)
{
	int v;

	if (copy_from_user(&v, ulenp, sizeof(v)))
		return -EFAULT;
	if (v < 0)
		return -EINVAL;
	*len = (unsigned)v;
	return 0;
}

/* Give an address back: min(room, real) bytes, then the real length
 * (Linux move_addr_to_user). room was read from *ulenp earlier. */
static int addr_to_user(const struct sockaddr_storage *addr, unsigned real, void *uaddr,
			unsigned room, void *ulenp)
{
	unsigned n = sock_addr_copy_len(room, real);
	int v = (int)real;

	if (n && copy_to_user(uaddr, addr, n))
		return -EFAULT;
	if (copy_to_user(ulenp, &v, sizeof(v)))
		return -EFAULT;
	return 0;
}

/* A user buffer range must lie in the user half (Linux access_ok); the pages
 * themselves are checked by the copy that touches them. */
static bool user_span_ok(const void *ubuf, size_t len)
{
	u64 start = (u64)(uintptr_t)ubuf;

	return start <= USER_VA_END && len <= USER_VA_END - start;
}

/* ---- socket, socketpair ---- */

SYSCALL_DEFINE3(socket, int, family, int, type, int, protocol)
{
	unsigned flags = (unsigned)type & ~SOCK_TYPE_MASK;
	struct sock *sk;
	int err;

	log_debug("socket: domain=%d type=%d protocol=%d", family, type, protocol);
	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	err = sock_create(family, type & SOCK_TYPE_MASK, protocol, &sk);
	if (err)
		return err;
	return sock_install(sk, flags);
}

SYSCALL_DEFINE4(socketpair, int, family, int, type, int, protocol, int *, usv)
{
	unsigned flags = (unsigned)type & ~SOCK_TYPE_MASK;
	struct sock *a, *b;
	int fds[2], err;

	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	if (family != AF_UNIX) {
		/* Linux makes the socket first (its errors: EAFNOSUPPORT,
		 * EPROTONOSUPPORT...), then finds no socketpair op. */
		err = sock_create(family, type & SOCK_TYPE_MASK, protocol, &a);
		if (err)
			return err;
		sock_release(a);
		return -EOPNOTSUPP;
	}
	/* Checked first: once both fds exist there is no undoing them cleanly. */
	if (!user_range_ok(usv, sizeof(fds), true))
		return -EFAULT;
	err = unix_sock_pair(type & SOCK_TYPE_MASK, protocol, &a, &b);
	if (err)
		return err;
	fds[0] = sock_install(a, flags);
	if (fds[0] < 0) {
		sock_release(b);
		return fds[0];
	}
	fds[1] = sock_install(b, flags);
	if (fds[1] < 0)
		return fds[1]; /* fds[0] stays open, as a half-made pair would on Linux */
	if (copy_to_user(usv, fds, sizeof(fds)))
		return -EFAULT;
	return 0;
}

/* ---- bind, listen, connect ---- */

/* bind and connect: the address copied in, then the family's op under the
 * socket's lock. */
static long addr_op(int fd, const void *uaddr, int addrlen, bool connect)
{
	struct sockaddr_storage addr;
	struct file *f;
	struct sock *sk;
	long err;

	err = addr_from_user(&addr, uaddr, addrlen);
	if (err)
		return err;
	sk = sock_lookup(fd, &f);
	if (IS_ERR(sk))
		return PTR_ERR(sk);
	sock_lock(sk);
	if (connect && sk->ops->connect)
		err = sk->ops->connect(sk, &addr, (unsigned)addrlen, sock_file_nonblock(sk));
	else if (!connect && sk->ops->bind)
		err = sk->ops->bind(sk, &addr, (unsigned)addrlen);
	else
		err = -EOPNOTSUPP;
	sock_unlock(sk);
	file_put(f);
	return err;
}

SYSCALL_DEFINE3(bind, int, fd, const void *, uaddr, int, addrlen)
{
	return addr_op(fd, uaddr, addrlen, false);
}

SYSCALL_DEFINE2(listen, int, fd, int, backlog)
{
	struct file *f;
	struct sock *sk;
	long err;

	sk = sock_lookup(fd, &f);
	if (IS_ERR(sk))
		return PTR_ERR(sk);
	if (backlog < 0 || backlog > SOMAXCONN)
		backlog = SOMAXCONN; /* Linux clamps to somaxconn (negative too) */
	sock_lock(sk);
	err = sk->ops->listen ? sk->ops->listen(sk, backlog) : -EOPNOTSUPP;
	sock_unlock(sk);
	file_put(f);
	return err;
}

SYSCALL_DEFINE3(connect, int, fd, const void *, uaddr, int, addrlen)
{
	return addr_op(fd, uaddr, addrlen, true);
}

/* ---- accept ---- */

static long do_accept(int fd, void *uaddr, void *ulenp, int flags)
{
	struct sockaddr_storage addr;
	unsigned room = 0, real = 0;
	struct sock *sk, *nsk;
	struct file *f;
	long err;

	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	if (uaddr) {
		err = len_from_user(ulenp, &room);
		if (err)
			return err;
	}
	sk = sock_lookup(fd, &f);
	if (IS_ERR(sk))
		return PTR_ERR(sk);
	sock_lock(sk);
	nsk = sk->ops->accept ? sk->ops->accept(sk, sock_file_nonblock(sk))
			      : ERR_PTR(-EOPNOTSUPP);
	if (!IS_ERR(nsk) && uaddr && nsk->ops->getname(nsk, &addr, &real, true))
		real = 0; /* already reset by the peer: no address to give */
	sock_unlock(sk);
	file_put(f);
	if (IS_ERR(nsk))
		return PTR_ERR(nsk);
	if (uaddr) {
		err = addr_to_user(&addr, real, uaddr, room, ulenp);
		if (err) {
			sock_release(nsk);
			return err;
		}
	}
	return sock_install(nsk, (unsigned)flags);
}

SYSCALL_DEFINE3(accept, int, fd, void *, uaddr, void *, ulenp)
{
	return do_accept(fd, uaddr, ulenp, 0);
}

SYSCALL_DEFINE4(accept4, int, fd, void *, uaddr, void *, ulenp, int, flags)
{
	return do_accept(fd, uaddr, ulenp, flags);
}

/* ---- names ---- */

static long do_getname(int fd, void *uaddr, void *ulenp, bool peer)
{
	struct sockaddr_storage addr;
	unsigned room, real = 0;
	struct sock *sk;
	struct file *f;
	long err;

	err = len_from_user(ulenp, &room);
	if (err)
		return err;
	sk = sock_lookup(fd, &f);
	if (IS_ERR(sk))
		return PTR_ERR(sk);
	memset(&addr, 0, sizeof(addr));
	sock_lock(sk);
	err = sk->ops->getname ? sk->ops->getname(sk, &addr, &real, peer) : -EOPNOTSUPP;
	sock_unlock(sk);
	file_put(f);
	if (err)
		return err;
	return addr_to_user(&addr, real, uaddr, room, ulenp);
}

SYSCALL_DEFINE3(getsockname, int, fd, void *, uaddr, void *, ulenp)
{
	return do_getname(fd, uaddr, ulenp, false);
}

SYSCALL_DEFINE3(getpeername, int, fd, void *, uaddr, void *, ulenp)
{
	return do_getname(fd, uaddr, ulenp, true);
}

/* ---- send and receive ---- */

/*
 * Set up an iterator over n user segments (a kernel copy, adjusted here):
 * every segment must lie in user space (EFAULT); the total is capped at
 * SOCK_MAX_RW by shortening segments, as Linux's import_iovec does.
 */
static int iter_init(struct sock_iter *it, struct iovec *iov, unsigned long n)
{
	size_t total = 0;
	unsigned long i;

	for (i = 0; i < n; i++) {
		if ((long)iov[i].iov_len < 0)
			return -EINVAL;
		if (!user_span_ok(iov[i].iov_base, iov[i].iov_len))
			return -EFAULT;
		iov[i].iov_len = MIN(iov[i].iov_len, SOCK_MAX_RW - total);
		total += iov[i].iov_len;
	}
	it->iov = iov;
	it->nr_segs = n;
	it->seg = 0;
	it->seg_off = 0;
	it->left = total;
	return 0;
}

/* Run one send or receive on fd. */
static long do_msg(int fd, struct sock_msg *m, bool send)
{
	struct file *f;
	struct sock *sk;
	long ret;

	sk = sock_lookup(fd, &f);
	if (IS_ERR(sk))
		return PTR_ERR(sk);
	m->nonblock = sock_file_nonblock(sk) || (m->flags & MSG_DONTWAIT);
	if (!send && (m->flags & MSG_ERRQUEUE) && sk->family != AF_UNIX) {
		/* IP's error queue (ip_recv_error): nothing is ever queued there. */
		file_put(f);
		return -EAGAIN;
	}
	sock_lock(sk);
	if (send)
		ret = sk->ops->sendmsg ? sk->ops->sendmsg(sk, m) : -EOPNOTSUPP;
	else
		ret = sk->ops->recvmsg ? sk->ops->recvmsg(sk, m) : -EOPNOTSUPP;
	sock_unlock(sk);
	file_put(f);
	return ret;
}

SYSCALL_DEFINE6(sendto, int, fd, void *, ubuf, size_t, len, unsigned, flags, const void *, uaddr,
		int, addrlen)
{
	struct iovec iov = { ubuf, MIN(len, SOCK_MAX_RW) };
	struct sock_msg m;
	long err;

	memset(&m, 0, sizeof(m));
	m.flags = (int)flags;
	err = iter_init(&m.it, &iov, 1);
	if (err)
		return err;
	if (uaddr) {
		err = addr_from_user(&m.addr, uaddr, addrlen);
		if (err)
			return err;
		m.addrlen = (unsigned)addrlen;
	}
	return do_msg(fd, &m, true);
}

SYSCALL_DEFINE6(recvfrom, int, fd, void *, ubuf, size_t, len, unsigned, flags, void *, uaddr,
		void *, ulenp)
{
	struct iovec iov = { ubuf, MIN(len, SOCK_MAX_RW) };
	struct sock_msg m;
	unsigned room = 0;
	long ret, err;

	memset(&m, 0, sizeof(m));
	m.flags = (int)flags;
	ret = iter_init(&m.it, &iov, 1);
	if (ret)
		return ret;
	if (uaddr) {
		ret = len_from_user(ulenp, &room);
		if (ret)
			return ret;
	}
	ret = do_msg(fd, &m, false);
	if (ret >= 0 && uaddr) {
		err = addr_to_user(&m.addr, m.addrlen, uaddr, room, ulenp);
		if (err)
			return err;
	}
	return ret;
}

/*
 * sendmsg/recvmsg: the user's msghdr and iovec array are copied in; the
 * iovec lives on the stack when short, else in a kmalloc'd copy (*heap).
 */
static long msghdr_import(const void *umsg, struct msghdr *mh, struct sock_msg *m,
			  struct iovec *fast, struct iovec **heap)
{
	struct iovec *iov = fast;
	long err;

	*heap = NULL;
	if (copy_from_user(mh, umsg, sizeof(*mh)))
		return -EFAULT;
	if (mh->msg_iovlen > UIO_MAXIOV)
		return -EMSGSIZE;
	if (mh->msg_iovlen > SOCK_FAST_IOV) {
		iov = kmalloc(mh->msg_iovlen * sizeof(*iov));
		if (!iov)
			return -ENOMEM;
		*heap = iov;
	}
	if (mh->msg_iovlen && copy_from_user(iov, mh->msg_iov, mh->msg_iovlen * sizeof(*iov)))
		return -EFAULT;
	err = iter_init(&m->it, iov, mh->msg_iovlen);
	if (err)
		return err;
	if ((int)mh->msg_namelen < 0)
		return -EINVAL;
	return 0;
}

/* ---- ancillary data: SCM_RIGHTS ---- */

#define CMSG_ALIGN8(n) (((n) + 7UL) & ~7UL)
#define CMSG_HDR_LEN CMSG_ALIGN8(sizeof(struct cmsghdr))

/* The SCM_RIGHTS of one cmsg, appended to *fds (grown). 0 or -errno. */
static int cmsg_take_fds(const u8 *data, size_t len, struct sock_fds **fds)
{
	unsigned add = (unsigned)(len / sizeof(int)), have = *fds ? (*fds)->n : 0;
	struct sock_fds *g;

	if (len % sizeof(int) || have + add > SOCK_FDS_MAX)
		return -EINVAL;
	g = kmalloc(sizeof(*g) + (have + add) * sizeof(g->f[0]));
	if (!g)
		return -ENOMEM;
	g->n = have;
	if (have)
		memcpy(g->f, (*fds)->f, have * sizeof(g->f[0]));
	kfree(*fds);
	*fds = g;
	for (unsigned i = 0; i < add; i++) {
		int fd;

		memcpy(&fd, data + i * sizeof(int), sizeof(int));
		g->f[g->n] = fd_get(fd);
		if (!g->f[g->n])
			return -EBADF;
		g->n++;
	}
	return 0;
}

/*
 * SOL_IP/IP_PKTINFO (exactly an in_pktinfo, as Linux's ip_cmsg_send) and
 * SOL_IPV6/IPV6_PKTINFO (at least an in6_pktinfo) into m, for the
 * protocol (UDP) to pick the source; other IP-level types are EINVAL, as
 * on Linux. 0 or -errno.
 */
static int cmsg_take_ip(const struct cmsghdr *h, const u8 *data, struct sock_msg *m)
{
	size_t len = h->cmsg_len - CMSG_HDR_LEN;

	if (h->cmsg_level == SOL_IP && h->cmsg_type == IP_PKTINFO) {
		struct in_pktinfo pi;

		if (h->cmsg_len != CMSG_HDR_LEN + sizeof(pi))
			return -EINVAL;
		memcpy(&pi, data, sizeof(pi));
		m->pi4 = true;
		m->pi4_addr = pi.ipi_spec_dst.s_addr;
		m->pi4_ifindex = (u32)pi.ipi_ifindex;
		return 0;
	}
	if (h->cmsg_level == SOL_IPV6 && h->cmsg_type == IPV6_PKTINFO) {
		struct in6_pktinfo pi;

		if (len < sizeof(pi))
			return -EINVAL;
		memcpy(&pi, data, sizeof(pi));
		m->pi6 = true;
		memcpy(m->pi6_addr, pi.ipi6_addr.s6_addr, 16);
		m->pi6_ifindex = (u32)pi.ipi6_ifindex;
		return 0;
	}
	return -EINVAL;
}

/*
 * sendmsg's control data: SOL_SOCKET/SCM_RIGHTS cmsgs become m->fds,
 * IP_PKTINFO/IPV6_PKTINFO m->pi4/pi6; any other ancillary data is refused
 * (EINVAL) rather than silently dropped.
 */
static int control_import(const void *ucontrol, size_t len, struct sock_msg *m)
{
	u8 *buf, *p;
	int err = 0;

	if (!len)
		return 0;
	if (len > 4096)
		return -ENOBUFS;
	buf = kmalloc(len);
	if (!buf)
		return -ENOMEM;
	if (copy_from_user(buf, ucontrol, len)) {
		kfree(buf);
		return -EFAULT;
	}
	for (p = buf; !err && (size_t)(p - buf) + sizeof(struct cmsghdr) <= len;) {
		struct cmsghdr h;
		size_t left = len - (size_t)(p - buf);

		memcpy(&h, p, sizeof(h));
		if (h.cmsg_len < sizeof(h) || h.cmsg_len > left)
			err = -EINVAL;
		else if (h.cmsg_level == SOL_IP || h.cmsg_level == SOL_IPV6)
			err = cmsg_take_ip(&h, p + CMSG_HDR_LEN, m);
		else if (h.cmsg_level != SOL_SOCKET || h.cmsg_type != SCM_RIGHTS)
			err = -EINVAL;
		else
			err = cmsg_take_fds(p + CMSG_HDR_LEN, h.cmsg_len - CMSG_HDR_LEN, &m->fds);
		p += CMSG_ALIGN8(h.cmsg_len);
	}
	kfree(buf);
	return err;
}

/* The descriptors one recvmsg installed, until its results are out. */
struct recv_fds {
	unsigned n;
	int fd[SOCK_FDS_MAX];
};

/* Take back what recvmsg installed: its results could not be written. */
static void recv_fds_undo(struct recv_fds *got)
{
	for (unsigned i = 0; i < got->n; i++)
		fd_close(got->fd[i]);
	got->n = 0;
}

/*
 * recvmsg: install the files that came (m->fds) as new descriptors and
 * describe them in one SCM_RIGHTS cmsg, as many as fit in clen bytes (the
 * rest are closed, MSG_CTRUNC). The bytes of control data written. If the
 * cmsg cannot be written, no descriptor stays installed and the files are
 * closed with MSG_CTRUNC, as on Linux (which writes each number before
 * installing it): the data read is still the call's result.
 */
static size_t control_export_fds(struct sock_msg *m, void *ucontrol, size_t clen,
				 struct recv_fds *got)
{
	struct sock_fds *fds = m->fds;
	unsigned fit = clen < CMSG_HDR_LEN ? 0 : (unsigned)((clen - CMSG_HDR_LEN) / sizeof(int));
	struct cmsghdr h;

	got->n = 0;
	m->fds = NULL;
	if (!fds)
		return 0;
	for (unsigned i = 0; i < fds->n; i++) {
		int fd = i < fit ? fd_install(fds->f[i], m->flags & MSG_CMSG_CLOEXEC) : -1;

		if (fd >= 0)
			got->fd[got->n++] = fd;
		else
			m->out_flags |= MSG_CTRUNC;
	}
	sock_fds_put(fds); /* the descriptors hold their own references now */
	if (!got->n)
		return 0;
	h = (struct cmsghdr){ .cmsg_len = CMSG_HDR_LEN + got->n * sizeof(int),
			      .cmsg_level = SOL_SOCKET, .cmsg_type = SCM_RIGHTS };
	if (copy_to_user(ucontrol, &h, sizeof(h)) ||
	    copy_to_user((u8 *)ucontrol + CMSG_HDR_LEN, got->fd, got->n * sizeof(int))) {
		recv_fds_undo(got);
		m->out_flags |= MSG_CTRUNC;
		return 0;
	}
	return MIN(CMSG_ALIGN8(h.cmsg_len), clen);
}

/*
 * recvmsg: the protocol's control messages (m->cmsg) after the files, each
 * as Linux's put_cmsg writes it: none without room for its header, cut
 * short (its cmsg_len saying so) with MSG_CTRUNC. The bytes written.
 */
static size_t control_export(struct sock_msg *m, u8 *ucontrol, size_t clen,
			     struct recv_fds *got)
{
	size_t done = control_export_fds(m, ucontrol, clen, got);

	for (unsigned off = 0; off < m->cmsg_len;) {
		struct cmsghdr h;
		size_t space, n;

		memcpy(&h, m->cmsg + off, sizeof(h));
		space = CMSG_ALIGN8(h.cmsg_len);
		off += (unsigned)space;
		if (clen - done < sizeof(h)) {
			m->out_flags |= MSG_CTRUNC;
			break;
		}
		n = h.cmsg_len;
		if (clen - done < n) {
			m->out_flags |= MSG_CTRUNC;
			n = clen - done;
			h.cmsg_len = n;
		}
		if (copy_to_user(ucontrol + done, &h, sizeof(h)) ||
		    copy_to_user(ucontrol + done + sizeof(h), m->cmsg + off - space + sizeof(h),
				 n - sizeof(h))) {
			m->out_flags |= MSG_CTRUNC;
			break;
		}
		done += MIN(space, clen - done);
	}
	return done;
}

/* Before anything is taken from the socket: can the results be written to
 * the msghdr? (Linux finds out after, with the data gone; the answer is the
 * same. The name is not checked: Linux writes none when there is none.) */
static bool recvmsg_results_ok(struct msghdr *umsg)
{
	return user_range_ok(umsg, sizeof(*umsg), true);
}

SYSCALL_DEFINE3(sendmsg, int, fd, const void *, umsg, unsigned, flags)
{
	struct iovec fast[SOCK_FAST_IOV], *heap;
	struct msghdr mh;
	struct sock_msg m;
	long ret;

	memset(&m, 0, sizeof(m));
	m.flags = (int)flags;
	ret = msghdr_import(umsg, &mh, &m, fast, &heap);
	if (ret)
		goto out_free_iov;
	if (mh.msg_name) {
		ret = addr_from_user(&m.addr, mh.msg_name, (int)mh.msg_namelen);
		if (ret)
			goto out_free_iov;
		m.addrlen = mh.msg_namelen;
	}
	ret = control_import(mh.msg_control, mh.msg_controllen, &m);
	if (!ret)
		ret = do_msg(fd, &m, true);
	sock_fds_put(m.fds); /* not taken: failed, or a protocol without SCM_RIGHTS */
out_free_iov:
	kfree(heap);
	return ret;
}

SYSCALL_DEFINE3(recvmsg, int, fd, struct msghdr *, umsg, unsigned, flags)
{
	struct iovec fast[SOCK_FAST_IOV], *heap;
	struct recv_fds got;
	struct msghdr mh;
	struct sock_msg m;
	long ret;

	memset(&m, 0, sizeof(m));
	m.flags = (int)flags;
	m.want_fds = true;
	ret = msghdr_import(umsg, &mh, &m, fast, &heap);
	if (ret)
		goto out_free_iov;
	if (!recvmsg_results_ok(umsg)) {
		ret = -EFAULT;
		goto out_free_iov;
	}
	ret = do_msg(fd, &m, false);
	if (ret < 0)
		goto out_free_iov;
	/* Results: name (min of both lengths), its real length, files passed, flags. */
	if (mh.msg_name && m.addrlen &&
	    copy_to_user(mh.msg_name, &m.addr, sock_addr_copy_len(mh.msg_namelen, m.addrlen))) {
		ret = -EFAULT;
		goto out_free_iov;
	}
	mh.msg_namelen = mh.msg_name ? m.addrlen : 0;
	mh.msg_controllen = control_export(&m, mh.msg_control, mh.msg_controllen, &got);
	mh.msg_flags = m.out_flags;
	if (copy_to_user(&umsg->msg_namelen, &mh.msg_namelen, sizeof(mh.msg_namelen)) ||
	    copy_to_user(&umsg->msg_controllen, &mh.msg_controllen, sizeof(mh.msg_controllen)) ||
	    copy_to_user(&umsg->msg_flags, &mh.msg_flags, sizeof(mh.msg_flags))) {
		recv_fds_undo(&got); /* nobody would learn their numbers */
		ret = -EFAULT;
	}
out_free_iov:
	sock_fds_put(m.fds); /* not handed out (an error on the way) */
	kfree(heap);
	return ret;
}

/* ---- shutdown and options ---- */

SYSCALL_DEFINE2(shutdown, int, fd, int, how)
{
	struct file *f;
	struct sock *sk;
	long err;

	sk = sock_lookup(fd, &f);
	if (IS_ERR(sk))
		return PTR_ERR(sk);
	sock_lock(sk);
	if (how < SHUT_RD || how > SHUT_RDWR)
		err = -EINVAL;
	else
		err = sk->ops->shutdown ? sk->ops->shutdown(sk, how) : -EOPNOTSUPP;
	sock_unlock(sk);
	file_put(f);
	return err;
}

SYSCALL_DEFINE5(setsockopt, int, fd, int, level, int, name, const void *, uval, int, ulen)
{
	u8 val[SOCK_OPT_MAX];
	unsigned len;
	struct file *f;
	struct sock *sk;
	long err;

	if (ulen < 0)
		return -EINVAL;
	len = MIN((unsigned)ulen, sizeof(val));
	if (len && copy_from_user(val, uval, len))
		return -EFAULT;
	sk = sock_lookup(fd, &f);
	if (IS_ERR(sk))
		return PTR_ERR(sk);
	sock_lock(sk);
	err = sock_setsockopt(sk, level, name, val, len);
	sock_unlock(sk);
	file_put(f);
	return err;
}

SYSCALL_DEFINE5(getsockopt, int, fd, int, level, int, name, void *, uval, void *, ulenp)
{
	u8 val[SOCK_OPT_MAX];
	unsigned len;
	struct file *f;
	struct sock *sk;
	long err;
	int v;

	/* Linux's order: the descriptor, then the length (EFAULT, < 0 EINVAL). */
	sk = sock_lookup(fd, &f);
	if (IS_ERR(sk))
		return PTR_ERR(sk);
	err = len_from_user(ulenp, &len);
	if (err) {
		file_put(f);
		return err;
	}
	len = MIN(len, sizeof(val));
	memset(val, 0, sizeof(val));
	sock_lock(sk);
	err = sock_getsockopt(sk, level, name, val, &len);
	sock_unlock(sk);
	file_put(f);
	if (err)
		return err;
	v = (int)len;
	if ((len && copy_to_user(uval, val, len)) || copy_to_user(ulenp, &v, sizeof(v)))
		return -EFAULT;
	return 0;
}
