/*
 * Open files and per-process descriptor tables.
 *
 * A struct file is shared by every descriptor (and process) that refers to
 * it; file_put() on the last reference calls ops->release. Buffers passed to
 * read/write ops are *user* pointers (ops use copy_to_user/copy_from_user);
 * kernel callers use the kernel_read/kernel_write helpers (sis/vfs.h) instead.
 * Blocking ops sleep on wait queues and honour O_NONBLOCK (-EAGAIN) and
 * signals (-EINTR).
 *
 * Contexts: everything here runs in process context (file_put may also run
 * in boot context); nothing is called from interrupt handlers.
 */
#ifndef SIS_FILE_H
#define SIS_FILE_H

#include <sis/types.h>
#include <sis/wait.h>
#include <sis/list.h>

struct file;
struct inode;
struct linux_stat;  /* uapi/sis/stat.h: struct stat as Linux aarch64 lays it out */

/*
 * poll support: ops->poll returns the currently ready POLL* events
 * (uapi/sis/poll.h) and, if pt is not NULL, registers the caller on the
 * file's wait queue(s) with poll_wait(pt, wq). ppoll/pselect then sleep until
 * a queue is woken, and call ops->poll again. A file without ops->poll is
 * always ready for reading and writing (like Linux's DEFAULT_POLLMASK).
 */
struct poll_table {
	/* Called by poll_wait for each wait queue the file names: ppoll's
	 * sleeping registration, or epoll's callback hook. */
	void (*queue)(struct poll_table *pt, struct wait_queue *wq);
};
void poll_wait(struct poll_table *pt, struct wait_queue *wq);

struct file_ops {
	/* Character devices: called by open(2) once the file exists (f->inode
	 * set) with open's flags; may set f->ops and f->priv. 0 or -errno (the
	 * file is then dropped without release). */
	int (*open)(struct file *f, unsigned open_flags);
	long (*read)(struct file *f, void *ubuf, size_t len);
	long (*write)(struct file *f, const void *ubuf, size_t len);
	/* Positional I/O (pread64/pwrite64); NULL means -ESPIPE. */
	long (*pread)(struct file *f, void *ubuf, size_t len, long off);
	long (*pwrite)(struct file *f, const void *ubuf, size_t len, long off);
	long (*lseek)(struct file *f, long off, int whence);  /* NULL: -ESPIPE */
	long (*ioctl)(struct file *f, unsigned long cmd, unsigned long arg); /* NULL: -ENOTTY */
	unsigned (*poll)(struct file *f, struct poll_table *pt);
	int (*fstat)(struct file *f, struct linux_stat *st);
	long (*getdents64)(struct file *f, void *ubuf, size_t len); /* NULL: -ENOTDIR */
	/* O_NONBLOCK etc. changed by fcntl(F_SETFL); called before f->flags changes. */
	int (*setfl)(struct file *f, unsigned flags);
	void (*release)(struct file *f);
	/* A reference other than the last was dropped (AF_UNIX watches for
	 * sockets left referenced only from inside other sockets). */
	void (*unref)(struct file *f);
};

struct file {
	const struct file_ops *ops;
	unsigned refs;
	unsigned flags;   /* O_ACCMODE bits, O_NONBLOCK, O_APPEND, O_ASYNC (uapi values) */
	long pos;
	void *priv;       /* owner-specific: inode, pipe, socket... */
	struct inode *inode; /* VFS object behind the file (referenced), or NULL */
	struct file *release_next; /* on the task's release_list once unreferenced */
	struct list_head ep_links; /* epoll items watching this file (eventpoll.c) */
};

/* The file's last reference is going: drop it from every epoll set. */
void eventpoll_release(struct file *f);

/* File owners and O_ASYNC (fown.c): fcntl's F_SETOWN, F_GETOWN,
 * F_SETOWN_EX, F_GETOWN_EX, F_SETSIG and F_GETSIG on f (reached through
 * descriptor fd); fown_setfl after F_SETFL changed f->flags; fown_release
 * when f goes (file_destroy). */
long fown_fcntl(struct file *f, int fd, int cmd, unsigned long arg);
void fown_setfl(struct file *f, int fd);
void fown_release(struct file *f);
/* Leases (lease.c): fown_lease_owner makes the caller f's owner if it has
 * none (F_SETLEASE); fown_signal sends the owner SIGIO (F_SETSIG's signal
 * with si_code code, POLL_*) whether or not f has O_ASYNC. */
