/*
 * /proc/PID: one generated directory per process (zombies too), made and
 * dropped by the refresh of /proc before each lookup and listing in it,
 * with Linux's files (proc(5)) for ps, top and friends: stat, status,
 * cmdline, comm, maps, smaps, and the links exe, cwd, root and fd/N (whose
 * directory refreshes itself from the descriptor table); task/TID/{stat,
 * status,comm} for each thread (its own id, name and state: LTP's futex
 * tests watch a waiter sleep there). maps comes from
 * the page tables (SIS keeps no list of mappings): runs of pages with the
 * same rights, named only [heap], [stack] and [sigpage], with no file names
 * or offsets; smaps adds each run's page counts (vm_range_usage: resident,
 * shared or private, clean or dirty). The links' targets are
 * paths, followed as such, but for fd/N: magic links, as on Linux, whose walk
 * goes to the open file's inode (so a deleted file reopens too) and whose
 * open of a pipe makes a new end of it; readlink gives the path, or
 * "pipe:[ino]", "socket:[ino]" for objects outside the tree.
 * Also what execve records for exe and cmdline (sis/procfs.h).
 */
#include <sis/kernel.h>
#include <sis/file.h>
#include <sis/init.h>
#include <sis/log.h>
#include <sis/mm.h>
#include <sis/procfs.h>
#include <sis/timer.h>
#include <sis/vfs.h>
#include <uapi/sis/stat.h>
#include "proc_internal.h"

/* The argument strings kept for cmdline: at most a page, as Linux once did. */
#define CMDLINE_MAX 4096

struct proc_exe {
	unsigned refs;
	char *path;          /* inside data: absolute, NUL-terminated */
	size_t cmdline_len;  /* argv strings, each with its NUL, at data */
	char data[];
};

struct proc_exe *proc_exe_new(const char *path, const char *argv, int argc)
{
	size_t alen = 0, plen;
	struct proc_exe *e;
	char *real = kmalloc(PATH_MAX);
	long n;

	if (!real)
		return NULL;
	n = vfs_realpath(NULL, path, real, PATH_MAX);
	if (n < 0) /* found a moment ago; keep what the caller said */
		n = (long)strlcpy(real, path, PATH_MAX);
	plen = (size_t)n;
	for (int i = 0; i < argc; i++)
		alen += strlen(argv + alen) + 1;
	alen = MIN(alen, (size_t)CMDLINE_MAX);
	e = kmalloc(sizeof(*e) + alen + plen + 1);
	if (e) {
		e->refs = 1;
		e->cmdline_len = alen;
		memcpy(e->data, argv, alen);
		e->path = e->data + alen;
		memcpy(e->path, real, plen + 1);
	}
	kfree(real);
	return e;
}

struct proc_exe *proc_exe_get(struct proc_exe *e)
{
	if (e)
		e->refs++;
	return e;
}

void proc_exe_put(struct proc_exe *e)
{
	if (e && --e->refs == 0)
		kfree(e);
}

/* ---- the files -------------------------------------------------------------- */

/* Ticks of HZ (= USER_HZ, 100) since boot. */
static u64 boot_ticks(u64 ns)
{
	return ns / (NSEC_PER_SEC / HZ);
}

static u32 proc_euid_of(const struct proc *p)
{
	return p->cred.uid[1];
}

/* A thread's state letter: its task's (sleeping or runnable), or its
 * process's when that is stopped. */
static char thread_state_char(const struct thread *th)
{
	if (th->proc->stopped)
		return 'T';
	return th->task->state == TASK_SLEEPING ? 'S' : 'R';
}

/* The state /proc/PID shows: its leader thread's (the one whose tid is the
 * pid, as Linux's proc_tgid_stat), or the group's once that one is gone. */
static char leader_state_char(const struct proc *p)
{
	const struct thread *th;

	if (p->state == PROC_ZOMBIE)
		return 'Z';
	list_for_each_entry(th, &p->threads, group_node) {
		if (th->tid == p->pid)
			return thread_state_char(th);
	}
	return proc_state_char(p);
}

