/*
 * execve() and the first process.
 *
 * The new address space is built completely (segments, interpreter, stack
 * with arguments, trampoline) before the old one is dropped, so every
 * failure returns an error to the caller, whose image is untouched.
 *
 * Programs: ET_EXEC at their own addresses; ET_DYN (PIE, static-pie) at a
 * load bias from ELF_ET_DYN_BASE. A PT_INTERP names the dynamic linker
 * (ld-linux-aarch64.so.1), itself ET_DYN, which is loaded below the mmap
 * base and entered instead, with AT_BASE/AT_ENTRY/AT_PHDR telling it where
 * everything is (Linux fs/binfmt_elf.c's layout).
 *
 * Address-space layout randomisation (Linux's randomize_va_space=2 on
 * arm64): the ET_DYN bias, the mmap base and the stack top each move by a
 * random number of pages below 2^18 (1 GiB, Linux's mmap_rnd_bits and
 * STACK_RND_MASK), the heap start by up to 32 MiB. Off for every process
 * with the command-line flag `norandmaps`, and for one process and what it
 * executes with personality(ADDR_NO_RANDOMIZE) (setarch -R).
 *
 * The initial stack follows Linux's layout, which a C runtime's _start
 * expects:
 *
 *   sp -> argc, argv[0..argc-1], NULL, envp[...], NULL, auxv pairs, AT_NULL
 *         ... argument and environment strings, the program path,
 *         "aarch64" (AT_PLATFORM), 16 random bytes (AT_RANDOM) ... stack top
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
#include <uapi/sis/stat.h>
#include "proc_internal.h"

#define EXEC_ARG_MAX (64UL << 10) /* bytes of argument + environment strings */
#define EXEC_ARGC_MAX 1024        /* entries in argv, and in envp */

/* Auxiliary vector types (Linux include/uapi/linux/auxvec.h, arm64's
 * AT_MINSIGSTKSZ in arch/arm64/include/uapi/asm/auxvec.h). */
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
#define AT_PLATFORM 15
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_HWCAP2 26
#define AT_EXECFN 31
#define AT_MINSIGSTKSZ 51
#define AUXV_PAIRS 21 /* entries written below, AT_NULL included */

/* AT_HWCAP bits (arch/arm64/include/uapi/asm/hwcap.h) for what ID_AA64PFR0
 * and ID_AA64ISAR0 say this CPU has. HWCAP_CPUID is not given: EL0 reads of
 * the ID registers are not emulated. */
#define HWCAP_FP (1UL << 0)
#define HWCAP_ASIMD (1UL << 1)
#define HWCAP_AES (1UL << 3)
#define HWCAP_PMULL (1UL << 4)
#define HWCAP_SHA1 (1UL << 5)
#define HWCAP_SHA2 (1UL << 6)
#define HWCAP_CRC32 (1UL << 7)
#define HWCAP_ATOMICS (1UL << 8)

#define ELF_ET_DYN_BASE 0xaaaaaaaaa000UL /* Linux arm64: 2/3 of the 48-bit space */
#define ASLR_PAGE_BITS 18                /* random pages for the bias, mmap, stack */
#define ASLR_BRK_BITS 13                 /* random pages for the heap: 32 MiB */
#define ADDR_NO_RANDOMIZE 0x0040000      /* personality(2) flag */

static bool randmaps_off;

static int norandmaps_option(const char *value)
{
	(void)value;
	randmaps_off = true;
	return 0;
}
CMDLINE_OPTION("norandmaps", norandmaps_option);

/* Where this exec puts what (page aligned). */
struct exec_layout {
	bool random;
	u64 dyn_bias;   /* an ET_DYN program's load bias */
	u64 mmap_top;   /* the interpreter, then mmap, go below */
	u64 stack_top;
	u64 brk_shift;
};

static u64 random_pages(bool on, int bits)
{
	u64 r = 0;

	if (on)
		random_get_bytes(&r, sizeof(r));
	return (r & ((1UL << bits) - 1)) << PAGE_SHIFT;
}

static void choose_layout(struct exec_layout *l, const struct proc *p)
{
	l->random = !randmaps_off && !(p->personality & ADDR_NO_RANDOMIZE);
	l->dyn_bias = ELF_ET_DYN_BASE + random_pages(l->random, ASLR_PAGE_BITS);
	l->mmap_top = VM_MMAP_TOP - random_pages(l->random, ASLR_PAGE_BITS);
	l->stack_top = VM_STACK_TOP - random_pages(l->random, ASLR_PAGE_BITS);
	l->brk_shift = random_pages(l->random, ASLR_BRK_BITS);
}

