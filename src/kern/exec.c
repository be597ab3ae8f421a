/*
 * execve() and the first process.
 *
 * The new address space is built completely (segments, stack with
 * arguments, trampoline) before the old one is dropped, so every failure
 * returns an error to the caller, whose image is untouched. The initial
 * stack follows Linux's layout, which a C runtime's _start expects:
 *
 *   sp -> argc, argv[0..argc-1], NULL, envp[...], NULL, auxv pairs, AT_NULL
 *         ... argument and environment strings, the program path,
 *         16 random bytes (AT_RANDOM) ... VM_STACK_TOP
 */
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/arch.h>
#include <sis/init.h>
#include <sis/cmdline.h>
#include <sis/elf.h>
#include <sis/file.h>
#include <sis/vfs.h>
#include <sis/random.h>
#include <sis/syscall.h>
#include <sis/uaccess.h>
#include <sis/procfs.h>
#include "proc_internal.h"

#define EXEC_ARG_MAX (64UL << 10) /* bytes of argument + environment strings */
#define EXEC_ARGC_MAX 1024        /* entries in argv, and in envp */

/* Auxiliary vector types (Linux include/uapi/linux/auxvec.h). */
#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_BASE 7
#define AT_FLAGS 8
#define AT_ENTRY 9
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_EXECFN 31
#define HWCAP_FP (1UL << 0)
#define HWCAP_ASIMD (1UL << 1)
#define AUXV_PAIRS 18 /* entries written below, AT_NULL included */

/* Argument and environment strings, copied into the kernel. */
struct exec_args {
	char *buf;   /* argc strings, then envc strings, each NUL-terminated */
	size_t used;
	int argc, envc;
};

static int args_init(struct exec_args *a)
{
	a->buf = kmalloc(EXEC_ARG_MAX);
	a->used = 0;
	a->argc = a->envc = 0;
	return a->buf ? 0 : -ENOMEM;
}

static void args_free(struct exec_args *a)
{
	kfree(a->buf);
	a->buf = NULL;
}

static int args_add_kernel(struct exec_args *a, const char *s, int *count)
{
	size_t n = strlen(s) + 1;

	if (*count >= EXEC_ARGC_MAX || n > EXEC_ARG_MAX - a->used)
		return -E2BIG;
	memcpy(a->buf + a->used, s, n);
	a->used += n;
	(*count)++;
	return 0;
}

/* Append the strings of a NULL-terminated user array (NULL array: none). */
static int args_add_user(struct exec_args *a, const char *const *uvec, int *count)
{
	if (!uvec)
		return 0;
	for (int i = 0;; i++) {
		const char *us;
		long n;

		if (copy_from_user(&us, &uvec[i], sizeof(us)))
			return -EFAULT;
		if (!us)
			return 0;
		if (*count >= EXEC_ARGC_MAX)
			return -E2BIG;
		n = strncpy_from_user(a->buf + a->used, us, EXEC_ARG_MAX - a->used);
		if (n == -ENAMETOOLONG)
			return -E2BIG;
		if (n < 0)
			return (int)n;
		a->used += (size_t)n + 1;
		(*count)++;
	}
}

/* Map every page of each segment (pages shared by segments once) and copy
 * its file bytes; the rest stays zero. */
static int load_segments(struct vm_space *vm, const struct elf_image *img, const u8 *file)
{
	for (int i = 0; i < img->nsegs; i++) {
		const struct elf_segment *s = &img->seg[i];
		u64 start = ALIGN_DOWN(s->vaddr, PAGE_SIZE);
		u64 end = ALIGN_UP(s->vaddr + s->memsz, PAGE_SIZE);
		int err;

		for (u64 a = start; a < end; a += PAGE_SIZE) {
			if (vm_range_free(vm, a, PAGE_SIZE)) {
				err = vm_map_zero(vm, a, PAGE_SIZE, s->prot);
				if (err)
					return err;
			}
		}
		err = vm_write(vm, s->vaddr, file + s->offset, s->filesz);
		if (err)
			return err;
		if (s->prot & VM_EXEC)
			vm_sync_icache(vm, s->vaddr, s->memsz);
	}
	return 0;
}

struct stack_builder {
	struct vm_space *vm;
	u64 sp;
};

static int push_bytes(struct stack_builder *b, const void *data, size_t n, u64 *where)
{
	b->sp -= n;
	*where = b->sp;
	return vm_write(b->vm, b->sp, data, n);
}

static void put_aux(u64 *v, int *i, u64 type, u64 val)
{
	v[(*i)++] = type;
	v[(*i)++] = val;
}