/* /proc/PID/stat, or with th /proc/PID/task/TID/stat: the thread's id,
 * name and state, the process's for the rest. */
static long stat_text(struct proc *p, const struct thread *th, char *buf, size_t size)
{
	const struct vm_space *vm = p->vm;
	int ppid = p->parent ? p->parent->pid : 0;

	/* pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt
	 * majflt cmajflt utime stime cutime cstime priority nice num_threads
	 * itrealvalue starttime vsize rss rsslim, then zeros (proc(5)). */
	return ksnprintf(buf, size,
			 "%d (%s) %c %d %d %d 0 -1 0 0 0 0 0 %lu 0 %lu 0 20 0 %d 0 %lu %lu %lu "
			 "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 %d 0 0 0 0 0 0 0 0 0 0 0 "
			 "0 0 %d\n",
			 th ? th->tid : p->pid, th && th->name[0] ? th->name : p->name,
			 th ? thread_state_char(th) : leader_state_char(p), ppid, p->pgid, p->sid,
			 (unsigned long)proc_cpu_ticks(p), (unsigned long)p->child_ticks,
			 p->nr_threads ? p->nr_threads : 1, (unsigned long)boot_ticks(p->start_ns),
			 vm ? (unsigned long)(vm->leaves * PAGE_SIZE) : 0UL,
			 vm ? (unsigned long)vm->pages : 0UL, p->exit_signal,
			 p->state == PROC_ZOMBIE ? p->wait_status : 0);
}

static long show_stat(long pid, char *buf, size_t size)
{
	struct proc *p = proc_find((int)pid);

	return p ? stat_text(p, NULL, buf, size) : -ESRCH;
}

static const char *state_name(char c)
{
	switch (c) {
	case 'R': return "R (running)";
	case 'T': return "T (stopped)";
	case 'Z': return "Z (zombie)";
	default: return "S (sleeping)";
	}
}

static long status_text(struct proc *p, const struct thread *th, char *buf, size_t size)
{
	const struct vm_space *vm = p->vm;
	const struct proc_cred *c = &p->cred;
	long n;

	n = ksnprintf(buf, size,
		      "Name:\t%s\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\n"
		      "PPid:\t%d\nTracerPid:\t0\nUid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n"
		      "FDSize:\t%d\nVmSize:\t%8lu kB\nVmLck:\t%8lu kB\nVmRSS:\t%8lu kB\n"
		      "VmData:\t%8lu kB\nVmStk:\t%8lu kB\nThreads:\t%d\n",
		      th && th->name[0] ? th->name : p->name, p->umask,
		      state_name(th ? thread_state_char(th) : leader_state_char(p)), p->pid,
		      th ? th->tid : p->pid,
		      p->parent ? p->parent->pid : 0, c->uid[0], c->uid[1], c->uid[2], c->uid[1],
		      c->gid[0], c->gid[1], c->gid[2], c->gid[1],
		      p->fds ? fd_table_slots(p->fds) : 0,
		      vm ? (unsigned long)(vm->leaves * (PAGE_SIZE / 1024)) : 0UL,
		      vm ? (unsigned long)(vm->locked * (PAGE_SIZE / 1024)) : 0UL,
		      vm ? (unsigned long)(vm->pages * (PAGE_SIZE / 1024)) : 0UL,
		      vm ? (unsigned long)((vm->data_pages - MIN(vm->stack_pages, vm->data_pages)) *
					   (PAGE_SIZE / 1024)) : 0UL,
		      vm ? (unsigned long)(vm->stack_pages * (PAGE_SIZE / 1024)) : 0UL,
		      p->nr_threads);
	return n + ksnprintf((size_t)n < size ? buf + n : NULL, (size_t)n < size ? size - (size_t)n : 0,
			     "CapInh:\t%016lx\nCapPrm:\t%016lx\nCapEff:\t%016lx\nCapBnd:\t%016lx\n"
			     "CapAmb:\t%016lx\nNoNewPrivs:\t%d\n",
			     (unsigned long)c->cap_inh, (unsigned long)c->cap_perm,
			     (unsigned long)c->cap_eff, (unsigned long)c->cap_bset,
			     (unsigned long)c->cap_amb, p->no_new_privs);
}