static u64 hwcaps(void)
{
	u64 isar0 = read_sysreg(id_aa64isar0_el1), caps = HWCAP_FP | HWCAP_ASIMD;
	unsigned aes = (isar0 >> 4) & 0xf;

	if (aes >= 1)
		caps |= HWCAP_AES;
	if (aes >= 2)
		caps |= HWCAP_PMULL;
	if ((isar0 >> 8) & 0xf)
		caps |= HWCAP_SHA1;
	if ((isar0 >> 12) & 0xf)
		caps |= HWCAP_SHA2;
	if ((isar0 >> 16) & 0xf)
		caps |= HWCAP_CRC32;
	if (((isar0 >> 20) & 0xf) >= 2)
		caps |= HWCAP_ATOMICS;
	return caps;
}

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

/* Would bytes more address space fit the caller's RLIMIT_AS (execve fails
 * with ENOMEM before the old image is gone; Linux, mapping after its point
 * of no return, kills the process instead)? */
static bool exec_as_fits(struct vm_space *vm, u64 bytes)
{
	u64 limit = proc_rlimit_cur(cur_proc(), RLIMIT_AS), used = (u64)vm->leaves * PAGE_SIZE;

	return used <= limit && bytes <= limit - used;
}

/* Pages img's segments take (a page two segments share counted once). */
static u64 image_pages(const struct elf_image *img)
{
	u64 n = 0;

	for (int i = 0; i < img->nsegs; i++) {
		const struct elf_segment *s = &img->seg[i];
		u64 start = ALIGN_DOWN(s->vaddr, PAGE_SIZE);
		u64 end = ALIGN_UP(s->vaddr + s->memsz, PAGE_SIZE);

		n += (end - start) / PAGE_SIZE;
		for (int j = 0; j < i; j++) {
			const struct elf_segment *t = &img->seg[j];
			u64 ts = ALIGN_DOWN(t->vaddr, PAGE_SIZE), te = ALIGN_UP(t->vaddr + t->memsz, PAGE_SIZE);

			if (ts < end && start < te) /* at most one page: segments do not overlap */
				n--;
		}
	}
	return n;
}

/* Map every page of each segment (pages shared by segments once) and copy
 * its file bytes; the rest stays zero. */
