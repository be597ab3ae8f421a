/*
 * FP/SIMD registers belong to the task that set them, whatever runs in
 * between (issue 18: SIS keeps them live across system calls and
 * interrupts and switches them lazily, src/arch/aarch64/fpsimd.c):
 *  - values pinned in every vector register and in FPCR/FPSR (aarch64;
 *    XMM0-15 and MXCSR on x86_64, where the same source runs on the host's
 *    Linux as the reference) survive getpid, sched_yield and a sleep;
 *  - two threads and two processes, each with its own values, spinning and
 *    yielding at the same time: nobody sees another's registers (on SIS the
 *    timer must have preempted some of them while pinned);
 *  - a signal: the handler's frame holds the pinned values, the handler
 *    clobbers the registers (and FPCR), changes V7 and FPSR in the frame,
 *    and after sigreturn the frame's values are back;
 *  - fork: the child starts with the parent's values, the parent keeps them;
 *  - execve: the new program starts with FPCR and FPSR reset (MXCSR 0x1f80).
 * Each pinned stretch is one asm block (load, spin, system call, spin,
 * store), so no compiled code touches the registers in between.
 * Prints "fpsimd_calls: N checks, M failed"; exit status 1 on failure.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>

#include "glibc_check.h"

#define NO_CALL (-1L)

#if defined(__aarch64__)
#define NVREG 32
#define CSR_FIELDS uint64_t fpcr, fpsr;
#elif defined(__x86_64__)
#define NVREG 16
#define CSR_FIELDS uint32_t mxcsr, pad[3];
#else
#error "aarch64 or x86_64"
#endif

struct fpregs {
	__uint128_t v[NVREG];
	CSR_FIELDS
};

/*
 * Load *in into the FP/SIMD registers, spin, make system call nr (unless
 * NO_CALL) with a0..a2, spin again, store the registers to *out, put the
 * caller's control/status register back; the call's raw result.
 */
#if defined(__aarch64__)
#define LDQ(i, j) "ldp q" #i ", q" #j ", [%[in], #" #i " * 16]\n\t"
#define STQ(i, j) "stp q" #i ", q" #j ", [%[out], #" #i " * 16]\n\t"
#define ALLQ(M) M(0, 1) M(2, 3) M(4, 5) M(6, 7) M(8, 9) M(10, 11) M(12, 13) M(14, 15) \
	M(16, 17) M(18, 19) M(20, 21) M(22, 23) M(24, 25) M(26, 27) M(28, 29) M(30, 31)
#define VCLOBBER_LOW "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7"
#define VCLOBBER_MID "v8", "v9", "v10", "v11", "v12", "v13", "v14", "v15"
#define VCLOBBER_HIGH "v16", "v17", "v18", "v19", "v20", "v21", "v22", "v23", \
	"v24", "v25", "v26", "v27", "v28", "v29", "v30", "v31"

static long pinned(const struct fpregs *in, struct fpregs *out, long nr, long a0, long a1,
		   long a2, long spins)
{
	register long x0 __asm__("x0") = a0;
	register long x1 __asm__("x1") = a1;
	register long x2 __asm__("x2") = a2;
	register long x8 __asm__("x8") = nr;

	__asm__ volatile(
		"mrs x11, fpcr\n\tmrs x12, fpsr\n\t"
		ALLQ(LDQ)
		"ldr x9, [%[in], #512]\n\tmsr fpcr, x9\n\t"
		"ldr x9, [%[in], #520]\n\tmsr fpsr, x9\n\t"
		"mov x10, %[spins]\n1:\tcbz x10, 2f\n\tsub x10, x10, #1\n\tb 1b\n2:\t"
		"cmn x8, #1\n\tb.eq 3f\n\tsvc #0\n3:\t"
		"mov x10, %[spins]\n4:\tcbz x10, 5f\n\tsub x10, x10, #1\n\tb 4b\n5:\t"
		ALLQ(STQ)
		"mrs x9, fpcr\n\tstr x9, [%[out], #512]\n\t"
		"mrs x9, fpsr\n\tstr x9, [%[out], #520]\n\t"
		"msr fpcr, x11\n\tmsr fpsr, x12"
		: "+r"(x0)
		: "r"(x1), "r"(x2), "r"(x8), [in] "r"(in), [out] "r"(out), [spins] "r"(spins)
		: "x9", "x10", "x11", "x12", "cc", "memory", VCLOBBER_LOW, VCLOBBER_MID,
		  VCLOBBER_HIGH);
	return x0;
}

/* A handler's clobber: every register it may change is listed but v8-v15,
 * whose low halves the compiler would otherwise save and restore around
 * it; nothing runs after it but the handler's return. */
