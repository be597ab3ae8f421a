/*
 * sendfile(out_fd, in_fd, offset, count): copy from a regular file to a
 * socket, a pipe or another regular file inside the kernel, through one
 * bounce buffer. With offset, reading starts at *offset, the input's file
 * position stays and *offset is advanced; without, the position is used and
 * advanced. Checks and errnos in Linux's order (fs/read_write.c
 * do_sendfile): EFAULT for an unreadable offset, EBADF unless in_fd is open
 * for reading, ESPIPE for an offset on an unseekable input, EINVAL for a
 * negative count or offset (or one that would overflow), EBADF unless out_fd
 * is open for writing, EINVAL for an O_APPEND output; then EINVAL for an
 * input that is not a regular file (Linux splices from more kinds: pipes
 * and devices are not done here) or an output of another kind.
 */
#include <sis/file.h>
#include <sis/kernel.h>
#include <sis/mm.h>
#include <sis/socket.h>
#include <sis/syscall.h>
#include <sis/uaccess.h>
#include <sis/vfs.h>
#include <uapi/sis/fcntl.h>

#define SENDFILE_MAX_RW 0x7ffff000L /* Linux's MAX_RW_COUNT */
#define SENDFILE_CHUNK 16384

static bool out_supported(struct file *out)
{
	return sock_from_file(out) || vfs_file_is_regular(out) ||
	       pipe_is_write_end(out);
}

/* The copy loop: bytes moved (short on EOF or a short write), or the first
 * error if nothing moved. *pos advances by the count. */
static long copy_loop(struct file *in, struct file *out, long *pos, size_t count)
{
	size_t done = 0;
	long n, w = 0;
	char *buf;

	buf = kmalloc(MIN(count, (size_t)SENDFILE_CHUNK));
	if (!buf)
		return -ENOMEM;
	while (done < count) {
		n = kernel_pread(in, buf, MIN(count - done, (size_t)SENDFILE_CHUNK), *pos);
		if (n <= 0) {
			w = n;
			break;
		}
		w = splice_write_kernel(out, buf, (size_t)n, &out->pos, false);
		if (w <= 0)
			break;
		*pos += w;
		done += (size_t)w;
		if (w < n)
			break; /* the output took less (non-blocking, interrupted) */
	}
	kfree(buf);
	return done ? (long)done : w;
}

static long do_sendfile(int out_fd, int in_fd, long *ppos, size_t count)
{
	struct file *in, *out;
	long pos, ret;

	in = fd_get(in_fd);
	if (!in)
		return -EBADF;
	ret = -EBADF;
	if ((in->flags & O_ACCMODE) == O_WRONLY)
		goto out_put_in;
	ret = -ESPIPE;
	if (ppos && !in->ops->pread && !in->ops->lseek)
		goto out_put_in;
	pos = ppos ? *ppos : in->pos;
	ret = -EINVAL;
	if ((long)count < 0 || pos < 0 || pos > 0x7fffffffffffffffL - (long)count)
		goto out_put_in;
	count = MIN(count, (size_t)SENDFILE_MAX_RW);
	out = fd_get(out_fd);
	ret = -EBADF;
	if (!out)
		goto out_put_in;
	if ((out->flags & O_ACCMODE) == O_RDONLY)
		goto out_put_out;
	ret = -EINVAL;
	if ((out->flags & O_APPEND) || !vfs_file_is_regular(in) || !out_supported(out))
		goto out_put_out;
	ret = count ? copy_loop(in, out, &pos, count) : 0;
	if (ppos)
		*ppos = pos;
	else
		in->pos = pos;
out_put_out:
	file_put(out);
out_put_in:
	file_put(in);
	return ret;
}

SYSCALL_DEFINE4(sendfile, int, out_fd, int, in_fd, long *, uoff, size_t, count)
{
	long pos, ret;

	if (uoff && copy_from_user(&pos, uoff, sizeof(pos)))
		return -EFAULT;
	ret = do_sendfile(out_fd, in_fd, uoff ? &pos : NULL, count);
	if (uoff && ret >= 0 && copy_to_user(uoff, &pos, sizeof(pos)))
		return -EFAULT;
	return ret;
}