static int load_segments(struct vm_space *vm, const struct elf_image *img, const u8 *file)
{
	if (!exec_as_fits(vm, image_pages(img) * PAGE_SIZE))
		return -ENOMEM;
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

/* Move an ET_DYN image to bias; -ENOMEM if it then leaves the user range. */
static int place_image(struct elf_image *img, u64 bias)
{
	if (img->type != ET_DYN)
		return 0;
	if (bias + img->lo < VM_USER_MIN || bias + img->hi > VM_USER_MAX ||
	    bias + img->hi < bias)
		return -ENOMEM;
	elf_relocate(img, bias);
	return 0;
}

/* What the program and its interpreter became (for the auxv). */
struct exec_image {
	struct elf_image prog;
	u64 interp_base;   /* AT_BASE: the interpreter's load bias, 0 if none */
	u64 entry;         /* where user space starts: the interpreter's entry */
};

/* May the caller execute the file at path? A regular file with execute
 * permission for it (root: some execute bit): else -EACCES, as Linux;
 * -ETXTBSY while a file is open to write it. */
static int may_exec(const char *path)
{
	struct inode *ino = vfs_lookup(path);
	int err;

	if (IS_ERR(ino))
		return (int)PTR_ERR(ino);
	err = S_ISREG(ino->mode) ? vfs_permission(ino, MAY_EXEC) : -EACCES;
	if (!err && ino->writers)
		err = -ETXTBSY;
	vfs_inode_put(ino);
	return err;
}

/*
 * Load the interpreter named by path below the layout's mmap top. It must be
 * a static ELF itself (no PT_INTERP): -ELIBBAD otherwise, as Linux.
 */
static int load_interp(struct vm_space *vm, const char *path, const struct exec_layout *l,
		       struct exec_image *x)
{
	struct elf_image img;
	void *file;
	size_t len;
	u64 bias = 0;
	int err = may_exec(path);

	if (!err)
		err = vfs_read_whole(path, &file, &len);
	if (err)
		return err == -EISDIR ? -EACCES : err;
	err = elf_parse(file, len, VM_USER_MIN, VM_USER_MAX, &img);
	if (!err && img.interp_len)
		err = -ELIBBAD;
	if (!err && img.type == ET_DYN) {
		u64 base = vm_find_free(vm, img.hi - img.lo, l->mmap_top);

		bias = base - img.lo;
		err = base ? place_image(&img, bias) : -ENOMEM;
	}
	if (!err)
		err = load_segments(vm, &img, file);
	kfree(file);
	if (err)
		return err;
	x->interp_base = bias;
	x->entry = img.entry;
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

/* Addresses of what build_stack put above the vectors. */
struct stack_strings {
	u64 args;       /* argument and environment strings */
	u64 execfn;     /* AT_EXECFN: the path given to execve */
	u64 platform;   /* AT_PLATFORM: "aarch64" */
	u64 random;     /* AT_RANDOM: 16 bytes */
};

static int put_auxv(u64 *v, int i, const struct exec_image *x, const struct stack_strings *ss)
{
	const struct proc_cred *c = &cur_proc()->cred;

	put_aux(v, &i, AT_PHDR, x->prog.phdr_vaddr);
	put_aux(v, &i, AT_PHENT, sizeof(Elf64_Phdr));
	put_aux(v, &i, AT_PHNUM, x->prog.phnum);
	put_aux(v, &i, AT_PAGESZ, PAGE_SIZE);
	put_aux(v, &i, AT_BASE, x->interp_base);
	put_aux(v, &i, AT_FLAGS, 0);
	put_aux(v, &i, AT_ENTRY, x->prog.entry);
	put_aux(v, &i, AT_UID, c->uid[0]);
	put_aux(v, &i, AT_EUID, c->uid[1]);
	put_aux(v, &i, AT_GID, c->gid[0]);
	put_aux(v, &i, AT_EGID, c->gid[1]);
	put_aux(v, &i, AT_SECURE, 0); /* no set-id programs */
	put_aux(v, &i, AT_HWCAP, hwcaps());
	put_aux(v, &i, AT_HWCAP2, 0);
	put_aux(v, &i, AT_CLKTCK, HZ);
	put_aux(v, &i, AT_PLATFORM, ss->platform);
	put_aux(v, &i, AT_MINSIGSTKSZ, signal_frame_size());
	put_aux(v, &i, AT_RANDOM, ss->random);
	put_aux(v, &i, AT_EXECFN, ss->execfn);
	put_aux(v, &i, AT_NULL, 0);
	return i;
}

/* The pointer block: argc, argv, NULL, envp, NULL, auxv. */
static int push_vectors(struct stack_builder *b, const struct exec_args *a,
			const struct exec_image *x, const struct stack_strings *ss)
{
	size_t words = 1 + (size_t)a->argc + 1 + (size_t)a->envc + 1 + 2 * AUXV_PAIRS;
	u64 *v = kmalloc(words * sizeof(u64));
	u64 str = ss->args;
	int i = 0, err;

	if (!v)
		return -ENOMEM;
	v[i++] = (u64)a->argc;
	for (int n = 0; n < a->argc + a->envc; n++) {
		if (n == a->argc)
			v[i++] = 0; /* end of argv */
		v[i++] = str;
		str += strlen(a->buf + (str - ss->args)) + 1;
	}
	if (!a->envc)
		v[i++] = 0; /* end of argv: no envp entry put it there */
	v[i++] = 0;     /* end of envp */
	i = put_auxv(v, i, x, ss);
	BUG_ON((size_t)i > words);
	b->sp = ALIGN_DOWN(b->sp - (size_t)i * sizeof(u64), 16);
	err = vm_write(b->vm, b->sp, v, (size_t)i * sizeof(u64));
	kfree(v);
	return err;
}

/*
 * The initial stack's size: RLIMIT_STACK (Linux lets the stack grow to it;
 * here it is mapped whole, so RLIM_INFINITY means Linux's default _STK_LIM
 * and nothing is larger than VM_STACK_MAX), at least what the arguments
 * need plus a page, as Linux's stack always holds them.
 */
static size_t stack_size(const struct exec_args *a, const char *path)
{
	u64 lim = proc_rlimit_cur(cur_proc(), RLIMIT_STACK);
	u64 need = a->used + strlen(path) + 1 + 64 +
		   (3 + (u64)a->argc + (u64)a->envc + 2 * AUXV_PAIRS) * sizeof(u64);

	lim = lim == RLIM64_INFINITY ? VM_STACK_DEFAULT_MAX : MIN(lim, VM_STACK_MAX);
	return MAX(ALIGN_UP(lim, PAGE_SIZE), ALIGN_UP(need, PAGE_SIZE) + PAGE_SIZE);
}

static int build_stack(struct vm_space *vm, const struct exec_args *a, const char *path,
		       const struct exec_image *x, u64 stack_top, u64 *sp)
{
	static const char platform[] = "aarch64";
	struct stack_builder b = { vm, stack_top };
	struct stack_strings ss;
	size_t size = stack_size(a, path);
	u8 seed[16];
	int err;

	if (!exec_as_fits(vm, size))
		return -ENOMEM;
	err = vm_map_zero(vm, stack_top - size, size, VM_READ | VM_WRITE);
	if (err)
		return err;
	vm->stack_pages = size / PAGE_SIZE;
	vm->stack_bottom = stack_top - size; /* it may grow below (vm_grow_stack) */
	random_get_bytes(seed, sizeof(seed));
	err = push_bytes(&b, seed, sizeof(seed), &ss.random);
	if (!err)
		err = push_bytes(&b, platform, sizeof(platform), &ss.platform);
	if (!err)
		err = push_bytes(&b, path, strlen(path) + 1, &ss.execfn);
	if (!err)
		err = push_bytes(&b, a->buf, a->used, &ss.args);
	b.sp = ALIGN_DOWN(b.sp, 16);
	if (!err)
		err = push_vectors(&b, a, x, &ss);
	*sp = b.sp;
	return err;
}

/* Map the program (moved to the layout's bias if ET_DYN) and its interpreter. */
static int load_program(struct vm_space *vm, const u8 *file, const struct exec_layout *l,
			struct exec_image *x)
{
	char interp[ELF_INTERP_MAX];
	int err = place_image(&x->prog, l->dyn_bias);

	if (!err)
		err = load_segments(vm, &x->prog, file);
	if (err)
		return err;
	x->interp_base = 0;
	x->entry = x->prog.entry;
	if (!x->prog.interp_len)
		return 0;
	memcpy(interp, file + x->prog.interp_off, x->prog.interp_len); /* NUL included */
	return load_interp(vm, interp, l, x);
}

/* Linux's end_data - start_data (binfmt_elf): from the highest segment
 * start to the highest end of file bytes; what brk's RLIMIT_DATA check adds. */
static u64 data_size(const struct elf_image *img)
{
	u64 start = 0, end = 0;

	for (int i = 0; i < img->nsegs; i++) {
		start = MAX(start, img->seg[i].vaddr);
		end = MAX(end, img->seg[i].vaddr + img->seg[i].filesz);
	}
	return end > start ? end - start : 0;
}

/* A complete new address space for the program in file[0, len). */
static struct vm_space *build_image(const u8 *file, size_t len, const char *path,
				    const struct exec_args *a, u64 *entry, u64 *sp)
{
	struct exec_image x;
	struct exec_layout l;
	struct vm_space *vm;
	int err = elf_parse(file, len, VM_USER_MIN, VM_USER_MAX, &x.prog);

	if (err)
		return ERR_PTR(err);
	vm = vm_create();
	if (IS_ERR(vm))
		return vm;
	choose_layout(&l, cur_proc());
	vm->mmap_top = l.mmap_top;
	vm->stack_top = l.stack_top;
	vm_set_stack_limit(vm, cur_proc()->rlimit[RLIMIT_STACK].rlim_cur);
	err = load_program(vm, file, &l, &x);
	if (!err)
		err = vm_map_trampoline(vm);
	if (!err)
		err = build_stack(vm, a, path, &x, l.stack_top, sp);
	if (err) {
		vm_destroy(vm);
		return ERR_PTR(err);
	}
	vm->brk_start = vm->brk = x.prog.hi + l.brk_shift;
	vm->data_size = data_size(&x.prog);
	*entry = x.entry;
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
	cap_exec(&p->cred);
	proc_set_name(p, path);
	current_task->tpidr_el0 = 0;
	write_sysreg(tpidr_el0, 0);
	memset(tf, 0, sizeof(*tf));
	memset(&current_task->fpsimd, 0, sizeof(current_task->fpsimd)); /* FPCR too, as Linux */
	fpsimd_flush_task(current_task);
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
	int err = may_exec(path);

	if (!err)
		err = vfs_read_whole(path, &file, &len);

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

/* execve(path, argv, envp): on success the caller's user context becomes the
 * new program's entry (the frame at the top of its kernel stack). */
SYSCALL_DEFINE3(execve, const char *, upath, const char *const *, uargv,
		const char *const *, uenvp)
{
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
	err = args_add_user(&a, uargv, &a.argc);
	if (!err && !a.argc)
		err = args_add_kernel(&a, "", &a.argc); /* Linux 5.18: argv[0] is never missing */
	if (!err)
		err = args_add_user(&a, uenvp, &a.envc);
	if (!err)
		err = do_execve(path, &a, task_user_frame(current_task));
	args_free(&a);
	kfree(path);
	return err;
}

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

/*
 * personality(persona): the execution domain is always Linux's; the flags
 * are kept (inherited by fork, kept by execve) and ADDR_NO_RANDOMIZE turns
 * ASLR off for the next exec. 0xffffffff only asks. Returns the old value.
 */
SYSCALL_DEFINE1(personality, u32, persona)
{
	struct proc *p = cur_proc();
	u32 old = p->personality;

	if (persona != 0xffffffffU)
		p->personality = persona;
	return old;
}