static long show_status(long pid, char *buf, size_t size)
{
	struct proc *p = proc_find((int)pid);

	return p ? status_text(p, NULL, buf, size) : -ESRCH;
}

/* The argument strings, NULs included (a zombie's are empty, as on Linux). */
static long show_cmdline(long pid, char *buf, size_t size)
{
	struct proc *p = proc_find((int)pid);
	size_t n;

	if (!p)
		return -ESRCH;
	if (!p->exe || p->state == PROC_ZOMBIE)
		return 0;
	n = p->exe->cmdline_len;
	memcpy(buf, p->exe->data, MIN(n, size));
	return (long)n;
}

static long show_comm(long pid, char *buf, size_t size)
{
	struct proc *p = proc_find((int)pid);

	return p ? ksnprintf(buf, size, "%s\n", p->name) : -ESRCH;
}

/* The first thread's PR_SET_TIMERSLACK value (read-only here). */
static long show_timerslack(long pid, char *buf, size_t size)
{
	struct proc *p = proc_find((int)pid);
	struct thread *t;

	if (!p || list_empty(&p->threads))
		return p ? ksnprintf(buf, size, "0\n") : -ESRCH;
	t = list_first_entry(&p->threads, struct thread, group_node);
	return ksnprintf(buf, size, "%lu\n", (unsigned long)t->timer_slack_ns);
}

static long show_exe(long pid, char *buf, size_t size)
{
	struct proc *p = proc_find((int)pid);

	if (!p || !p->exe || p->state == PROC_ZOMBIE)
		return -ENOENT;
	return ksnprintf(buf, size, "%s", p->exe->path);
}

static long show_cwd(long pid, char *buf, size_t size)
{
	struct proc *p = proc_find((int)pid);
	long n;

	if (!p || !p->fds)
		return -ENOENT;
	n = vfs_dir_path(fd_table_cwd(p->fds), buf, size);
	return n == -ERANGE ? (long)size : n;
}

static long show_root(long pid, char *buf, size_t size)
{
	return proc_find((int)pid) ? ksnprintf(buf, size, "/") : -ENOENT;
}

/* Where maps_show writes: t counts what does not fit too, so show() is run
 * again with a buffer that does. */
struct maps_out {
	struct ktext t;
	struct vm_space *vm;
	bool smaps; /* each range followed by its page counts (/proc/PID/smaps) */
};

/* /proc/PID/smaps's fields for one range, as Linux prints them (kB). */
static void smaps_fields(struct maps_out *o, u64 start, u64 end, unsigned rights)
{
	struct vm_usage u;

	vm_range_usage(o->vm, start, end, &u);
	ktext_printf(&o->t, "Size:           %8lu kB\nKernelPageSize: %8lu kB\n"
		     "MMUPageSize:    %8lu kB\nRss:            %8lu kB\nPss:            %8lu kB\n",
		     (unsigned long)(end - start) >> 10, PAGE_SIZE >> 10, PAGE_SIZE >> 10,
		     (unsigned long)u.rss >> 10, (unsigned long)u.pss >> 10);
	ktext_printf(&o->t, "Shared_Clean:   %8lu kB\nShared_Dirty:   %8lu kB\n"
		     "Private_Clean:  %8lu kB\nPrivate_Dirty:  %8lu kB\nReferenced:     %8lu kB\n"
		     "Anonymous:      %8lu kB\n",
		     (unsigned long)u.shared_clean >> 10, (unsigned long)u.shared_dirty >> 10,
		     (unsigned long)u.private_clean >> 10, (unsigned long)u.private_dirty >> 10,
		     (unsigned long)u.rss >> 10, (unsigned long)u.anonymous >> 10);
	ktext_printf(&o->t, "LazyFree:              0 kB\nAnonHugePages:         0 kB\n"
		     "ShmemPmdMapped:        0 kB\nFilePmdMapped:         0 kB\n"
		     "Shared_Hugetlb:        0 kB\nPrivate_Hugetlb:       0 kB\n"
		     "Swap:                  0 kB\nSwapPss:               0 kB\n"
		     "Locked:                0 kB\nTHPeligible:    0\nVmFlags:%s%s%s%s\n",
		     rights & VM_READ ? " rd" : "", rights & VM_WRITE ? " wr" : "",
		     rights & VM_EXEC ? " ex" : "", rights & VM_SHARED ? " sh" : "");
}

