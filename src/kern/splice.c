/*
 * splice(2), tee(2) and vmsplice(2) with Linux's semantics (fs/splice.c)
 * over SIS's byte-ring pipes. Bytes are copied, never moved as pages:
 * between two pipes ring to ring (pipe.c), between a pipe and a file or a
 * socket through one bounce buffer, and vmsplice copies user memory in or
 * out. SPLICE_F_MOVE and SPLICE_F_GIFT are accepted and change nothing
 * (Linux ignores them too); SPLICE_F_MORE is a socket's MSG_MORE (a UDP
 * datagram stays corked for the next send, TCP holds a short segment).
 *
 * Checks and errnos in Linux's order: a zero length is 0 before anything
 * (tee: after the flags), unknown flags EINVAL, then EBADF for a bad fd, an
 * offset for a pipe end ESPIPE, EFAULT for an unreadable offset, EBADF
 * unless in is open for reading and out for writing; between two pipes
 * EINVAL for one pipe; from a pipe EINVAL for an offset on a socket, an
 * O_APPEND output, an output that cannot take bytes (only files the VFS
 * writes from kernel memory, and sockets) or a range past 2^63; to a pipe
 * the wait for room first, then EINVAL likewise for the input; two ends
 * that are no pipe EINVAL.
 *
 * Waiting: the pipe side waits for bytes (from a pipe) or room (to one)
 * unless SPLICE_F_NONBLOCK or the pipe end's O_NONBLOCK (between pipes:
 * either's) says -EAGAIN; a socket side waits as its read or write would
 * (its O_NONBLOCK, SO_RCVTIMEO/SO_SNDTIMEO; an AF_UNIX stream also takes
 * SPLICE_F_NONBLOCK, as Linux's unix_stream_splice_read). Once bytes moved,
 * nothing waits again. A signal gives -ERESTARTSYS (restarted under
 * SA_RESTART). A pipe end without a reader gives -EPIPE and SIGPIPE.
 * vmsplice waits only as SPLICE_F_NONBLOCK says (Linux ignores the file's
 * O_NONBLOCK there).
 *
 * Nothing holds a pipe's ring across a sleep: a socket read or write that
 * waits works on the bounce buffer, and the pipe is looked at again after.
 */
#include <sis/kernel.h>
#include <sis/mm.h>
#include <sis/file.h>
#include <sis/socket.h>
#include <sis/syscall.h>
#include <sis/uaccess.h>
#include <sis/vfs.h>
#include <uapi/sis/fcntl.h>
#include <uapi/sis/socket.h>
#include <uapi/sis/uio.h>
#include "fs_internal.h"

#define SPLICE_MAX_RW 0x7ffff000UL /* Linux's MAX_RW_COUNT */
#define SPLICE_CHUNK 16384UL       /* the bounce buffer */

static bool can_read(const struct file *f)
{
	unsigned acc = f->flags & O_ACCMODE;

	return acc == O_RDONLY || acc == O_RDWR;
}

static bool can_write(const struct file *f)
{
	unsigned acc = f->flags & O_ACCMODE;

	return acc == O_WRONLY || acc == O_RDWR;
}

long splice_write_kernel(struct file *out, const void *kbuf, size_t n, long *pos, bool more)
{
	long w;

	if (sock_from_file(out))
		return sock_file_write_kernel(out, kbuf, n, more ? MSG_MORE : 0);
	if (pipe_is_end(out))
		return pipe_write_kernel(out, kbuf, n);
	w = kernel_pwrite(out, kbuf, n, *pos);
	if (w > 0)
		*pos += w;
	return w;
}

/* Read up to n bytes of in (a socket, or a file at *pos, which advances). */
static long read_kernel(struct file *in, void *kbuf, size_t n, long *pos, bool nonblock)
{
	long r;

	if (sock_from_file(in))
		return sock_file_read_kernel(in, kbuf, n, nonblock);
	r = kernel_pread(in, kbuf, n, *pos);
	if (r > 0)
		*pos += r;
	return r;
}

/* Linux's rw_verify_area: a length that is negative as ssize_t, a negative
 * position or a range past 2^63 is -EINVAL. */
static int check_range(long pos, size_t len)
{
	if ((long)len < 0 || pos < 0 || (long)((unsigned long)pos + len) < 0)
		return -EINVAL;
	return 0;
}

/* From the pipe in to out (a socket, or a file at *pos). A socket gets
 * MSG_MORE with SPLICE_F_MORE, and for a part that more of this call's
 * bytes follow (Linux's splice_to_socket). */