/* The pointer block: argc, argv, NULL, envp, NULL, auxv. */
static int push_vectors(struct stack_builder *b, const struct exec_args *a, u64 strings,
			const struct elf_image *img, u64 random, u64 execfn)
{
	size_t words = 1 + (size_t)a->argc + 1 + (size_t)a->envc + 1 + 2 * AUXV_PAIRS;
	u64 *v = kmalloc(words * sizeof(u64));
	u64 str = strings;
	int i = 0, err;

	if (!v)
		return -ENOMEM;
	v[i++] = (u64)a->argc;
	for (int n = 0; n < a->argc + a->envc; n++) {
		if (n == a->argc)
			v[i++] = 0; /* end of argv */
		v[i++] = str;
		str += strlen(a->buf + (str - strings)) + 1;
	}
	if (!a->envc)
		v[i++] = 0; /* end of argv: no envp entry put it there */
	v[i++] = 0;     /* end of envp */
	put_aux(v, &i, AT_PHDR, img->phdr_vaddr);
	put_aux(v, &i, AT_PHENT, sizeof(Elf64_Phdr));
	put_aux(v, &i, AT_PHNUM, img->phnum);
	put_aux(v, &i, AT_PAGESZ, PAGE_SIZE);
	put_aux(v, &i, AT_BASE, 0);
	put_aux(v, &i, AT_FLAGS, 0);
	put_aux(v, &i, AT_ENTRY, img->entry);
	put_aux(v, &i, AT_UID, 0);
	put_aux(v, &i, AT_EUID, 0);
	put_aux(v, &i, AT_GID, 0);
	put_aux(v, &i, AT_EGID, 0);
	put_aux(v, &i, AT_SECURE, 0);
	put_aux(v, &i, AT_HWCAP, HWCAP_FP | HWCAP_ASIMD);
	put_aux(v, &i, AT_CLKTCK, HZ);
	put_aux(v, &i, AT_RANDOM, random);
	put_aux(v, &i, AT_EXECFN, execfn);
	put_aux(v, &i, AT_NULL, 0);
	BUG_ON((size_t)i > words);
	b->sp = ALIGN_DOWN(b->sp - (size_t)i * sizeof(u64), 16);
	err = vm_write(b->vm, b->sp, v, (size_t)i * sizeof(u64));
	kfree(v);
	return err;
}

static int build_stack(struct vm_space *vm, const struct exec_args *a, const char *path,
		       const struct elf_image *img, u64 *sp)
{
	struct stack_builder b = { vm, VM_STACK_TOP };
	u64 random, execfn, strings;
	u8 seed[16];
	int err;

	err = vm_map_zero(vm, VM_STACK_TOP - VM_STACK_SIZE, VM_STACK_SIZE, VM_READ | VM_WRITE);
	if (err)
		return err;
	random_get_bytes(seed, sizeof(seed));
	err = push_bytes(&b, seed, sizeof(seed), &random);
	if (!err)
		err = push_bytes(&b, path, strlen(path) + 1, &execfn);
	if (!err)
		err = push_bytes(&b, a->buf, a->used, &strings);
	b.sp = ALIGN_DOWN(b.sp, 16);
	if (!err)
		err = push_vectors(&b, a, strings, img, random, execfn);
	*sp = b.sp;
	return err;
}

/* A complete new address space for the program in file[0, len). */
static struct vm_space *build_image(const u8 *file, size_t len, const char *path,
				    const struct exec_args *a, u64 *entry, u64 *sp)
{
	struct elf_image img;
	struct vm_space *vm;
	int err = elf_parse(file, len, VM_USER_MIN, VM_USER_MAX, &img);

	if (err)
		return ERR_PTR(err);
	vm = vm_create();
	if (IS_ERR(vm))
		return vm;
	err = load_segments(vm, &img, file);
	if (!err)
		err = vm_map_trampoline(vm);
	if (!err)
		err = build_stack(vm, a, path, &img, sp);
	if (err) {
		vm_destroy(vm);
		return ERR_PTR(err);
	}
	vm->brk_start = vm->brk = img.hi;
	*entry = img.entry;
	return vm;
}

/* Past the point of no return: the process becomes the new program. */
static void commit_exec(struct proc *p, struct vm_space *vm, const char *path,
			struct trap_frame *tf, u64 entry, u64 sp)
{
	struct vm_space *old = p->vm;
	struct thread *t = cur_thread();

