/*
 * ppoll(2) and pselect6(2) over any file whose ops implement ->poll (pipes,
 * the console, sockets); files without ->poll are always ready (regular
 * files, /dev/null). One loop serves both: pselect6 turns its fd sets into
 * a pollfd array and back.
 *
 * Waiting: each pass asks every file for its ready events and, until one is
 * ready, registers a waiter on each wait queue the file names through
 * poll_wait(); then the task sleeps until any queue is woken, the deadline
 * passes or a signal arrives, and the pass repeats. A sigmask argument is
 * the signal mask while the call waits (signal_set_temp_mask).
 */
#include <sis/kernel.h>
#include <sis/mm.h>
#include <sis/file.h>
#include <sis/wait.h>
#include <sis/timer.h>
#include <sis/uaccess.h>
#include <sis/proc.h>
#include <sis/syscall.h>
#include <uapi/sis/poll.h>
#include <uapi/sis/resource.h>
#include <uapi/sis/select.h>

#define POLL_WAITERS 128            /* least wait-queue registrations per pass */
#define POLL_QUEUES_PER_FD 2        /* room per fd (a file may name more than one queue) */
#define POLL_FALLBACK_NS (10 * NSEC_PER_MSEC) /* re-poll period past that */

/* A registration: the waiter stays on wq across the sleep, so the file
 * that owns wq is referenced until poll_table_clear. */
struct poll_entry {
	struct wait_queue *wq;
	struct waiter w;
	struct file *file;
};

struct poll_set {
	struct poll_table pt;
	int n, cap;
	bool overflow;  /* some queue could not be registered: poll periodically */
	struct file *polling; /* the file whose ->poll is running (poll_one) */
	struct poll_entry entries[]; /* cap of them, sized to nfds */
};

/* Linux's struct timespec (64-bit). */
struct k_timespec {
	s64 tv_sec;
	long tv_nsec;
};

void poll_wait(struct poll_table *pt, struct wait_queue *wq)
{
	if (pt && pt->queue)
		pt->queue(pt, wq);
}

/* ppoll/pselect's registration: the task sleeps on wq. */
static void poll_set_queue(struct poll_table *table, struct wait_queue *wq)
{
	struct poll_set *pt = container_of(table, struct poll_set, pt);
	struct poll_entry *e;

	if (pt->n == pt->cap) {
		pt->overflow = true;
		return;
	}
	e = &pt->entries[pt->n++];
	e->wq = wq;
	e->file = pt->polling;
	if (e->file)
		file_get(e->file);
	prepare_to_wait(wq, &e->w);
}

/* Off every queue first, then the references: a put may release a file,
 * and a release may sleep (SO_LINGER). */
static void poll_table_clear(struct poll_set *pt)
{
	for (int i = 0; i < pt->n; i++)
		finish_wait(pt->entries[i].wq, &pt->entries[i].w);
	for (int i = 0; i < pt->n; i++)
		if (pt->entries[i].file)
			file_put(pt->entries[i].file);
	pt->n = 0;
	pt->overflow = false;
}

/* Ready events of one pollfd (POLLNVAL for a bad fd; 0 for fd < 0). */
static short poll_one(const struct pollfd *p, struct poll_set *pt)
{
	struct file *f;
	unsigned mask;

	if (p->fd < 0)
		return 0;
	f = fd_get(p->fd);
	if (!f)
		return POLLNVAL;
	if (f->ops->poll) {
		if (pt)
			pt->polling = f;
		mask = f->ops->poll(f, pt ? &pt->pt : NULL);
		if (pt)
			pt->polling = NULL;
	} else
		mask = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
	file_put(f);
	return (short)(mask & ((unsigned short)p->events | POLLERR | POLLHUP | POLLNVAL));
}

/* One pass over fds: fill revents, return how many are ready. With pt,
 * register on every file's queues (stopping once one is ready). */
static int poll_pass(struct pollfd *fds, size_t nfds, struct poll_set *pt)
{
	int count = 0;

	for (size_t i = 0; i < nfds; i++) {
		fds[i].revents = poll_one(&fds[i], count ? NULL : pt);
		if (fds[i].revents)
			count++;
	}
	return count;
}

/*
 * Poll fds until one is ready, the absolute deadline passes (0: never;
 * now_only: do not wait at all), or a signal arrives. Returns the number of
 * ready entries (revents filled in), -ENOMEM, or on a signal -ERESTARTNOHAND
 * without a deadline (restarted unless a handler ran, as on Linux) and
 * -EINTR with one.
 *
 * Every poll_wait() re-arms the sleep (prepare_to_wait), so a wake-up that
 * lands while later files are being registered would be forgotten; hence
 * the second pass after the last registration, which sees whatever such a
 * wake-up announced. Wake-ups after it find the task armed.
 */