static long from_pipe(struct file *in, struct file *out, long *pos, size_t len, bool nonblock,
		      bool more)
{
	size_t done = 0;
	long ret = 0;
	char *buf;

	if (!sock_from_file(out) && !vfs_file_kernel_io(out, true))
		return -EINVAL;
	len = MIN(len, SPLICE_MAX_RW);
	buf = kmalloc(MIN(len, SPLICE_CHUNK));
	if (!buf)
		return -ENOMEM;
	while (done < len) {
		size_t n;
		long w;

		ret = pipe_wait_data(in, nonblock || done);
		if (ret <= 0)
			break;
		n = pipe_peek(in, buf, MIN(len - done, SPLICE_CHUNK));
		w = splice_write_kernel(out, buf, n, pos,
					more || (done + n < len && (size_t)ret > n));
		if (w <= 0) {
			ret = w;
			break;
		}
		pipe_consume(in, (size_t)w);
		done += (size_t)w;
		if ((size_t)w < n)
			break; /* the output took less (non-blocking, interrupted) */
	}
	kfree(buf);
	return done ? (long)done : ret;
}

/* Does a socket's read take SPLICE_F_NONBLOCK (Linux: AF_UNIX streams)? */
static bool sock_takes_nonblock(struct file *f)
{
	struct sock *sk = sock_from_file(f);

	return sk && sk->family == AF_UNIX && sk->type == SOCK_STREAM;
}

/* From in (a socket, or a file at *pos) to the pipe out: what fits now. */
static long to_pipe(struct file *in, long *pos, struct file *out, size_t len, bool nonblock)
{
	bool sock_nb = nonblock && sock_takes_nonblock(in);
	size_t done = 0;
	long ret, room;
	char *buf;

	room = pipe_wait_room(out, nonblock);
	if (room < 0)
		return room;
	if (!sock_from_file(in) && !vfs_file_kernel_io(in, false))
		return -EINVAL;
	len = MIN(MIN(len, (size_t)room), SPLICE_MAX_RW);
	buf = kmalloc(MIN(len, SPLICE_CHUNK));
	if (!buf)
		return -ENOMEM;
	ret = 0;
	while (done < len) {
		size_t n = MIN(len - done, SPLICE_CHUNK);
		long r = read_kernel(in, buf, n, pos, sock_nb || done);

		if (r <= 0) {
			ret = r;
			break;
		}
		/* fits, unless a socket read slept and another writer came */
		ret = pipe_write_kernel(out, buf, (size_t)r);
		if (ret <= 0)
			break;
		done += (size_t)ret;
		if ((size_t)ret < n)
			break;
	}
	kfree(buf);
	return done ? (long)done : ret;
}

/* Linux's do_splice, offsets already in kernel memory (NULL: none). */
static long do_splice(struct file *in, long *off_in, struct file *out, long *off_out,
		      size_t len, unsigned flags)
{
	bool in_pipe = pipe_is_end(in), out_pipe = pipe_is_end(out);
	bool nonblock = flags & SPLICE_F_NONBLOCK;
	long pos, ret;

	if (!can_read(in) || !can_write(out))
		return -EBADF;
	if (in_pipe && out_pipe) {
		if (pipe_same(in, out))
			return -EINVAL;
		nonblock |= ((in->flags | out->flags) & O_NONBLOCK) != 0;
		return pipe_splice_pipe(in, out, len, nonblock, false);
	}
	if (in_pipe) {
		if ((off_out && sock_from_file(out)) || (out->flags & O_APPEND))
			return -EINVAL;
		pos = off_out ? *off_out : out->pos;
		ret = check_range(pos, len);
		if (ret)
			return ret;
		ret = from_pipe(in, out, &pos, len, nonblock || (in->flags & O_NONBLOCK),
				flags & SPLICE_F_MORE);
		*(off_out ? off_out : &out->pos) = pos;
		return ret;
	}
	if (out_pipe) {
		if (off_in && sock_from_file(in))
			return -EINVAL;
		pos = off_in ? *off_in : in->pos;
		ret = check_range(pos, len);
		if (ret)
			return ret;
		ret = to_pipe(in, &pos, out, len, nonblock || (out->flags & O_NONBLOCK));
		*(off_in ? off_in : &in->pos) = pos;
		return ret;
	}
	return -EINVAL;
}

