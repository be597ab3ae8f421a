/*
 * The virtual file system: one in-memory tree (a ramfs) filled at boot from
 * the initial ramdisk (cpio newc at boot_dt.initrd), plus character devices
 * (/dev/console, /dev/null, /dev/zero, /dev/tty), generated read-only
 * files and links (/proc/...), symbolic and hard links, FIFOs and the names
 * of bound AF_UNIX sockets. Owners and modes are kept (fs_syscalls.c) and
 * checked as Linux does (vfs_perm.c). No mount points.
 *
 * Paths: absolute, or relative to the current process's working directory
 * (kept in its fd_table; "/" in kernel-only context). "." and ".." work, ".."
 * of "/" is "/". Components longer than NAME_MAX give -ENAMETOOLONG, paths
 * longer than PATH_MAX (with the NUL) too. Symbolic links are followed
 * inside a path, and in its last component unless the call says not to (a
 * trailing '/' always follows); more than VFS_SYMLOOP_MAX links in one
 * lookup give -ELOOP, an expansion past PATH_MAX -ENAMETOOLONG.
 *
 * A removed directory (its cwd or an open descriptor keeps it) refuses new
 * entries with -ENOENT and lists as -ENOENT, as on Linux. Inodes, names and
 * file contents together use at most half of RAM and leave a reserve free
 * (-ENOSPC past either, like a full tmpfs); a file's contents are one heap
 * block, so files are at most about 4 MiB (-EFBIG).
 *
 * Everything here runs in process or boot context (never IRQ) and never
 * sleeps: the kernel is uniprocessor and not preempted, so no locks.
 * Errors are -errno (Linux values); pointer returns use ERR_PTR.
 */
#ifndef SIS_VFS_H
#define SIS_VFS_H

#include <sis/types.h>
#include <sis/list.h>

#define PATH_MAX 4096
#define NAME_MAX 255
#define VFS_SYMLOOP_MAX 40 /* Linux's MAXSYMLINKS */

struct file;
struct file_ops;
struct linux_stat;
struct vfs_dirent;
struct pipe;

/* One file-system object. Reference counted: lookups, open files and
 * working directories hold references; the object goes away when the last
 * reference and the last directory entry naming it are both gone. */
struct inode {
	u64 ino;
	u32 mode;      /* S_IF* type and permission bits */
	u32 nlink;     /* directory entries naming it (0 once unlinked) */
	u32 refs;      /* vfs_inode_get/put */
	u32 uid, gid;  /* owner: the creator's effective ids, then fchownat's */
	u32 writers;   /* regular file: open files that may write it (leases) */
	bool linkable; /* O_TMPFILE without O_EXCL, never linked yet: linkat may name it */
	u64 rdev;      /* character devices: SIS_MKDEV(major, minor) */
	/* Access, modification and status change, CLOCK_REALTIME in ns. */
	s64 atime_ns, mtime_ns, ctime_ns;
	struct list_head aliases; /* struct vfs_dirent.alias_node: the names of it */
	union {
		struct {              /* S_IFREG */
			char *data;        /* kmalloc'ed contents, or NULL */
			const char *ro;    /* contents inside the initrd until first written */
			size_t size;
			size_t cap;        /* bytes allocated at data */
			struct filemap *filemap; /* MAP_SHARED pages (vfs_filemap.c), or NULL */
		} reg;
		struct {              /* S_IFDIR */
			struct list_head entries; /* struct vfs_dirent.node, in creation order */
			struct inode *parent;     /* ".."; the root is its own parent */
			struct vfs_dirent *self;  /* its name in parent; NULL once removed, root */
			u64 next_cookie;          /* getdents64 offset of the next entry made */
			/* A generated directory (/proc): brings its entries up to
			 * date before each lookup in it and each getdents64. */
			void (*refresh)(struct inode *dir);
			bool generated;           /* made by vfs_gen_dir: users add nothing */
		} dir;
		struct {              /* S_IFCHR */
			const struct file_ops *fops;
		} chr;
		struct {              /* S_IFLNK, unless generated (gen_arg_show) */
			char *target;      /* kmalloc'ed, NUL-terminated */
			size_t len;
			/* A generated magic link (vfs_gen_magic_link): the
			 * open file it stands for, or NULL. */
			struct file *(*resolve)(long arg);
		} link;
		struct {              /* S_IFIFO */
			struct pipe *pipe; /* while some end is open (pipe.c clears it) */
		} fifo;
		struct {              /* S_IFSOCK */
			void *sk;          /* the bound socket, or NULL once it closed */
		} sock;
	};
	/* Generated file (S_IFREG with gen != NULL): contents made at open. */
	long (*gen)(char *buf, size_t size);
	/* Generated with an argument (a pid, a descriptor): a regular file's
	 * contents made at open, or a symbolic link's target made at each use.
	 * Returns the length needed, like gen. */
	long (*gen_arg_show)(long arg, char *buf, size_t size);
	long gen_arg;
	union {
		u64 gen_seen; /* a generated directory's refresh marks what it still saw */
		/* A writable generated file (vfs_add_sysctl): takes what a
		 * write(2) brought, NUL-terminated. 0 or -errno. */
		int (*gen_store)(const char *text);
	};
};