static int poll_loop(struct pollfd *fds, size_t nfds, u64 deadline, bool now_only)
{
	size_t cap = nfds * POLL_QUEUES_PER_FD;
	struct poll_set *pt;
	int count, err = 0;

	if (cap < POLL_WAITERS)
		cap = POLL_WAITERS; /* nfds is bounded by RLIMIT_NOFILE (sys_ppoll) */
	pt = kmalloc(sizeof(*pt) + cap * sizeof(pt->entries[0]));
	if (!pt)
		return -ENOMEM;
	pt->pt.queue = poll_set_queue;
	pt->cap = (int)cap;
	pt->n = 0;
	pt->overflow = false;
	pt->polling = NULL;
	for (;;) {
		bool final = now_only || err == -ETIMEDOUT;
		u64 wake_at = deadline;

		count = poll_pass(fds, nfds, final ? NULL : pt);
		if (!count && !final)
			count = poll_pass(fds, nfds, NULL);
		if (count || final)
			break;
		if (pt->overflow) {
			u64 soon = time_ns() + POLL_FALLBACK_NS;
			wake_at = (deadline && deadline < soon) ? deadline : soon;
		}
		err = schedule_sleep(wake_at, true);
		poll_table_clear(pt);
		if (err == -ETIMEDOUT && wake_at != deadline)
			err = 0; /* only the fallback period ran out */
		if (err == -EINTR)
			break;
	}
	poll_table_clear(pt);
	kfree(pt);
	if (count)
		return count;
	if (err == -EINTR)
		return deadline ? -EINTR : -ERESTARTNOHAND;
	return 0;
}

/*
 * A relative timeout from user space as (deadline, now_only). A NULL
 * pointer means wait forever. 0 or -EFAULT/-EINVAL.
 */
static int read_timeout(const void *utmo, u64 *deadline, bool *now_only)
{
	struct k_timespec ts;
	u64 ns;

	*deadline = 0;
	*now_only = false;
	if (!utmo)
		return 0;
	if (copy_from_user(&ts, utmo, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (long)NSEC_PER_SEC)
		return -EINVAL;
	if (ts.tv_sec == 0 && ts.tv_nsec == 0) {
		*now_only = true;
		return 0;
	}
	if ((u64)ts.tv_sec > (~0ULL / 2) / NSEC_PER_SEC)
		return 0; /* beyond any uptime: treat as forever */
	ns = (u64)ts.tv_sec * NSEC_PER_SEC + (u64)ts.tv_nsec;
	*deadline = time_ns() + ns;
	return 0;
}

/*
 * The sigmask argument: read and checked now, applied (for the duration of
 * the call, restored after signal delivery) by apply_sigmask() once every
 * other argument has been accepted.
 */
static int read_sigmask(const void *umask, size_t size, u64 *mask, bool *have)
{
	*have = false;
	if (!umask)
		return 0;
	if (size != sizeof(*mask))
		return -EINVAL;
	if (copy_from_user(mask, umask, sizeof(*mask)))
		return -EFAULT;
	*have = true;
	return 0;
}

static void apply_sigmask(u64 mask, bool have)
{
	if (have)
		signal_set_temp_mask(mask);
}

/* ppoll(fds, nfds, tmo_p, sigmask, sigsetsize) */
SYSCALL_DEFINE5(ppoll, struct pollfd *, ufds, size_t, nfds, const void *, uts, const void *, usig,
		size_t, sigsetsize)
{
	struct pollfd *fds = NULL;
	u64 deadline, mask;
	bool now_only, have_mask;
	long ret;

	if (nfds > proc_rlimit_cur(current_proc(), RLIMIT_NOFILE))
		return -EINVAL; /* Linux's bound on nfds */
	ret = read_timeout(uts, &deadline, &now_only);
	if (!ret)
		ret = read_sigmask(usig, sigsetsize, &mask, &have_mask);
	if (ret)
		return ret;
	if (nfds) {
		fds = kmalloc(nfds * sizeof(*fds));
		if (!fds)
			return -ENOMEM;
		if (copy_from_user(fds, ufds, nfds * sizeof(*fds))) {
			ret = -EFAULT;
			goto out_free;
		}
	}
	apply_sigmask(mask, have_mask);
	ret = poll_loop(fds, nfds, deadline, now_only);
	if (ret >= 0 && nfds && copy_to_user(ufds, fds, nfds * sizeof(*fds)))
		ret = -EFAULT;
out_free:
	kfree(fds);
	return ret;
}

/* ---- pselect6 -------------------------------------------------------------- */

#define SET_WORDS(n) (((n) + SIS_NFDBITS - 1) / SIS_NFDBITS)

struct select_sets {
	unsigned long in[SET_WORDS(SIS_FD_SETSIZE)];
	unsigned long out[SET_WORDS(SIS_FD_SETSIZE)];
	unsigned long ex[SET_WORDS(SIS_FD_SETSIZE)];
};

static bool bit_test(const unsigned long *set, int fd)
{
	return set[fd / SIS_NFDBITS] & (1UL << (fd % SIS_NFDBITS));
}

static void bit_set(unsigned long *set, int fd)
{
	set[fd / SIS_NFDBITS] |= 1UL << (fd % SIS_NFDBITS);
}

/* Read one user fd set of n bits (NULL user pointer: empty). */
static int read_set(unsigned long *set, const void *uset, int n)
{
	size_t bytes = SET_WORDS((size_t)n) * sizeof(unsigned long);

	memset(set, 0, SET_WORDS(SIS_FD_SETSIZE) * sizeof(unsigned long));
	if (!uset)
		return 0;
	return copy_from_user(set, uset, bytes) ? -EFAULT : 0;
}

static int write_set(void *uset, const unsigned long *set, int n)
{
	size_t bytes = SET_WORDS((size_t)n) * sizeof(unsigned long);

	if (!uset)
		return 0;
	return copy_to_user(uset, set, bytes) ? -EFAULT : 0;
}

/* The fd sets as a pollfd array; *count entries. -EBADF for a closed fd. */
static int sets_to_pollfds(const struct select_sets *s, int n, struct pollfd *fds, size_t *count)
{
	*count = 0;
	for (int fd = 0; fd < n; fd++) {
		short ev = 0;
		struct file *f;

		if (bit_test(s->in, fd))
			ev |= POLLIN | POLLRDNORM;
		if (bit_test(s->out, fd))
			ev |= POLLOUT | POLLWRNORM;
		if (bit_test(s->ex, fd))
			ev |= POLLPRI;
		if (!ev)
			continue;
		f = fd_get(fd);
		if (!f)
			return -EBADF;
		file_put(f);
		fds[*count] = (struct pollfd){ .fd = fd, .events = ev };
		(*count)++;
	}
	return 0;
}

/* Ready bits back into the sets (Linux's select mapping); the bit count. */
static int pollfds_to_sets(const struct pollfd *fds, size_t count, struct select_sets *s)
{
	struct select_sets want = *s;
	int bits = 0;

	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < count; i++) {
		int fd = fds[i].fd;
		short r = fds[i].revents;

		if (bit_test(want.in, fd) && (r & (POLLIN | POLLRDNORM | POLLHUP | POLLERR))) {
			bit_set(s->in, fd);
			bits++;
		}
		if (bit_test(want.out, fd) && (r & (POLLOUT | POLLWRNORM | POLLERR))) {
			bit_set(s->out, fd);
			bits++;
		}
		if (bit_test(want.ex, fd) && (r & POLLPRI)) {
			bit_set(s->ex, fd);
			bits++;
		}
	}
	return bits;
}

