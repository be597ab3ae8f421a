/*
 * Open files and per-process descriptor tables.
 *
 * A struct file is shared by every descriptor (and process) that refers to
 * it; file_put() on the last reference calls ops->release. Buffers passed to
 * read/write ops are *user* pointers (ops use copy_to_user/copy_from_user);
 * kernel callers use the kernel_read/kernel_write helpers instead.
 * Blocking ops sleep on wait queues and honour O_NONBLOCK (-EAGAIN) and
 * signals (-EINTR).
 */
#ifndef SIS_FILE_H
#define SIS_FILE_H

#include <sis/types.h>
#include <sis/wait.h>

struct file;
struct linux_stat;  /* uapi/sis/stat.h: struct stat as Linux aarch64 lays it out */

/*
 * poll support: ops->poll returns the currently ready POLL* events and, if
 * pt is not NULL, registers the caller on the file's wait queue(s) with
 * poll_wait(pt, wq). ppoll/pselect then sleep until a queue is woken.
 */
struct poll_table;
void poll_wait(struct poll_table *pt, struct wait_queue *wq);

struct file_ops {
	long (*read)(struct file *f, void *ubuf, size_t len);
	long (*write)(struct file *f, const void *ubuf, size_t len);
	long (*lseek)(struct file *f, long off, int whence);
	long (*ioctl)(struct file *f, unsigned long cmd, unsigned long arg);
	unsigned (*poll)(struct file *f, struct poll_table *pt);
	int (*fstat)(struct file *f, struct linux_stat *st);
	long (*getdents64)(struct file *f, void *ubuf, size_t len);
	/* O_NONBLOCK etc. changed by fcntl(F_SETFL) */
	int (*setfl)(struct file *f, unsigned flags);
	void (*release)(struct file *f);
};

struct file {
	const struct file_ops *ops;
	unsigned refs;
	unsigned flags;   /* O_ACCMODE bits, O_NONBLOCK, O_APPEND (uapi values) */
	long pos;
	void *priv;       /* owner-specific: inode, pipe, socket... */
};

struct file *file_alloc(const struct file_ops *ops, void *priv, unsigned flags);
void file_get(struct file *f);
void file_put(struct file *f);

/* Descriptor table of a process. */
#define FD_MAX 256
struct fd_table;

struct fd_table *fd_table_new(void);
struct fd_table *fd_table_clone(struct fd_table *t); /* fork */
void fd_table_release(struct fd_table *t);           /* exit */
void fd_table_close_on_exec(struct fd_table *t);     /* execve */

/* In the current process: install f at the lowest free fd (>= min). Takes a
 * reference on success. Returns fd or -EMFILE. */
int fd_install(struct file *f, bool cloexec);
/* Look up fd in the current process and take a reference, or NULL. */
struct file *fd_get(int fd);

#endif