static int maps_line(void *arg, u64 start, u64 end, unsigned rights)
{
	struct maps_out *o = arg;
	const struct vm_space *vm = o->vm;
	u64 stack_top = vm->stack_top ? vm->stack_top : VM_STACK_TOP; /* ASLR moves it */
	const char *name = "";

	if (start <= stack_top - 1 && stack_top - 1 < end)
		name = "[stack]";
	else if (start == VM_TRAMPOLINE)
		name = "[sigpage]";
	else if (vm->brk > vm->brk_start && start < vm->brk && vm->brk_start < end)
		name = "[heap]";
	ktext_printf(&o->t, "%08lx-%08lx %c%c%c%c 00000000 00:00 0%s%s\n", (unsigned long)start,
		     (unsigned long)end, rights & VM_READ ? 'r' : '-', rights & VM_WRITE ? 'w' : '-',
		     rights & VM_EXEC ? 'x' : '-', rights & VM_SHARED ? 's' : 'p',
		     *name ? "                          " : "", name);
	if (o->smaps)
		smaps_fields(o, start, end, rights);
	return 0;
}

static long show_ranges(long pid, char *buf, size_t size, bool smaps)
{
	struct proc *p = proc_find((int)pid);
	struct maps_out o = { .t = { buf, size, 0 }, .smaps = smaps };

	if (!p)
		return -ESRCH;
	if (!p->vm)
		return 0;
	o.vm = p->vm;
	vm_for_each_range(p->vm, maps_line, &o);
	return (long)o.t.len;
}

static long show_maps(long pid, char *buf, size_t size)
{
	return show_ranges(pid, buf, size, false);
}

static long show_smaps(long pid, char *buf, size_t size)
{
	return show_ranges(pid, buf, size, true);
}

/* ---- /proc/PID/fd ---------------------------------------------------------------- */

/* A link's argument: the pid and the descriptor. */
#define FD_ARG(pid, fd) ((long)(pid) * FD_MAX + (fd))

/* What a descriptor's link says: the file's path, or Linux's names for
 * objects outside the tree. */
static long show_fd(long arg, char *buf, size_t size)
{
	struct proc *p = proc_find((int)(arg / FD_MAX));
	struct file *f = p && p->fds ? fd_table_peek(p->fds, (int)(arg % FD_MAX)) : NULL;
	struct linux_stat st;
	long n;

	if (!f)
		return -ENOENT;
	if (f->inode && !S_ISFIFO(f->inode->mode)) {
		n = vfs_inode_path(f->inode, buf, size);
		if (n == -ENOENT)
			return ksnprintf(buf, size, "/ (deleted)");
		return n == -ERANGE ? (long)size : n;
	}
	if (!f->ops->fstat || f->ops->fstat(f, &st))
		return ksnprintf(buf, size, "anon_inode:[unknown]");
	if (S_ISFIFO(st.st_mode))
		return ksnprintf(buf, size, "pipe:[%lu]", (unsigned long)st.st_ino);
	if (S_ISSOCK(st.st_mode))
		return ksnprintf(buf, size, "socket:[%lu]", (unsigned long)st.st_ino);
	return ksnprintf(buf, size, "anon_inode:[unknown]");
}