int fown_lease_owner(struct file *f, int fd);
/* dnotify (dnotify.c): F_NOTIFY makes the caller f's owner, always (Linux's
 * __f_setown in fcntl_dirnotify), with si_fd fd. */
int fown_notify_owner(struct file *f, int fd);
long dnotify_fcntl(struct file *f, int fd, unsigned long arg);
void dnotify_release(struct file *f);
void fown_signal(struct file *f, int code);
/* fcntl F_SETLEASE/F_GETLEASE on f; lease_break before an open of ino for
 * writing (write) or reading, or a truncate (write): breaks the leases it
 * conflicts with and waits for them (0, -EWOULDBLOCK with nonblock,
 * -ERESTARTSYS); lease_file_release when f goes. */
long lease_fcntl(struct file *f, int fd, int cmd, unsigned long arg);
int lease_break(struct inode *ino, bool write, bool nonblock);
void lease_file_release(struct file *f);

/* A new file with one reference (the caller's), or NULL (no memory). */
struct file *file_alloc(const struct file_ops *ops, void *priv, unsigned flags);
void file_get(struct file *f);
/*
 * Drop a reference; the last one calls ops->release, then drops f->inode.
 * Never recursive: a release that drops the last reference of other files
 * (sockets in flight inside a socket) only queues them on the task's list,
 * and the outermost file_put releases the list in a loop. Between
 * file_release_hold() and file_release_unhold() the task's last puts are
 * queued too (a lock holder may not run a release that sleeps or takes its
 * lock again); the unhold that ends the outermost hold releases them.
 */
void file_put(struct file *f);
void file_release_hold(void);
void file_release_unhold(void);

/* Descriptor table of a process. It also holds the working directory. It
 * grows on demand up to FD_MAX, the ceiling for RLIMIT_NOFILE's hard limit
 * (what a server raises its soft limit to; Linux's nr_open is larger, its
 * default hard limit under systemd 524288); the soft default is 1024, as on
 * Linux. What a process holds open is bounded by memory. */
#define FD_MAX 65536
#define FD_SOFT_DEFAULT 1024
struct fd_table;

struct fd_table *fd_table_new(void);                 /* NULL if no memory */
struct fd_table *fd_table_clone(struct fd_table *t); /* fork; NULL if no memory */
void fd_table_release(struct fd_table *t);           /* exit: closes all, frees t */
void fd_table_close_on_exec(struct fd_table *t);     /* execve */

/* In the current process: install f at the lowest free fd. Takes a
 * reference on success. Returns fd or -EMFILE (-EBADF without a process). */
int fd_install(struct file *f, bool cloexec);
/* Same, at the lowest free fd >= min (F_DUPFD). -EINVAL if min is out of range. */
int fd_install_min(struct file *f, int min, bool cloexec);
/* Install f exactly at fd, closing what was there (dup2/dup3). fd or -EBADF. */
int fd_install_at(struct file *f, int fd, bool cloexec);
/* Look up fd in the current process and take a reference, or NULL. An
 * O_PATH descriptor counts as none (-EBADF for I/O, sockets, mmap, poll:
 * Linux's fdget); fd_get_raw also finds those, for the calls Linux allows
 * on them (close, dup, fcntl, fstat, fchdir, fstatfs, *at() dirfd). */
struct file *fd_get(int fd);
struct file *fd_get_raw(int fd);
/* The current process's descriptor table, as the owner of its POSIX record locks. */
const void *fd_lock_owner(void);
/* Close fd in the current process: 0 or -EBADF. */
int fd_close(int fd);
/* Close-on-exec bit of fd: 0/1, or -EBADF; set returns 0 or -EBADF. */
int fd_get_cloexec(int fd);
int fd_set_cloexec(int fd, bool on);

/* Open /dev/console as fds 0, 1 and 2 of t (the first process). 0 or -errno. */
int fd_table_open_console(struct fd_table *t);

/* procfs: the slots of t (fds are below it), and the file at fd, borrowed
 * (NULL if free), valid until the caller sleeps. */
int fd_table_slots(struct fd_table *t);
struct file *fd_table_peek(struct fd_table *t, int fd);