/* Linux's __do_splice: the user's offsets in and out around do_splice. */
static long splice_files(struct file *in, long *uoff_in, struct file *out, long *uoff_out,
			 size_t len, unsigned flags)
{
	long off_in, off_out, ret;

	if ((pipe_is_end(in) && uoff_in) || (pipe_is_end(out) && uoff_out))
		return -ESPIPE;
	if (uoff_out && copy_from_user(&off_out, uoff_out, sizeof(off_out)))
		return -EFAULT;
	if (uoff_in && copy_from_user(&off_in, uoff_in, sizeof(off_in)))
		return -EFAULT;
	ret = do_splice(in, uoff_in ? &off_in : NULL, out, uoff_out ? &off_out : NULL, len, flags);
	if (ret < 0)
		return ret;
	if (uoff_out && copy_to_user(uoff_out, &off_out, sizeof(off_out)))
		return -EFAULT;
	if (uoff_in && copy_to_user(uoff_in, &off_in, sizeof(off_in)))
		return -EFAULT;
	return ret;
}

SYSCALL_DEFINE6(splice, int, fd_in, long *, uoff_in, int, fd_out, long *, uoff_out,
		size_t, len, unsigned, flags)
{
	struct file *in, *out;
	long ret = -EBADF;

	if (!len)
		return 0;
	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	in = fd_get(fd_in);
	if (!in)
		return -EBADF;
	out = fd_get(fd_out);
	if (out) {
		ret = splice_files(in, uoff_in, out, uoff_out, len, flags);
		file_put(out);
	}
	file_put(in);
	return ret;
}

static long do_tee(struct file *in, struct file *out, size_t len, unsigned flags)
{
	bool nonblock = flags & SPLICE_F_NONBLOCK;

	if (!can_read(in) || !can_write(out))
		return -EBADF;
	if (!pipe_is_end(in) || !pipe_is_end(out) || pipe_same(in, out))
		return -EINVAL;
	nonblock |= ((in->flags | out->flags) & O_NONBLOCK) != 0;
	return pipe_splice_pipe(in, out, len, nonblock, true);
}

SYSCALL_DEFINE4(tee, int, fd_in, int, fd_out, size_t, len, unsigned, flags)
{
	struct file *in, *out;
	long ret = -EBADF;

	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	if (!len)
		return 0;
	in = fd_get(fd_in);
	if (!in)
		return -EBADF;
	out = fd_get(fd_out);
	if (out) {
		ret = do_tee(in, out, len, flags);
		file_put(out);
	}
	file_put(in);
	return ret;
}

/* vmsplice into the pipe: what fits once there is room, no further wait. */
static long vmsplice_to_pipe(struct file *f, const struct iovec *iov, unsigned cnt, bool nonblock)
{
	long done = 0, n = pipe_wait_room(f, nonblock);

	for (unsigned i = 0; n > 0 && i < cnt; i++) {
		if (!iov[i].iov_len)
			continue;
		n = pipe_put_user(f, iov[i].iov_base, iov[i].iov_len);
		if (n > 0)
			done += n;
		if (n < 0 || (size_t)n < iov[i].iov_len)
			break;
	}
	return done ? done : n;
}

/* vmsplice out of the pipe into user memory: what is queued once there is
 * some, no further wait. */
static long vmsplice_to_user(struct file *f, const struct iovec *iov, unsigned cnt, bool nonblock)
{
	long done = 0, n = pipe_wait_data(f, nonblock);

	for (unsigned i = 0; n > 0 && i < cnt; i++) {
		if (!iov[i].iov_len)
			continue;
		n = pipe_take_user(f, iov[i].iov_base, iov[i].iov_len);
		if (n > 0)
			done += n;
		if (n < 0 || (size_t)n < iov[i].iov_len)
			break;
	}
	return done ? done : n;
}

/* nr_segs: Linux declares it unsigned long, but import_iovec takes an unsigned. */
SYSCALL_DEFINE4(vmsplice, int, fd, const struct iovec *, uiov, unsigned, nr_segs,
		unsigned, flags)
{
	bool nonblock = flags & SPLICE_F_NONBLOCK, writing;
	struct iovec *iov;
	struct file *f;
	size_t total = 0;
	long ret;

	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	f = fd_get(fd);
	if (!f)
		return -EBADF;
	ret = -EBADF;
	writing = can_write(f); /* an O_RDWR FIFO is written to, as Linux */
	if (!writing && !can_read(f))
		goto out_put;
	iov = fs_iov_copy_in(uiov, nr_segs);
	ret = PTR_ERR(iov);
	if (IS_ERR(iov))
		goto out_put;
	for (unsigned i = 0; i < nr_segs; i++)
		total += iov[i].iov_len;
	if (!total)
		ret = 0;
	else if (!pipe_is_end(f))
		ret = -EBADF;
	else
		ret = writing ? vmsplice_to_pipe(f, iov, nr_segs, nonblock)
			      : vmsplice_to_user(f, iov, nr_segs, nonblock);
	kfree(iov);
out_put:
	file_put(f);
	return ret;
}