/*
 * Where a walk through /proc/PID/fd/N goes: the open file itself (a magic
 * link). Like Linux's proc_fd_access_allowed, only root or a caller whose
 * effective uid is each of the process's uids may go through.
 */
static struct file *resolve_fd(long arg)
{
	struct proc *p = proc_find((int)(arg / FD_MAX));
	u32 euid = proc_euid();

	if (!p || !p->fds)
		return NULL;
	if (euid != 0 && (p->cred.uid[0] != euid || p->cred.uid[1] != euid || p->cred.uid[2] != euid))
		return ERR_PTR(-EACCES);
	return fd_table_peek(p->fds, (int)(arg % FD_MAX));
}

static u64 refresh_stamp; /* marks the entries one refresh saw */

static bool seen_now(const char *name, struct inode *ino)
{
	(void)name;
	return ino->gen_seen == refresh_stamp;
}

/* The links of /proc/PID/fd: one per open descriptor, made or kept. */
static void fd_dir_refresh(struct inode *dir)
{
	struct proc *p = proc_find((int)dir->gen_arg);
	int slots = p && p->fds ? fd_table_slots(p->fds) : 0;
	u64 stamp = ++refresh_stamp;

	for (int fd = 0; fd < slots; fd++) {
		struct inode *link;
		char name[12];

		if (!fd_table_peek(p->fds, fd))
			continue;
		ksnprintf(name, sizeof(name), "%d", fd);
		link = vfs_gen_find(dir, name);
		if (!link && vfs_gen_magic_link(dir, name, show_fd, resolve_fd, FD_ARG(p->pid, fd)) == 0)
			link = vfs_gen_find(dir, name);
		if (link)
			link->gen_seen = stamp;
	}
	vfs_gen_prune(dir, seen_now);
}

/* ---- /proc/PID/task ------------------------------------------------------------ */

static long show_task_stat(long tid, char *buf, size_t size)
{
	struct thread *th = thread_find((int)tid);

	return th ? stat_text(th->proc, th, buf, size) : -ESRCH;
}

static long show_task_status(long tid, char *buf, size_t size)
{
	struct thread *th = thread_find((int)tid);

	return th ? status_text(th->proc, th, buf, size) : -ESRCH;
}

static long show_task_comm(long tid, char *buf, size_t size)
{
	struct thread *th = thread_find((int)tid);

	if (!th)
		return -ESRCH;
	return ksnprintf(buf, size, "%s\n", th->name[0] ? th->name : th->proc->name);
}

static const struct {
	const char *name;
	long (*show)(long tid, char *buf, size_t size);
} task_entries[] = {
	{ "stat", show_task_stat },
	{ "status", show_task_status },
	{ "comm", show_task_comm },
};

/* /proc/PID/task/TID for thread th of p, with its files. */
static void task_dir_make(struct inode *task_dir, const struct proc *p, const struct thread *th,
			  const char *name)
{
	struct inode *dir = vfs_gen_dir(task_dir, name, NULL, th->tid);
	int err = 0;

	if (IS_ERR(dir))
		return; /* out of memory: missing until the next refresh */
	dir->uid = proc_euid_of(p);
	dir->gid = p->cred.gid[1];
	for (size_t i = 0; !err && i < ARRAY_SIZE(task_entries); i++)
		err = vfs_gen_file(dir, task_entries[i].name, task_entries[i].show, th->tid);
	if (err)
		vfs_gen_remove(task_dir, name);
	else
		dir->gen_seen = refresh_stamp;
}

/* The directories of /proc/PID/task: one per live thread of the process. */
static void task_dir_refresh(struct inode *task_dir)
{
	struct proc *p = proc_find((int)task_dir->gen_arg);
	const struct thread *th;

	++refresh_stamp;
	if (p && p->state == PROC_ALIVE) {
		list_for_each_entry(th, &p->threads, group_node) {
			struct inode *dir;
			char name[12];

			ksnprintf(name, sizeof(name), "%d", th->tid);
			dir = vfs_gen_find(task_dir, name);
			if (dir)
				dir->gen_seen = refresh_stamp;
			else
				task_dir_make(task_dir, p, th, name);
		}
	}
	vfs_gen_prune(task_dir, seen_now);
}