static void clobber(const struct fpregs *junk)
{
	__asm__ volatile(ALLQ(LDQ) "ldr x9, [%[in], #512]\n\tmsr fpcr, x9\n\t"
			 "ldr x9, [%[in], #520]\n\tmsr fpsr, x9"
			 : : [in] "r"(junk) : "x9", "memory", VCLOBBER_LOW, VCLOBBER_HIGH);
}

static uint64_t fpcr_valid(uint64_t seed) { return ((seed % 3) + 1) << 22 | (seed & 1) << 25; }
static uint64_t fpsr_valid(uint64_t seed) { return (seed & 0x1f) | ((seed & 0x20) << 22); }

static void set_csr(struct fpregs *r, uint64_t seed)
{
	r->fpcr = fpcr_valid(seed);
	r->fpsr = fpsr_valid(seed >> 8);
}

static int csr_equal(const struct fpregs *a, const struct fpregs *b)
{
	return a->fpcr == b->fpcr && a->fpsr == b->fpsr;
}

/* What execve must leave: FPCR and FPSR 0. */
static int csr_is_reset(void)
{
	uint64_t fpcr, fpsr;

	__asm__ volatile("mrs %0, fpcr\n\tmrs %1, fpsr" : "=r"(fpcr), "=r"(fpsr));
	return fpcr == 0 && fpsr == 0;
}

/* The handler's view: the FPSIMD record at the start of uc_mcontext's
 * __reserved area (Linux's struct fpsimd_context). */
struct fpsimd_rec {
	uint32_t magic, size, fpsr, fpcr;
	__uint128_t vregs[32];
};

static int frame_regs(ucontext_t *uc, struct fpregs *r, int set, uint32_t new_status)
{
	struct fpsimd_rec *f = (struct fpsimd_rec *)uc->uc_mcontext.__reserved;

	if (f->magic != 0x46508001 || f->size != sizeof(*f))
		return 0;
	if (set) {
		f->vregs[7] = r->v[7];
		f->fpsr = new_status;
		return 1;
	}
	memcpy(r->v, f->vregs, sizeof(r->v));
	r->fpcr = f->fpcr;
	r->fpsr = f->fpsr;
	return 1;
}

static void set_status(struct fpregs *r, uint32_t status) { r->fpsr = status; }
#define NEW_STATUS 0x08000011u /* QC, IXC, IOC */

#else /* __x86_64__ */
#define LDX(i) "movdqu " #i " * 16(%[in]), %%xmm" #i "\n\t"
#define STX(i) "movdqu %%xmm" #i ", " #i " * 16(%[out])\n\t"
#define ALLX(M) M(0) M(1) M(2) M(3) M(4) M(5) M(6) M(7) M(8) M(9) M(10) M(11) M(12) \
	M(13) M(14) M(15)
#define XCLOBBER "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", \
	"xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"

static long pinned(const struct fpregs *in, struct fpregs *out, long nr, long a0, long a1,
		   long a2, long spins)
{
	long rax = nr;
	uint32_t saved;

	__asm__ volatile(
		"stmxcsr %[saved]\n\t"
		ALLX(LDX)
		"ldmxcsr 256(%[in])\n\t"
		"mov %[spins], %%r10\n1:\ttest %%r10, %%r10\n\tjz 2f\n\tdec %%r10\n\tjmp 1b\n2:\t"
		"cmp $-1, %%rax\n\tje 3f\n\tsyscall\n3:\t"
		"mov %[spins], %%r10\n4:\ttest %%r10, %%r10\n\tjz 5f\n\tdec %%r10\n\tjmp 4b\n5:\t"
		ALLX(STX)
		"stmxcsr 256(%[out])\n\t"
		"ldmxcsr %[saved]"
		: "+a"(rax), [saved] "=m"(saved)
		: "D"(a0), "S"(a1), "d"(a2), [in] "r"(in), [out] "r"(out), [spins] "r"(spins)
		: "rcx", "r10", "r11", "cc", "memory", XCLOBBER);
	return rax;
}

static void clobber(const struct fpregs *junk)
{
	__asm__ volatile(ALLX(LDX) "ldmxcsr 256(%[in])" : : [in] "r"(junk) : "memory", XCLOBBER);
}

/* Rounding control, DAZ/FZ and some sticky flags; all exceptions masked. */
static void set_csr(struct fpregs *r, uint64_t seed)
{
	r->mxcsr = 0x1f80 | (uint32_t)(seed % 3 + 1) << 13 | (uint32_t)(seed >> 8 & 0x3f);
}