/* Working directory of table t (borrowed) and replacing it (takes a ref). */
struct inode *fd_table_cwd(struct fd_table *t);
void fd_table_set_cwd(struct fd_table *t, struct inode *dir);

/* Generic I/O through f's ops with the access-mode checks read(2)/write(2)
 * make: -EBADF if f is not open for it, -EINVAL if the file cannot do it. */
long file_read(struct file *f, void *ubuf, size_t len);
long file_write(struct file *f, const void *ubuf, size_t len);

/*
 * Record locks (flock.c): fcntl's F_GETLK/F_SETLK/F_SETLKW and the F_OFD_*
 * forms on f, the file at descriptor fd, ufl the user's struct flock; owner
 * is the caller's descriptor table (POSIX locks' owner). 0 or -errno
 * (EAGAIN: held by another owner; EBADF: fd was closed while F_SETLKW
 * waited, and the lock it got is dropped again, as Linux).
 * flock_close: the owner closed a descriptor of f (its POSIX locks on the
 * file go); flock_file_release: f's last reference went (its OFD locks go).
 */
long flock_fcntl(struct file *f, int fd, const void *owner, int cmd, void *ufl);
void flock_close(const void *owner, struct file *f);
void flock_file_release(struct file *f);

/* Pipes (pipe.c): a read end and a write end; 0, -ENFILE or -ENOMEM. */
int pipe_create(struct file **rd, struct file **wr, unsigned flags);
/* Open a FIFO whose pipe is *slot (NULL: none yet; the pipe clears it when
 * it goes). May sleep for the other side (fifo(7)). A file, or ERR_PTR:
 * -ENXIO, -ERESTARTSYS, -ENFILE, -ENOMEM. */
struct pipe;
struct file *pipe_open_fifo(struct pipe **slot, unsigned flags);
/* open(2) of /proc/PID/fd/N for pipe end f: a new end of the same pipe for
 * flags' access mode (without waiting for the other side); -ENXIO if f is
 * no pipe (a socket, an eventfd...), as Linux for those. */
struct file *pipe_reopen(struct file *f, unsigned flags);
/* fcntl F_GETPIPE_SZ/F_SETPIPE_SZ on f: the ring's size, or -errno
 * (-EBADF if f is not a pipe end). */
long pipe_fcntl(struct file *f, int cmd, unsigned long arg);
/* write() from kernel memory to a pipe's write end (sendfile); -EINVAL for
 * any other file. */
long pipe_write_kernel(struct file *f, const void *kbuf, size_t len);
bool pipe_is_write_end(const struct file *f);
/* splice.c: write n bytes of kernel memory to out as write() would (a
 * socket's or a pipe's stream; more: a socket's MSG_MORE, more follows), or
 * to a file that vfs_file_kernel_io takes at *pos, which advances (sendfile
 * and splice share it). */
long splice_write_kernel(struct file *out, const void *kbuf, size_t n, long *pos, bool more);

/*
 * splice, tee and vmsplice (splice.c) on pipe ends f (pipe_is_end). Only
 * the two waits sleep: they wait (nonblock: -EAGAIN instead; a signal:
 * -ERESTARTSYS) for queued bytes (their count; 0 when no writer is left and
 * nothing is queued) or for room (its size in bytes; -EPIPE and SIGPIPE
 * when no reader is left). pipe_peek copies up to n queued bytes to kernel
 * memory without taking them, pipe_consume then drops n of them;
 * pipe_take_user takes up to len bytes into user memory as read() does but
 * never waits (0 when empty, -EFAULT), pipe_put_user queues up to len
 * bytes of user memory (as plain bytes, no packet) and never waits (0 when
 * full, -EFAULT). pipe_splice_pipe moves (keep: copies,
 * tee) up to len bytes from in's pipe to out's once both waits are over.
 */
bool pipe_is_end(const struct file *f);
bool pipe_same(const struct file *a, const struct file *b);
long pipe_wait_data(struct file *f, bool nonblock);
long pipe_wait_room(struct file *f, bool nonblock);
size_t pipe_peek(struct file *f, void *kbuf, size_t n);
void pipe_consume(struct file *f, size_t n);
long pipe_take_user(struct file *f, void *ubuf, size_t len);
long pipe_put_user(struct file *f, const void *ubuf, size_t len);
long pipe_splice_pipe(struct file *in, struct file *out, size_t len, bool nonblock, bool keep);

#endif
