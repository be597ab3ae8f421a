/*
 * sys_fuzz: a typed system-call fuzzer (see sys_fuzz.c for the driver).
 *
 * A worker process builds real state (files, directories, pipes, eventfd,
 * timerfd, epoll, TCP listeners with connected and accepted pairs over
 * loopback, bound UDP sockets, AF_UNIX pairs and listeners), then makes
 * calls whose arguments come from per-type generators: its own live
 * descriptors, addresses that bind or connect, msghdrs with SCM_RIGHTS
 * and random iovecs, valid and hostile user pointers (NULL, kernel half,
 * tagged, unmapped, read-only, running into a guard page), flags drawn
 * from the real flag sets. Between calls it runs sequences: fork, signals,
 * a close from another process while one is blocked, kills of blocked
 * children. Everything is raw system calls with the kernel ABI's own
 * values (<uapi/sis/...>), so this part never includes picolibc's headers.
 */
#ifndef SYS_FUZZ_H
#define SYS_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proc_raw.h"

/* Every system call of the fuzzer goes through fz_sys6, which can trace it
 * (sys_fuzz's TRACE argument: one line per call on the console). */
long fz_sys6(long n, long a, long b, long c, long d, long e, long f);
#undef raw
#define FZ_SC(n, a, b, c, d, e, f, ...) \
	fz_sys6((long)(n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))
#define raw(...) FZ_SC(__VA_ARGS__, 0, 0, 0, 0, 0, 0, 0)
#define FZ_TRACE_FD 249

/* What a descriptor in the worker's table is (a hint: calls prefer the
 * right kind, but any call may get any descriptor). */
enum fz_kind {
	K_FILE,
	K_DIR,
	K_PIPE_R,
	K_PIPE_W,
	K_EVENTFD,
	K_TIMERFD,
	K_EPOLL,
	K_TCP_LISTEN,
	K_TCP,	    /* connected TCP, either side */
	K_UDP,
	K_UNIX,	    /* AF_UNIX stream or datagram, connected */
	K_UNIX_LISTEN,
	K_OTHER,    /* came from SCM_RIGHTS, dup of unknown, ... */
	K_NKINDS
};

#define FZ_MAXFD 128	 /* descriptors the worker tracks (numbers 0..FZ_MAXFD-1) */
#define FZ_MAXKIDS 16	 /* children of the worker alive at once */
#define FZ_SCRATCH 65536 /* read/write buffer, followed by an unmapped page */
#define FZ_REPORT_FD 250 /* worker -> driver: one line per failed check */

struct fz_state {
	uint64_t rng;
	signed char kind[FZ_MAXFD]; /* -1: not ours / closed */
	int kids[FZ_MAXKIDS];	    /* pids of children still to reap, 0: free */
	uint16_t tcp_port, udp_port; /* 127.0.0.1 ports our listener / UDP socket hold */
	unsigned char *scratch;	    /* FZ_SCRATCH bytes, guard page after */
	unsigned char *args;	    /* structured arguments of the current call */
	size_t args_used;
	uintptr_t arena;	    /* where MAP_FIXED mappings go (FZ_ARENA bytes) */
	long me;		    /* worker pid: a fork's child stops fuzzing */
	unsigned long calls;
	volatile unsigned long signals; /* handler runs */
	bool trace;		    /* log every call to FZ_TRACE_FD */
	bool sockets_only;	    /* sock_fuzz: socket objects and calls only */
	bool crowd;		    /* start with every tracked descriptor number taken */
};

extern struct fz_state fz;

#define FZ_ARENA (16UL << 20)

/* Random numbers (xorshift64). */
uint64_t fz_rand(void);
static inline unsigned fz_below(unsigned n)
{
	return n ? (unsigned)(fz_rand() % n) : 0;
}
static inline bool fz_chance(unsigned percent)
{
	return fz_below(100) < percent;
}
#define FZ_PICK(arr) ((arr)[fz_below(sizeof(arr) / sizeof((arr)[0]))])

/* Descriptor table. */
long fz_note(long fd, int kind);	/* a call returned fd: fd, or -EMFILE (closed) */
void fz_forget(long fd);
int fz_fd(void);			/* any descriptor, sometimes a bad one */
int fz_fd_of(int kind);			/* one of KIND if there is one, else fz_fd() */
int fz_count(void);
void fz_resync(void);			/* re-learn the table from the kernel */
void fz_replenish(void);		/* build objects until the table is full enough */
long fz_make(int kind);			/* build one object of KIND; -errno */
int fz_any_kind(void);			/* a kind to build (sockets only in socket mode) */

/* Argument generators. */
void *fz_arg(size_t len);		/* room for a structured argument */
long fz_ptr(size_t len, bool out);	/* user pointer, mostly valid */
long fz_len(size_t natural);		/* a length near NATURAL, sometimes hostile */
long fz_flags(const long *set, unsigned n);
long fz_sockaddr(int family_hint, long *len);
long fz_msghdr(bool send);
long fz_iovec(long *count);
long fz_path(bool writable);		/* absolute path under /tmp/fz (or read-only system) */
long fz_timespec(void);
long fz_sigset(void);
long fz_pid(void);
int fz_sig(void);
long fz_int(void);

/* Calls and sequences. */
void fz_call(void);			/* one random typed call */
void fz_sequence(void);			/* one random multi-process sequence */
void fz_reap_kids(bool kill_them);
int fz_kid_add(long pid);
void fz_report(const char *what, long a, long b);

/* The worker: set up, fuzz CALLS calls, exit. */
void fz_worker(uint64_t seed, unsigned long calls, bool trace) __attribute__((noreturn));

#endif