static int csr_equal(const struct fpregs *a, const struct fpregs *b)
{
	return a->mxcsr == b->mxcsr;
}

static int csr_is_reset(void)
{
	uint32_t mxcsr;

	__asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
	return mxcsr == 0x1f80;
}

static int frame_regs(ucontext_t *uc, struct fpregs *r, int set, uint32_t new_status)
{
	struct _libc_fpstate *f = uc->uc_mcontext.fpregs;

	if (!f)
		return 0;
	if (set) {
		memcpy(&f->_xmm[7], &r->v[7], 16);
		f->mxcsr = new_status;
		return 1;
	}
	memcpy(r->v, f->_xmm, sizeof(r->v));
	r->mxcsr = f->mxcsr;
	return 1;
}

static void set_status(struct fpregs *r, uint32_t status) { r->mxcsr = status; }
#define NEW_STATUS 0x3f85u /* round down, IE and ZE set */
#endif

/* Values no other seed gives, in every register. */
static void fill(struct fpregs *r, uint64_t seed)
{
	memset(r, 0, sizeof(*r));
	for (int i = 0; i < NVREG; i++) {
		uint64_t lo = seed * 0x9e3779b97f4a7c15ULL + (uint64_t)i * 0x100000001b3ULL;
		uint64_t hi = ~lo ^ (seed << 32 | (uint64_t)i);

		r->v[i] = (__uint128_t)hi << 64 | lo;
	}
	set_csr(r, seed);
}

static int same(const struct fpregs *a, const struct fpregs *b)
{
	return !memcmp(a->v, b->v, sizeof(a->v)) && csr_equal(a, b);
}

/* The first register that differs, for the FAIL line. */
static int first_diff(const struct fpregs *a, const struct fpregs *b)
{
	for (int i = 0; i < NVREG; i++)
		if (a->v[i] != b->v[i])
			return i;
	return csr_equal(a, b) ? -1 : NVREG;
}

static void across_calls(void)
{
	struct fpregs in, out;
	struct timespec ms = { 0, 1000000 };
	static const struct { long nr; const char *name; } calls[] = {
		{ SYS_getpid, "getpid" }, { SYS_sched_yield, "sched_yield" },
		{ SYS_nanosleep, "nanosleep" }, { NO_CALL, "spin" },
	};

	for (unsigned i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		fill(&in, 100 + i);
		pinned(&in, &out, calls[i].nr, calls[i].nr == SYS_nanosleep ? (long)&ms : 0, 0, 0,
		       1000);
		CHECK(same(&in, &out), "across %s: register %d differs", calls[i].name,
		      first_diff(&in, &out));
	}
}

/* One spinner: rounds of pinned spins, yields and getppid until the
 * deadline; how many rounds, how many lost a value, how many were
 * stretched by preemption. A spinner not yet preempted in a round goes on
 * past SPIN_MS (up to SPIN_MAX_MS): on a host that starves QEMU the guest's
 * clock runs while its vCPU does not, and a spinner could otherwise reach
 * its deadline inside one time slice. */
struct spin_result {
	uint64_t seed;
	long rounds, bad, slow;
};

#define SPIN_MS 600
#define SPIN_MAX_MS 6000
#define SPINS 300000

static void *spinner(void *arg)
{
	struct spin_result *res = arg;
	struct fpregs in, out;
	long long start = now_ms(), end = start + SPIN_MS, last = start + SPIN_MAX_MS;
	static const long calls[] = { NO_CALL, SYS_sched_yield, SYS_getppid };

	while (now_ms() < end || (!res->slow && now_ms() < last)) {
		long long t0 = now_ms();

		fill(&in, res->seed + (uint64_t)res->rounds * 7919);
		pinned(&in, &out, calls[res->rounds % 3], 0, 0, 0, SPINS);
		res->bad += !same(&in, &out);
		res->slow += now_ms() - t0 >= 15; /* someone else ran meanwhile */
		res->rounds++;
	}
	return NULL;
}