/* Run the select: sets in/out, n bits each. Returns ready bits or -errno. */
static long do_select(struct select_sets *s, int n, u64 deadline, bool now_only)
{
	struct pollfd *fds = kmalloc((size_t)n * sizeof(*fds) + 1);
	size_t count;
	long ret;

	if (!fds)
		return -ENOMEM;
	ret = sets_to_pollfds(s, n, fds, &count);
	if (!ret)
		ret = poll_loop(fds, count, deadline, now_only);
	if (ret >= 0)
		ret = pollfds_to_sets(fds, count, s);
	kfree(fds);
	return ret;
}

/* pselect6(n, inp, outp, exp, tsp, sig) */
SYSCALL_DEFINE6(pselect6, int, n, void *, uin, void *, uout, void *, uex, const void *, uts,
		const void *, usig)
{
	struct sis_pselect6_sigmask sig;
	struct select_sets *s;
	u64 deadline, mask = 0;
	bool now_only, have_mask = false;
	long ret;

	if (n < 0 || n > SIS_FD_SETSIZE)
		return -EINVAL;
	ret = read_timeout(uts, &deadline, &now_only);
	if (ret)
		return ret;
	if (usig) {
		if (copy_from_user(&sig, usig, sizeof(sig)))
			return -EFAULT;
		ret = read_sigmask(sig.ss, sig.ss_len, &mask, &have_mask);
		if (ret)
			return ret;
	}
	s = kmalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	ret = read_set(s->in, uin, n);
	if (!ret)
		ret = read_set(s->out, uout, n);
	if (!ret)
		ret = read_set(s->ex, uex, n);
	if (!ret) {
		apply_sigmask(mask, have_mask);
		ret = do_select(s, n, deadline, now_only);
	}
	if (ret >= 0 && (write_set(uin, s->in, n) || write_set(uout, s->out, n) ||
			 write_set(uex, s->ex, n)))
		ret = -EFAULT;
	kfree(s);
	return ret;
}