/* Generated contents (fixed by the kernel, read-only). */
static inline bool vfs_inode_generated(const struct inode *ino)
{
	return ino->gen || ino->gen_arg_show;
}

/*
 * Permission checks (vfs_perm.c, Linux's rules: see there). mask is MAY_*;
 * 0 or -EACCES (-EPERM for the sticky-directory rule). vfs_perm_real(true)
 * makes them use the real ids until vfs_perm_real(false) (access(2)).
 */
#define MAY_EXEC 1
#define MAY_WRITE 2
#define MAY_READ 4
int vfs_permission(const struct inode *ino, int mask);
int vfs_may_create(const struct inode *dir);
int vfs_may_delete(const struct inode *dir, const struct inode *victim);
void vfs_perm_real(bool on);

/* Look up path (relative to the cwd), following symbolic links; returns a
 * referenced inode or ERR_PTR. */
struct inode *vfs_lookup(const char *path);
void vfs_inode_get(struct inode *ino);
void vfs_inode_put(struct inode *ino);

/*
 * Kernel API for other subsystems.
 * vfs_read_whole: the contents of the regular file at path in a kmalloc'ed
 *   buffer (*data, to kfree; one extra NUL byte follows the data) of *len
 *   bytes. -ENOENT, -EISDIR, -EACCES (not a regular file), -ENOMEM.
 * vfs_write_whole: create or truncate path and write data to it (its parent
 *   directory must exist). 0 or -errno.
 * vfs_open_kernel: open path with O_* flags (uapi/sis/fcntl.h) as open(2)
 *   would; returns a file (file_put it) or ERR_PTR. kernel_read/kernel_write
 *   then move bytes between it and kernel memory at its position (regular
 *   files only, else -EINVAL; -EBADF if not opened for that direction).
 */
int vfs_read_whole(const char *path, void **data, size_t *len);
int vfs_write_whole(const char *path, const void *data, size_t len);
struct file *vfs_open_kernel(const char *path, unsigned flags);
long kernel_read(struct file *f, void *buf, size_t len);
long kernel_write(struct file *f, const void *buf, size_t len);
/* Read or write at off without moving f->pos (sendfile, splice): regular
 * files, generated ones (a sysctl's store for writing: the whole text at
 * once), /dev/null and /dev/zero; -EINVAL for any other file, which
 * vfs_file_kernel_io tells beforehand. No access-mode checks. */
long kernel_pread(struct file *f, void *buf, size_t len, long off);
long kernel_pwrite(struct file *f, const void *buf, size_t len, long off);
bool vfs_file_kernel_io(const struct file *f, bool writing);
/* Is f an open regular ramfs file (the files kernel_read/kernel_pread take)? */
bool vfs_file_is_regular(const struct file *f);

/*
 * A generated read-only file at path (missing parent directories are
 * created): each open calls show(buf, size), which writes at most size bytes
 * and returns the length the whole text needs (like snprintf); if that is
 * size or more, the VFS calls it again with a larger buffer. show runs in
 * process context and may take locks such as net_lock(). 0 or -errno
 * (-EEXIST if path exists).
 */
int vfs_add_generated(const char *path, long (*show)(char *buf, size_t size));

/* The same, writable by root (mode 0644), as a sysctl under /proc/sys:
 * each write(2) of up to 63 bytes hands store() the text. */
int vfs_add_sysctl(const char *path, long (*show)(char *buf, size_t size),
		   int (*store)(const char *text));

/* A sysctl's number: decimal digits, blanks around; -EINVAL past max. */
int vfs_sysctl_parse(const char *text, unsigned long max, unsigned long *out);

/* A character device node at path (parents created) using fops; its
 * number is registered, so that a node mknod makes with it opens fops too.
 * vfs_add_chardev_node makes one without registering (a pty's slave, one
 * of many). vfs_chrdev_fops: the registered driver of rdev, or NULL. */