static void concurrent(void)
{
	struct spin_result th[2] = { { .seed = 1000 }, { .seed = 2000 } }, me = { .seed = 3000 };
	pid_t kids[2];
	pthread_t tid[2];
	long slow = 0;

	for (int i = 0; i < 2; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			struct spin_result r = { .seed = 4000 + (uint64_t)i * 1000 };

			spinner(&r);
			_exit(r.bad ? 1 : r.rounds ? (r.slow ? 0 : 3) : 2);
		}
		CHECK(kids[i] > 0, "fork");
	}
	for (int i = 0; i < 2; i++)
		CHECK(!pthread_create(&tid[i], NULL, spinner, &th[i]), "pthread_create");
	spinner(&me);
	for (int i = 0; i < 2; i++) {
		pthread_join(tid[i], NULL);
		CHECK(th[i].rounds > 0 && th[i].bad == 0, "thread %d: %ld of %ld rounds lost values",
		      i, th[i].bad, th[i].rounds);
		slow += th[i].slow;
	}
	CHECK(me.rounds > 0 && me.bad == 0, "main: %ld of %ld rounds lost values", me.bad,
	      me.rounds);
	slow += me.slow;
	for (int i = 0; i < 2; i++) {
		int st = -1;

		CHECK(waitpid(kids[i], &st, 0) == kids[i], "waitpid");
		CHECK(WIFEXITED(st) && (WEXITSTATUS(st) == 0 || WEXITSTATUS(st) == 3),
		      "child %d: status 0x%x (1: lost values, 2: no rounds)", i, st);
		slow += WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
#ifdef ON_SIS
	/* One CPU: the spinners can only have run in turn. */
	CHECK(slow > 0, "no pinned round was preempted");
#endif
	printf("fpsimd_calls: concurrent rounds %ld %ld %ld, %ld preempted\n", th[0].rounds,
	       th[1].rounds, me.rounds, slow);
}

static struct fpregs sig_expect, sig_seen, sig_junk, sig_change;
static volatile int sig_frame_ok, sig_set_ok;

static void on_usr1(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)si;
	sig_frame_ok = frame_regs(ctx, &sig_seen, 0, 0);
	sig_set_ok = frame_regs(ctx, &sig_change, 1, NEW_STATUS);
	clobber(&sig_junk); /* last: sigreturn must bring the frame's values */
}

static void across_signal(void)
{
	struct sigaction sa = { .sa_sigaction = on_usr1, .sa_flags = SA_SIGINFO };
	struct fpregs out, want;

	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0, "sigaction");
	fill(&sig_expect, 5000);
	fill(&sig_junk, 6000);
	fill(&sig_change, 7000);
	pinned(&sig_expect, &out, SYS_kill, getpid(), SIGUSR1, 0, 1000);
	CHECK(sig_frame_ok && sig_set_ok, "no FP record in the signal frame");
	CHECK(same(&sig_seen, &sig_expect), "signal frame: register %d differs",
	      first_diff(&sig_seen, &sig_expect));
	want = sig_expect;
	want.v[7] = sig_change.v[7];
	set_status(&want, NEW_STATUS);
	CHECK(same(&out, &want), "after sigreturn: register %d differs (%s)",
	      first_diff(&out, &want),
	      same(&out, &sig_junk) ? "the handler's" : "not the frame's");
}

/* Raw fork inside a pinned stretch: the child starts with in's values
 * (and on SIS with them in its saved copy, not only in the registers). */
static long fork_pinned(const struct fpregs *in, struct fpregs *out)
{
#ifdef SYS_fork
	return pinned(in, out, SYS_fork, 0, 0, 0, 1000);
#else
	return pinned(in, out, SYS_clone, SIGCHLD, 0, 0, 1000);
#endif
}

static void across_fork(void)
{
	struct fpregs in, out;
	int st = -1;
	long pid;

	fill(&in, 8000);
	pid = fork_pinned(&in, &out);
	if (pid == 0)
		_exit(same(&in, &out) ? 0 : 1);
	CHECK(pid > 0, "fork: %ld", pid);
	CHECK(same(&in, &out), "fork, parent: register %d differs", first_diff(&in, &out));
	CHECK(waitpid((pid_t)pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "fork, child: status 0x%x (1: not the parent's values)", st);
}

static void across_exec(const char *self)
{
	struct fpregs in, out;
	char *argv[] = { (char *)self, "--exec-child", NULL };
	char *envp[] = { NULL };
	int st = -1;
	long pid;

	fill(&in, 9000);
	pid = fork_pinned(&in, &out);
	if (pid == 0) {
		pinned(&in, &out, SYS_execve, (long)self, (long)argv, (long)envp, 1000);
		_exit(2);
	}
	CHECK(pid > 0, "fork: %ld", pid);
	CHECK(waitpid((pid_t)pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "execve: status 0x%x (1: FP control/status not reset, 2: exec failed)", st);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--exec-child"))
		return csr_is_reset() ? 0 : 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	across_calls();
	across_signal();
	across_fork();
	across_exec(argv[0]);
	concurrent();
	printf("fpsimd_calls: %d checks, %d failed\n", checks, failed);
	return failed ? 1 : 0;
}