	if (old) {
		/* Linux's exec_mm_release: locks of the old image are dead. */
		futex_exit_robust_list(t->robust_list, t->tid);
		if (old->refs > 1) /* Linux's mm_release: someone else sees it */
			futex_clear_child_tid(t->clear_child_tid);
	}
	t->robust_list = t->clear_child_tid = 0;
	p->vm = vm;
	sched_switch_mm();
	if (old)
		vm_put(old); /* a vfork parent may still use it */
	/* The parent's memory is out of reach now: let it go before closing
	 * files, which may sleep (SO_LINGER), as Linux's exec_mmap does. */
	proc_release_vfork(p);
	if (p->fds)
		fd_table_close_on_exec(p->fds);
	signal_exec(p);
	proc_set_name(p, path);
	current_task->tpidr_el0 = 0;
	write_sysreg(tpidr_el0, 0);
	memset(tf, 0, sizeof(*tf));
	tf->sp = sp;
	tf->elr = entry;
	tf->spsr = 0; /* EL0t, interrupts unmasked */
}

int do_execve(const char *path, struct exec_args *a, struct trap_frame *tf)
{
	struct vm_space *vm;
	void *file;
	size_t len;
	u64 entry, sp;
	struct proc_exe *exe;
	int err = vfs_read_whole(path, &file, &len);

	if (err)
		return err == -EISDIR ? -EACCES : err;
	exe = proc_exe_new(path, a->buf, a->argc);
	vm = exe ? build_image(file, len, path, a, &entry, &sp) : ERR_PTR(-ENOMEM);
	kfree(file);
	if (IS_ERR(vm)) {
		proc_exe_put(exe);
		return (int)PTR_ERR(vm);
	}
	err = thread_exec_kill_others(); /* the new image has one thread */
	if (err) {
		proc_exe_put(exe);
		vm_destroy(vm);
		return err;
	}
	proc_exe_put(cur_proc()->exe);
	cur_proc()->exe = exe;
	commit_exec(cur_proc(), vm, path, tf, entry, sp);
	return 0;
}

static long sys_execve(struct trap_frame *tf)
{
	const char *upath = (const char *)SC_ARG(tf, 0);
	struct exec_args a;
	char *path;
	long err;

	path = kmalloc(PATH_MAX);
	if (!path)
		return -ENOMEM;
	err = strncpy_from_user(path, upath, PATH_MAX);
	if (err >= 0 && !path[0])
		err = -ENOENT;
	if (err >= 0)
		err = args_init(&a);
	if (err < 0) {
		kfree(path);
		return err;
	}
	err = args_add_user(&a, (const char *const *)SC_ARG(tf, 1), &a.argc);
	if (!err)
		err = args_add_user(&a, (const char *const *)SC_ARG(tf, 2), &a.envc);
	if (!err)
		err = do_execve(path, &a, tf);
	args_free(&a);
	kfree(path);
	return err;
}
SYSCALL(__NR_execve, sys_execve);

/* ---- the first process ---- */

static const char *const init_envp[] = { "HOME=/", "PATH=/bin:/sbin", "TERM=vt100" };

static int init_args(struct exec_args *a, const char *path)
{
	const char *const *argv = cmdline_init_argv();
	int err = args_init(a);

	if (!err)
		err = args_add_kernel(a, path, &a->argc);
	for (int i = 0; !err && i < cmdline_init_argc(); i++)
		err = args_add_kernel(a, argv[i], &a->argc);
	for (unsigned i = 0; !err && i < ARRAY_SIZE(init_envp); i++)
		err = args_add_kernel(a, init_envp[i], &a->envc);
	return err;
}

static int exec_init(const char *path)
{
	struct exec_args a;
	int err = init_args(&a, path);

	if (!err)
		err = do_execve(path, &a, task_user_frame(current_task));
	args_free(&a);
	return err;
}

/* Runs as pid 1's task: descriptors, then the program; returning enters it. */
static void init_main(void *arg)
{
	const char *path = cmdline_init_path();
	struct proc *p = cur_proc();
	int err;

	(void)arg;
	p->fds = fd_table_new();
	if (!p->fds)
		panic("init: no memory for a descriptor table");
	err = fd_table_open_console(p->fds);
	if (err)
		log_warn("init: cannot open /dev/console: %d", err);
	err = exec_init(path);
	if (err && strcmp(path, "/sbin/init") == 0) {
		log_warn("init: cannot run %s (%d); trying /bin/sh", path, err);
		path = "/bin/sh";
		err = exec_init(path);
	}
	if (err) {
		log_err("init: cannot run %s: error %d", path, err);
		machine_poweroff(127);
	}
	log_info("init: running %s as pid 1", path);
}

/* The boot task hands over to pid 1 and ends; idle keeps the CPU busy. */
void start_init(void)
{
	struct proc *p = proc_alloc();
	struct task *t;

	if (!p || p->pid != 1)
		panic("init: cannot create pid 1");
	p->pgid = p->sid = 0; /* like Linux: init may call setsid() */
	p->parent = NULL;
	proc_set_name(p, cmdline_init_path());
	t = task_create("user", init_main, NULL, true);
	if (!t || !thread_alloc(p, t))
		panic("init: no memory for a task");
	sched_start(t);
	task_exit();
}