int vfs_add_chardev(const char *path, const struct file_ops *fops, u64 rdev);
int vfs_add_chardev_node(const char *path, const struct file_ops *fops, u64 rdev);
const struct file_ops *vfs_chrdev_fops(u64 rdev);
/* Register fops for every number of major that has no driver of its own
 * (a node mknod makes opens fops). 0 or -ENOSPC. */
int vfs_add_chrdev_major(unsigned major, const struct file_ops *fops);
/* The inode named name in a directory that names ino, or NULL (not referenced). */
struct inode *vfs_sibling(const struct inode *ino, const char *name);

/*
 * Generated trees (procfs): names made and dropped by the kernel under a
 * directory, each with a show(arg, buf, size) like vfs_add_generated's.
 * vfs_gen_dir returns the new directory (not referenced: its name holds it)
 * or ERR_PTR; refresh (or NULL) runs before each lookup and listing in it.
 * vfs_gen_remove drops name and everything below it (a loop, no recursion);
 * open files and working directories inside keep their inodes. -ENOENT if
 * name does not exist. vfs_gen_prune drops every entry of dir for which
 * keep() says false. vfs_set_refresh gives the directory at path a refresh.
 */
struct inode *vfs_gen_dir(struct inode *dir, const char *name, void (*refresh)(struct inode *),
			  long arg);
int vfs_gen_file(struct inode *dir, const char *name, long (*show)(long, char *, size_t),
		 long arg);
int vfs_gen_link(struct inode *dir, const char *name, long (*show)(long, char *, size_t),
		 long arg);
/* A magic link (/proc/PID/fd/N): readlink says show's text, but a walk
 * through it goes to the inode of the open file resolve(arg) returns (not
 * referenced; NULL: gone, -ENOENT; or ERR_PTR), and opening it opens that inode anew,
 * or for a file without one (a pipe) vfs_open_at reopens the file itself. */
int vfs_gen_magic_link(struct inode *dir, const char *name, long (*show)(long, char *, size_t),
		       struct file *(*resolve)(long arg), long arg);
struct inode *vfs_gen_find(struct inode *dir, const char *name);
int vfs_gen_remove(struct inode *dir, const char *name);
void vfs_gen_prune(struct inode *dir, bool (*keep)(const char *name, struct inode *ino));
int vfs_set_refresh(const char *path, void (*refresh)(struct inode *));

/*
 * The operations behind the file-system system calls (fs_syscalls.c). base
 * is the directory relative paths start from (NULL: the cwd). Flags are
 * uapi O_* / AT_* values; modes are permission bits.
 */
struct file *vfs_open_at(struct inode *base, const char *path, unsigned flags, u32 mode);
int vfs_mkdir_at(struct inode *base, const char *path, u32 mode);
int vfs_unlink_at(struct inode *base, const char *path, bool rmdir);
/* rename(2): replaces an existing target of a compatible type (an empty
 * directory for a directory); a directory cannot move into itself. flags:
 * VFS_RENAME_NOREPLACE (renameat2's RENAME_NOREPLACE: -EEXIST instead),
 * VFS_RENAME_EXCHANGE (swap the two existing names, -ENOENT otherwise). */
#define VFS_RENAME_NOREPLACE 1u
#define VFS_RENAME_EXCHANGE 2u
int vfs_rename_at(struct inode *obase, const char *opath, struct inode *nbase, const char *npath,
		  unsigned flags);
struct inode *vfs_lookup_at(struct inode *base, const char *path);
/* The same for open(2): a path ending at a magic link to a file without an
 * inode gives ERR_PTR(-ENXIO) with that file in *magic (referenced). */
struct inode *vfs_lookup_open(struct inode *base, const char *path, bool follow,
			      struct file **magic);
/* Same, not following a symbolic link in the last component (lstat). */
struct inode *vfs_lookup_nofollow(struct inode *base, const char *path);
/* symlink(2): a link at path whose target is the string target. */
int vfs_symlink_at(struct inode *base, const char *path, const char *target);
/* link(2): a new name at path for the non-directory ino (-EPERM for a
 * directory, -EEXIST if path exists, -EXDEV for a generated file). */
int vfs_link_at(struct inode *ino, struct inode *base, const char *path);
/* O_TMPFILE: a new regular file of mode in directory dir, named nowhere
 * (nlink 0), referenced; linkat may give it a name once unless excl.
 * ERR_PTR -ENOTDIR, -EOPNOTSUPP (/proc), -ENOENT (a removed directory),
 * the permission's -EACCES, -ENOSPC. */
struct inode *vfs_tmpfile(struct inode *dir, u32 mode, bool excl);
/* fn(dir, arg) for each directory with a name of ino. */
void vfs_for_each_parent(const struct inode *ino, void (*fn)(const struct inode *dir, u32 arg),
			 u32 arg);