/* ---- /proc ------------------------------------------------------------------------ */

static const struct {
	const char *name;
	long (*show)(long pid, char *buf, size_t size);
	bool link;
} pid_entries[] = {
	{ "stat", show_stat, false },
	{ "status", show_status, false },
	{ "cmdline", show_cmdline, false },
	{ "comm", show_comm, false },
	{ "timerslack_ns", show_timerslack, false },
	{ "maps", show_maps, false },
	{ "smaps", show_smaps, false },
	{ "exe", show_exe, true },
	{ "cwd", show_cwd, true },
	{ "root", show_root, true },
};

/* Make /proc/PID for p (its directory is owned by its effective user, and
 * its argument is p's start time, which tells a reused pid apart). */
static struct inode *pid_dir_make(struct inode *proc_dir, struct proc *p, const char *name)
{
	struct inode *dir = vfs_gen_dir(proc_dir, name, NULL, (long)p->start_ns);
	struct inode *fd_dir, *task_dir;
	int err = 0;

	if (IS_ERR(dir))
		return dir;
	dir->uid = proc_euid_of(p);
	dir->gid = p->cred.gid[1];
	for (size_t i = 0; !err && i < ARRAY_SIZE(pid_entries); i++)
		err = (pid_entries[i].link ? vfs_gen_link : vfs_gen_file)(
			dir, pid_entries[i].name, pid_entries[i].show, p->pid);
	fd_dir = err ? NULL : vfs_gen_dir(dir, "fd", fd_dir_refresh, p->pid);
	if (!err && IS_ERR(fd_dir))
		err = (int)PTR_ERR(fd_dir);
	task_dir = err ? NULL : vfs_gen_dir(dir, "task", task_dir_refresh, p->pid);
	if (!err && IS_ERR(task_dir))
		err = (int)PTR_ERR(task_dir);
	if (err) {
		vfs_gen_remove(proc_dir, name);
		return ERR_PTR(err);
	}
	return dir;
}

static bool is_pid_name(const char *name)
{
	if (!*name)
		return false;
	for (; *name; name++)
		if (*name < '0' || *name > '9')
			return false;
	return true;
}

/* Keep /proc's own files, and the directories of processes still there. */
static bool keep_proc_entry(const char *name, struct inode *ino)
{
	return !is_pid_name(name) || ino->gen_seen == refresh_stamp;
}

/* /proc before a lookup or listing: a directory for each process, none
 * for a process that is gone (a pid used again gets a fresh one). */
static void proc_dir_refresh(struct inode *proc_dir)
{
	u64 stamp = ++refresh_stamp;
	struct proc *p;

	list_for_each_entry(p, &proc_list, all_node) {
		struct inode *dir;
		char name[12];

		ksnprintf(name, sizeof(name), "%d", p->pid);
		dir = vfs_gen_find(proc_dir, name);
		if (dir && dir->gen_arg == (long)p->start_ns) {
			dir->gen_seen = stamp;
			dir->uid = proc_euid_of(p); /* setuid moves it, as on Linux */
			continue;
		}
		if (dir)
			vfs_gen_remove(proc_dir, name); /* an earlier process with this pid */
		dir = pid_dir_make(proc_dir, p, name);
		if (IS_ERR(dir))
			continue; /* out of memory: it is missing until next time */
		dir->gen_seen = stamp;
	}
	vfs_gen_prune(proc_dir, keep_proc_entry);
}

static int procfs_pid_init(void)
{
	int err = vfs_set_refresh("/proc", proc_dir_refresh);

	if (err)
		log_warn("procfs: no /proc/PID directories: %d", err);
	return err;
}
INITCALL(INIT_LATE, procfs_pid_init);