/* dnotify (dnotify.c): DN_* events of directory dir's names (create,
 * delete, rename), and of ino's contents or attributes (to ino if it is a
 * watched directory, and to the directories naming it). */
void dnotify_dir_event(const struct inode *dir, u32 mask);
void dnotify_inode_event(const struct inode *ino, u32 mask);
/* readlink(2) of ino: the target (not NUL-terminated) in buf, truncated to
 * size; its length, or -EINVAL if ino is not a symbolic link. */
long vfs_readlink(struct inode *ino, char *buf, size_t size);
/* mknod(2): a FIFO, socket or regular file at path (mode has the type). */
int vfs_mknod_at(struct inode *base, const char *path, u32 mode, u64 rdev);
/* The absolute path of what path names, links followed ("/a/b"), in buf:
 * its length, or -errno (-ERANGE if it does not fit). */
long vfs_realpath(struct inode *base, const char *path, char *buf, size_t size);
/* The file is going (file_destroy): its inode's count of writers. */
void vfs_file_release(struct file *f);
/* Open an inode already looked up (used by open and by the kernel API). */
struct file *vfs_open_inode(struct inode *ino, unsigned flags);
void vfs_stat_inode(const struct inode *ino, struct linux_stat *st);
/* Write the absolute path of directory dir into buf (size bytes): length
 * without the NUL, or -ERANGE. */
long vfs_dir_path(struct inode *dir, char *buf, size_t size);
/* The same for any inode, through one of its names (-ENOENT: none left). */
long vfs_inode_path(struct inode *ino, char *buf, size_t size);
/* Truncate or extend a regular file to size bytes (zero-filled). */
int vfs_truncate(struct inode *ino, size_t size);
/* CLOCK_REALTIME now, in ns: the clock of inode times. */
s64 vfs_now(void);
/* The inode's status changed (owner, mode, links): ctime = now. */
void vfs_touch_ctime(struct inode *ino);

/*
 * Names of AF_UNIX sockets (src/net/sock_unix.c), relative to the cwd.
 * vfs_sock_bind makes an S_IFSOCK node at path pointing at sk and returns
 * it referenced (the socket keeps it until vfs_sock_unbind); -EADDRINUSE
 * if path exists, -ENOENT/-ENOTDIR for a bad directory part.
 * vfs_sock_lookup: the socket bound at path, or NULL with *err -ENOENT
 * (no such path), -EACCES (no write permission on the node for a non-root
 * caller) or -ECONNREFUSED (not a socket, or its socket closed).
 */
struct inode *vfs_sock_bind(const char *path, u32 mode, void *sk);
void vfs_sock_unbind(struct inode *ino);
void *vfs_sock_lookup(const char *path, int *err);

/* The root directory (never freed) and the current working directory
 * (from the current process's fd_table; the root outside any process). */
struct inode *vfs_root(void);
struct inode *vfs_cwd(void);

/* The inode behind an open file, or NULL (pipes, sockets). */
struct inode *file_inode(struct file *f);
/* The bytes of regular file ino (*size of them), for mmap to copy; valid
 * until the file is next written, truncated or freed (so: no sleeping while
 * using them). NULL if ino is no plain regular file (a directory, a device,
 * a generated /proc file). */
const void *vfs_reg_peek(struct inode *ino, size_t *size);

/*
 * File mappings (vfs_filemap.c). filemap_map maps the file pages
 * [off, off+len) of regular file ino at va in vm with prot (page aligned):
 * MAP_SHARED with VM_SHARED in prot (writable: the mapping may be made
 * writable, so the pages may become newer than the contents), else
 * MAP_PRIVATE, copy-on-write of the same pages (vm_map_pages). Errors as vm_map_pages, -ENOMEM, -ENOSPC (writing
 * back). filemap_sync copies newer pages back into ino's contents,
 * filemap_sync_all those of every file (msync). 0 or -errno.
 */
struct vm_space;
int filemap_map(struct vm_space *vm, u64 va, size_t len, unsigned prot, struct inode *ino,
		u64 off, bool writable);
int filemap_sync(struct inode *ino);
int filemap_sync_all(void);
/* Pages the file mappings' cache holds, and of those the ones nothing maps
 * (given back when memory runs out): /proc/meminfo's Cached, MemAvailable. */
void filemap_stats(size_t *cached, size_t *unmapped);

/* Unpack a cpio newc archive into the tree (boot); 0 or -EINVAL/-ENOMEM.
 * Exposed for the in-kernel self-test. */
int vfs_unpack_cpio(const void *buf, size_t len);

#endif
