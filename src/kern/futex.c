/*
 * futex(2): fast user-space locking. A futex is a 32-bit word in user
 * memory; a thread sleeps in FUTEX_WAIT only while the word still holds the
 * value it saw, and FUTEX_WAKE (and the requeue/wake-op variants) wake
 * sleepers of that word. Also the robust-futex list (set_robust_list) and
 * its cleanup at thread exit, and the clear_child_tid wake.
 *
 * Keys: a private futex (FUTEX_PRIVATE_FLAG, or a word in private memory)
 * is (address space, user address); a shared one in a MAP_SHARED page is
 * its physical address, which every process sharing the page sees alike
 * (fork keeps such pages shared). A shared futex in private memory is
 * (address space | 1, user address): Linux keys it by (mm, address) with
 * FUT_OFF_MMSHARED set, so a shared wake never finds a private waiter of
 * the same word, nor the other way round.
 *
 * Sleepers are futex_waiters on the sleeping thread's kernel stack, in one
 * of FUTEX_BUCKETS lists by key. Only process context touches the lists and
 * the kernel is not preempted, so reading the word, comparing and queueing
 * is atomic with respect to every waker without a lock; a waiter leaves its
 * list before its thread returns from futex(), so a queued waiter's task is
 * always alive. A wake takes the waiter off its list (queued = false)
 * before waking the task: the sleeper knows it was woken and not timed out.
 *
 * PI futexes (FUTEX_LOCK_PI, LOCK_PI2, TRYLOCK_PI, UNLOCK_PI, and the
 * requeue from a condition word to a PI lock: WAIT_REQUEUE_PI,
 * CMP_REQUEUE_PI) keep Linux's protocol on the word: the owner's TID,
 * FUTEX_WAITERS while someone waits in the kernel, FUTEX_OWNER_DIED after a
 * robust owner died. Unlock hands the lock to the first waiter (the word
 * becomes its TID | FUTEX_WAITERS, as Linux's wake_futex_pi), so ownership
 * is FIFO. The scheduler has no priorities, so there is nothing to inherit:
 * what a PTHREAD_PRIO_INHERIT mutex relies on is the protocol and the
 * handover. futex_waitv waits on up to 128 words at once (one waiter each,
 * all for the same task; the first woken is the answer). Not done:
 * FUTEX_FD (-ENOSYS, as Linux since 2.6.26), futex2's NUMA words.
 */
#include <sis/kernel.h>
#include <sis/list.h>
#include <sis/init.h>
#include <sis/sched.h>
#include <sis/timer.h>
#include <sis/syscall.h>
#include <sis/uaccess.h>
#include <uapi/sis/futex.h>
#include <uapi/sis/time.h>
#include "proc_internal.h"

#define FUTEX_BUCKETS 64

struct futex_key {
	u64 space; /* the vm_space of a private futex (| 1 if shared); 0 for a MAP_SHARED page */
	u64 addr;  /* user address, or physical address in a shared page */
};

struct futex_waiter {
	struct list_head node; /* in its bucket while queued */
	struct futex_key key;  /* requeue changes it */
	u32 bitset;            /* FUTEX_WAIT_BITSET's mask; wakes must share a bit */
	struct task *task;     /* the sleeper (current while queued) */
	bool queued;           /* false once a wake took it off its bucket */
	/* PI: pi waits for the lock at key (an unlock hands it over: owner
	 * true); requeue_pi waits on a condition word to be moved to the PI
	 * lock pi_key (WAIT_REQUEUE_PI); tid is the sleeper's. */
	bool pi, requeue_pi, owner;
	struct futex_key pi_key;
	int tid;
};

static struct list_head buckets[FUTEX_BUCKETS];

static int futex_init(void)
{
	for (int i = 0; i < FUTEX_BUCKETS; i++)
		list_init(&buckets[i]);
	return 0;
}
INITCALL(INIT_CORE, futex_init);

static struct list_head *bucket_of(const struct futex_key *k)
{
	u64 h = (k->space ^ k->addr) * 0x9e3779b97f4a7c15UL;

	return &buckets[h >> 58];
}

static bool key_eq(const struct futex_key *a, const struct futex_key *b)
{
	return a->space == b->space && a->addr == b->addr;
}

/* The key of the futex word at uaddr (-EINVAL unaligned, -EFAULT for a
 * shared futex outside mapped memory, as Linux's get_futex_key). */
static int key_of(u64 uaddr, bool private, struct futex_key *k)
{
	struct proc *p = cur_proc();
	struct vm_space *vm = p->vm;
	paddr_t pa;

	if (p->tagged_addr)
		uaddr = user_untag(uaddr);
	if (uaddr & 3)
		return -EINVAL;
	if (!user_addr_ok(uaddr, sizeof(u32)))
		return -EFAULT;
	if (!private) {
		if (!user_range_ok((const void *)uaddr, sizeof(u32), false))
			return -EFAULT;
		if (vm_shared_page(vm, uaddr, &pa)) {
			*k = (struct futex_key){ 0, pa };
			return 0;
		}
	}
	*k = (struct futex_key){ (u64)vm | (private ? 0 : 1), uaddr };
	return 0;
}

static void wake_waiter(struct futex_waiter *w)
{
	list_del(&w->node);
	w->queued = false;
	task_wake(w->task);
}

/* Wake up to nr (at least one, as Linux) sleepers of k that share a bit
 * with bitset; the number woken. */
static int wake_key(const struct futex_key *k, int nr, u32 bitset)
{
	struct futex_waiter *w, *n;
	int woken = 0;

	list_for_each_entry_safe(w, n, bucket_of(k), node) {
		if (!key_eq(&w->key, k) || !(w->bitset & bitset) || w->pi)
			continue;
		wake_waiter(w);
		if (++woken >= nr)
			break;
	}
	return woken;
}

int futex_wake_addr(u64 uaddr, bool private, int nr, u32 bitset)
{
	struct futex_key k;
	int err = key_of(uaddr, private, &k);

	return err ? err : wake_key(&k, nr, bitset);
}

/* Sleep while w is queued, until the deadline (0: none) or a signal; 0 if
 * a wake took it off its list, else (dequeued) -ETIMEDOUT or -EINTR. */
static int sleep_queued(struct futex_waiter *w, u64 deadline)
{
	int err = 0;

	for (;;) {
		sched_prepare_sleep();
		if (!w->queued)
			break;
		err = schedule_sleep(deadline, true);
		if (err)
			break;
	}
	sched_cancel_sleep();
	if (!w->queued)
		return 0; /* woken, whatever else happened meanwhile */
	list_del(&w->node);
	return err;
}

/* Sleep while the word at uaddr is val, until a wake, the monotonic
 * deadline (0: none) or a signal. With pi_key (WAIT_REQUEUE_PI) the wait may
 * be moved to that PI lock and end owning it. */
static long futex_wait(u64 uaddr, bool private, u32 val, u32 bitset, u64 deadline,
		       long interrupted, const struct futex_key *pi_key)
{
	struct futex_waiter w;
	struct futex_key k;
	u32 cur;
	int err = key_of(uaddr, private, &k);

	if (err)
		return err;
	if (pi_key && key_eq(&k, pi_key))
		return -EINVAL; /* Linux: the condition word cannot be the lock */
	if (copy_from_user(&cur, (const void *)uaddr, sizeof(cur)))
		return -EFAULT;
	if (cur != val)
		return -EAGAIN;
	w = (struct futex_waiter){ .key = k, .bitset = bitset, .task = current_task,
				   .queued = true, .requeue_pi = pi_key != NULL,
				   .tid = cur_thread()->tid };
	if (pi_key)
		w.pi_key = *pi_key;
	list_add_tail(&w.node, bucket_of(&k));
	err = sleep_queued(&w, deadline);
	if (w.pi) { /* requeued onto the lock: it is ours only if handed over */
		if (w.owner)
			return 0;
		return err == -EINTR ? -ERESTARTNOINTR : err;
	}
	if (!err)
		return pi_key ? -EAGAIN : 0; /* WAIT_REQUEUE_PI woken by a plain wake */
	return err == -EINTR ? interrupted : err;
}

/* ---- PI futexes ---- */

static int get_word(u64 uaddr, u32 *v)
{
	return copy_from_user(v, (const void *)uaddr, sizeof(*v)) ? -EFAULT : 0;
}

static int put_word(u64 uaddr, u32 v)
{
	return copy_to_user((void *)uaddr, &v, sizeof(v)) ? -EFAULT : 0;
}

/* The first thread waiting for PI lock k, or NULL. */
static struct futex_waiter *pi_first(const struct futex_key *k)
{
	struct futex_waiter *w;

	list_for_each_entry(w, bucket_of(k), node) {
		if (key_eq(&w->key, k) && w->pi)
			return w;
	}
	return NULL;
}

/* Hand lock k (word at uaddr) to its first waiter, with extra bits kept
 * (FUTEX_OWNER_DIED); false if nobody waits. */
static int pi_handoff(const struct futex_key *k, u64 uaddr, u32 extra, bool *done)
{
	struct futex_waiter *w = pi_first(k);
	int err;

	*done = false;
	if (!w)
		return 0;
	err = put_word(uaddr, (u32)w->tid | FUTEX_WAITERS | extra);
	if (err)
		return err;
	w->owner = true;
	wake_waiter(w);
	*done = true;
	return 0;
}

/*
 * Take the PI lock at uaddr for the caller (TID tid) if it is free (TID 0,
 * FUTEX_OWNER_DIED kept); 1 if taken, 0 if another owns it (FUTEX_WAITERS
 * then set when wait), or -EDEADLK (ours already), -ESRCH (no such
 * owner), -EFAULT.
 */
static int pi_try(const struct futex_key *k, u64 uaddr, int tid, bool wait)
{
	u32 word, owner;
	int err = get_word(uaddr, &word);

	if (err)
		return err;
	owner = word & FUTEX_TID_MASK;
	if (owner == (u32)tid)
		return -EDEADLK;
	if (!owner) {
		word = (word & FUTEX_OWNER_DIED) | (u32)tid | (pi_first(k) ? FUTEX_WAITERS : 0);
		err = put_word(uaddr, word);
		return err ? err : 1;
	}
	if (!thread_find((int)owner))
		return -ESRCH;
	if (wait && !(word & FUTEX_WAITERS))
		err = put_word(uaddr, word | FUTEX_WAITERS);
	return err;
}

/* FUTEX_LOCK_PI(2) and FUTEX_TRYLOCK_PI. */
static long futex_lock_pi(u64 uaddr, bool private, u64 deadline, bool trylock)
{
	struct futex_waiter w;
	struct futex_key k;
	int tid = cur_thread()->tid;
	int err = key_of(uaddr, private, &k);

	if (err)
		return err;
	for (;;) {
		err = pi_try(&k, uaddr, tid, !trylock);
		if (err)
			return err < 0 ? err : 0;
		if (trylock)
			return -EWOULDBLOCK;
		w = (struct futex_waiter){ .key = k, .bitset = FUTEX_BITSET_MATCH_ANY,
					   .task = current_task, .queued = true, .pi = true,
					   .tid = tid };
		list_add_tail(&w.node, bucket_of(&k));
		err = sleep_queued(&w, deadline);
		if (w.owner)
			return 0; /* handed over by the unlock */
		if (err)
			return err == -EINTR ? -ERESTARTNOINTR : err;
		/* woken without the lock (its owner died): try again */
	}
}

/* FUTEX_UNLOCK_PI: the caller must own it (-EPERM); the first waiter gets it. */
static long futex_unlock_pi(u64 uaddr, bool private)
{
	struct futex_key k;
	u32 word;
	bool done;
	int err = key_of(uaddr, private, &k);

	if (!err)
		err = get_word(uaddr, &word);
	if (err)
		return err;
	if ((word & FUTEX_TID_MASK) != (u32)cur_thread()->tid)
		return -EPERM;
	err = pi_handoff(&k, uaddr, 0, &done);
	if (!err && !done)
		err = put_word(uaddr, 0);
	return err;
}

/*
 * FUTEX_CMP_REQUEUE_PI: while the word at uaddr is cmpval, the first
 * WAIT_REQUEUE_PI sleeper of uaddr takes the PI lock at uaddr2 if it is
 * free (woken owning it), and up to nr_requeue more move to wait for that
 * lock; the number woken plus moved. nr_wake must be 1 (Linux); a sleeper
 * waiting for another lock, -EINVAL.
 */
static long futex_cmp_requeue_pi(u64 uaddr, u64 uaddr2, bool private, int nr_wake,
				 int nr_requeue, u32 cmpval)
{
	struct futex_key k1, k2;
	struct futex_waiter *w, *n;
	LIST_HEAD(moved);
	int count = 0, err;
	u32 cur;

	if (nr_wake != 1 || nr_requeue < 0)
		return -EINVAL;
	err = key_of(uaddr, private, &k1);
	if (!err)
		err = key_of(uaddr2, private, &k2);
	if (!err && key_eq(&k1, &k2))
		err = -EINVAL;
	if (!err)
		err = get_word(uaddr, &cur);
	if (err)
		return err;
	if (cur != cmpval)
		return -EAGAIN;
	list_for_each_entry_safe(w, n, bucket_of(&k1), node) {
		if (!key_eq(&w->key, &k1) || w->pi)
			continue;
		if (!w->requeue_pi || !key_eq(&w->pi_key, &k2)) {
			err = -EINVAL;
			break;
		}
		if (count == 0) { /* the top waiter: the lock, if free */
			err = pi_try(&k2, uaddr2, w->tid, true);
			if (err < 0)
				return err;
			if (err == 1) {
				w->pi = true;
				w->owner = true;
				wake_waiter(w);
				count++;
				continue;
			}
		}
		if (count >= nr_requeue + 1)
			break;
		err = pi_try(&k2, uaddr2, w->tid, true); /* sets FUTEX_WAITERS */
		if (err < 0)
			break;
		err = 0;
		list_del(&w->node);
		w->key = k2;
		w->pi = true;
		list_add_tail(&w->node, &moved); /* the buckets may be one list */
		count++;
	}
	list_for_each_entry_safe(w, n, &moved, node) {
		list_del(&w->node);
		list_add_tail(&w->node, bucket_of(&k2));
	}
	return count ? count : err;
}

/*
 * FUTEX_REQUEUE / FUTEX_CMP_REQUEUE: wake nr_wake sleepers of uaddr and move
 * up to nr_requeue others to uaddr2; the sum. With cmpval, only while the
 * word at uaddr is *cmpval (-EAGAIN otherwise).
 */
static long futex_requeue(u64 uaddr, u64 uaddr2, bool private, int nr_wake, int nr_requeue,
			  const u32 *cmpval)
{
	struct futex_key k1, k2;
	struct futex_waiter *w, *n;
	LIST_HEAD(moved);
	int count = 0, err;
	u32 cur;

	if (nr_wake < 0 || nr_requeue < 0)
		return -EINVAL;
	err = key_of(uaddr, private, &k1);
	if (!err)
		err = key_of(uaddr2, private, &k2);
	if (err)
		return err;
	if (cmpval) {
		if (copy_from_user(&cur, (const void *)uaddr, sizeof(cur)))
			return -EFAULT;
		if (cur != *cmpval)
			return -EAGAIN;
	}
	list_for_each_entry_safe(w, n, bucket_of(&k1), node) {
		if (count - nr_wake >= nr_requeue)
			break;
		if (!key_eq(&w->key, &k1) || w->pi)
			continue;
		if (++count <= nr_wake) {
			wake_waiter(w);
			continue;
		}
		list_del(&w->node);
		w->key = k2;
		list_add_tail(&w->node, &moved); /* the buckets may be one list */
	}
	list_for_each_entry_safe(w, n, &moved, node) {
		list_del(&w->node);
		list_add_tail(&w->node, bucket_of(&k2));
	}
	return count;
}

static s32 sign_extend12(u32 v)
{
	return (s32)(v << 20) >> 20;
}

/* FUTEX_WAKE_OP's operation on *word; -ENOSYS for an unknown one. */
static int wake_op_apply(u32 encoded, u32 old, u32 *new)
{
	unsigned op = (encoded >> 28) & 7;
	s32 oparg = sign_extend12(encoded >> 12);

	if ((encoded >> 28) & FUTEX_OP_OPARG_SHIFT)
		oparg = (s32)(1u << ((u32)oparg & 31));
	switch (op) {
	case FUTEX_OP_SET: *new = (u32)oparg; return 0;
	case FUTEX_OP_ADD: *new = old + (u32)oparg; return 0;
	case FUTEX_OP_OR: *new = old | (u32)oparg; return 0;
	case FUTEX_OP_ANDN: *new = old & ~(u32)oparg; return 0;
	case FUTEX_OP_XOR: *new = old ^ (u32)oparg; return 0;
	default: return -ENOSYS;
	}
}

/* FUTEX_WAKE_OP's comparison of the old value: 1, 0, or -ENOSYS. */
static int wake_op_cmp(u32 encoded, u32 old)
{
	s32 cmparg = sign_extend12(encoded), o = (s32)old;

	switch ((encoded >> 24) & 15) {
	case FUTEX_OP_CMP_EQ: return o == cmparg;
	case FUTEX_OP_CMP_NE: return o != cmparg;
	case FUTEX_OP_CMP_LT: return o < cmparg;
	case FUTEX_OP_CMP_LE: return o <= cmparg;
	case FUTEX_OP_CMP_GT: return o > cmparg;
	case FUTEX_OP_CMP_GE: return o >= cmparg;
	default: return -ENOSYS;
	}
}

/* Atomically (nothing else runs meanwhile) update the word at uaddr2, wake
 * nr sleepers of uaddr and, if the old value passes the comparison, nr2 of
 * uaddr2; the number woken. */
static long futex_wake_op(u64 uaddr, u64 uaddr2, bool private, int nr, int nr2, u32 encoded)
{
	struct futex_key k1, k2;
	u32 old, new;
	int err, cmp, woken;

	err = key_of(uaddr, private, &k1);
	if (!err)
		err = key_of(uaddr2, private, &k2);
	if (err)
		return err;
	if (copy_from_user(&old, (const void *)uaddr2, sizeof(old)))
		return -EFAULT;
	err = wake_op_apply(encoded, old, &new);
	cmp = wake_op_cmp(encoded, old);
	if (err || cmp < 0)
		return -ENOSYS;
	if (copy_to_user((void *)uaddr2, &new, sizeof(new)))
		return -EFAULT;
	woken = wake_key(&k1, nr, FUTEX_BITSET_MATCH_ANY);
	if (cmp)
		woken += wake_key(&k2, nr2, FUTEX_BITSET_MATCH_ANY);
	return woken;
}

/* The monotonic deadline of a wait's timeout (utime NULL: none, 0). FUTEX_WAIT
 * takes a relative time, FUTEX_WAIT_BITSET an absolute one on CLOCK_MONOTONIC
 * or, with FUTEX_CLOCK_REALTIME, CLOCK_REALTIME. */
static int wait_deadline(u64 utime, bool absolute, bool realtime, u64 *deadline)
{
	struct linux_timespec ts;
	u64 ns, now = time_ns();
	s64 target;

	*deadline = 0;
	if (!utime)
		return 0;
	if (copy_from_user(&ts, (const void *)utime, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (s64)NSEC_PER_SEC)
		return -EINVAL;
	if ((u64)ts.tv_sec > (UINT64_MAX / 4) / NSEC_PER_SEC)
		ts.tv_sec = (s64)((UINT64_MAX / 4) / NSEC_PER_SEC); /* forever, in effect */
	ns = (u64)ts.tv_sec * NSEC_PER_SEC + (u64)ts.tv_nsec;
	if (!absolute) {
		*deadline = now + ns;
		return 0;
	}
	target = (s64)ns - (realtime ? time_realtime_offset_ns() : 0);
	*deadline = target > (s64)now ? (u64)target : 1; /* past: times out at once */
	return 0;
}

/* futex(uaddr, op, val, timeout or val2, uaddr2, val3) */
SYSCALL_DEFINE6(futex, u64, uaddr, int, op, u32, val, u64, utime, u64, uaddr2, u32, val3)
{
	int cmd = op & FUTEX_CMD_MASK;
	bool private = op & FUTEX_PRIVATE_FLAG, realtime = op & FUTEX_CLOCK_REALTIME;
	u64 deadline;
	int err;

	if (realtime && cmd != FUTEX_WAIT && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_LOCK_PI2 &&
	    cmd != FUTEX_WAIT_REQUEUE_PI)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
		val3 = FUTEX_BITSET_MATCH_ANY;
		/* fallthrough */
	case FUTEX_WAIT_BITSET:
		if (!val3)
			return -EINVAL;
		err = wait_deadline(utime, cmd == FUTEX_WAIT_BITSET, realtime, &deadline);
		if (err)
			return err;
		/* Untimed: SA_RESTART restarts it; an absolute deadline
		 * restarts unchanged when no handler ran; a relative one
		 * would start over, so it reports EINTR (as glibc expects). */
		return futex_wait(uaddr, private, val, val3, deadline,
				  !utime ? -ERESTARTSYS :
				  cmd == FUTEX_WAIT_BITSET ? -ERESTARTNOHAND : -EINTR, NULL);
	case FUTEX_WAKE:
		val3 = FUTEX_BITSET_MATCH_ANY;
		/* fallthrough */
	case FUTEX_WAKE_BITSET:
		if (!val3)
			return -EINVAL;
		return futex_wake_addr(uaddr, private, (int)val, val3);
	case FUTEX_REQUEUE:
		return futex_requeue(uaddr, uaddr2, private, (int)val, (int)utime, NULL);
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(uaddr, uaddr2, private, (int)val, (int)utime, &val3);
	case FUTEX_WAKE_OP:
		return futex_wake_op(uaddr, uaddr2, private, (int)val, (int)utime, val3);
	case FUTEX_LOCK_PI:
	case FUTEX_LOCK_PI2:
		/* an absolute timeout: LOCK_PI's on CLOCK_REALTIME, LOCK_PI2's
		 * on CLOCK_MONOTONIC unless FUTEX_CLOCK_REALTIME */
		err = wait_deadline(utime, true, cmd == FUTEX_LOCK_PI || realtime, &deadline);
		return err ? err : futex_lock_pi(uaddr, private, deadline, false);
	case FUTEX_TRYLOCK_PI:
		return futex_lock_pi(uaddr, private, 0, true);
	case FUTEX_UNLOCK_PI:
		return futex_unlock_pi(uaddr, private);
	case FUTEX_WAIT_REQUEUE_PI: {
		struct futex_key pk;

		err = key_of(uaddr2, private, &pk);
		if (!err)
			err = wait_deadline(utime, true, realtime, &deadline);
		return err ? err : futex_wait(uaddr, private, val, FUTEX_BITSET_MATCH_ANY, deadline,
					      -ERESTARTNOINTR, &pk);
	}
	case FUTEX_CMP_REQUEUE_PI:
		return futex_cmp_requeue_pi(uaddr, uaddr2, private, (int)val, (int)utime, val3);
	default:
		return -ENOSYS; /* FUTEX_FD */
	}
}

/* ---- futex_waitv ---- */

struct waitv_entry {
	struct futex_waiter w;
	u64 uaddr;
	u32 val;
	bool private;
};

/* The first of n entries a wake took off its list, or -1. */
static int waitv_woken(const struct waitv_entry *e, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (!e[i].w.queued)
			return (int)i;
	return -1;
}

/* Sleep on all n queued entries until one is woken (its index), the
 * deadline (-ETIMEDOUT) or a signal (-ERESTARTSYS); all leave their lists. */
static long waitv_sleep(struct waitv_entry *e, unsigned n, u64 deadline)
{
	int err = 0, woken;

	for (;;) {
		sched_prepare_sleep();
		if (waitv_woken(e, n) >= 0)
			break;
		err = schedule_sleep(deadline, true);
		if (err)
			break;
	}
	sched_cancel_sleep();
	woken = waitv_woken(e, n);
	for (unsigned i = 0; i < n; i++)
		if (e[i].w.queued)
			list_del(&e[i].w.node);
	if (woken >= 0)
		return woken;
	return err == -EINTR ? -ERESTARTSYS : err;
}

/* Read and check the user's entries (Linux's futex_parse_waitv). */
static int waitv_parse(const struct linux_futex_waitv *uw, unsigned n, struct waitv_entry *e)
{
	for (unsigned i = 0; i < n; i++) {
		struct linux_futex_waitv v;

		if (copy_from_user(&v, &uw[i], sizeof(v)))
			return -EFAULT;
		if ((v.flags & ~(u32)(FUTEX2_SIZE_MASK | FUTEX2_PRIVATE)) || v.__reserved)
			return -EINVAL; /* NUMA and MPOL words are not kept here */
		if ((v.flags & FUTEX2_SIZE_MASK) != FUTEX2_SIZE_U32 || v.val > UINT32_MAX)
			return -EINVAL;
		e[i] = (struct waitv_entry){
			.w = { .bitset = FUTEX_BITSET_MATCH_ANY, .task = current_task,
			       .tid = cur_thread()->tid },
			.uaddr = v.uaddr, .val = (u32)v.val, .private = v.flags & FUTEX2_PRIVATE,
		};
	}
	return 0;
}

/* Queue all n, or none if a word differs (-EAGAIN) or faults (Linux's
 * futex_wait_multiple_setup). Nothing runs between the reads and the
 * queueing (see the top of the file). */
static int waitv_queue(struct waitv_entry *e, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		int err = key_of(e[i].uaddr, e[i].private, &e[i].w.key);
		u32 cur;

		if (!err && copy_from_user(&cur, (const void *)e[i].uaddr, sizeof(cur)))
			err = -EFAULT;
		if (!err && cur != e[i].val)
			err = -EAGAIN;
		if (err)
			return err;
	}
	for (unsigned i = 0; i < n; i++) {
		e[i].w.queued = true;
		list_add_tail(&e[i].w.node, bucket_of(&e[i].w.key));
	}
	return 0;
}

/*
 * futex_waitv(waiters, nr, flags, timeout, clockid): sleep until any of nr
 * words is woken; returns its index. The timeout is absolute on clockid
 * (CLOCK_MONOTONIC or CLOCK_REALTIME). Linux's order of checks: flags, nr,
 * the timeout, then each entry.
 */
SYSCALL_DEFINE5(futex_waitv, const struct linux_futex_waitv *, uwaiters, unsigned, nr,
		unsigned, flags, u64, utimeout, int, clockid)
{
	struct waitv_entry *e;
	u64 deadline = 0;
	long r;

	if (flags || !nr || nr > FUTEX_WAITV_MAX || !uwaiters)
		return -EINVAL;
	if (utimeout && clockid != CLOCK_REALTIME && clockid != CLOCK_MONOTONIC)
		return -EINVAL;
	r = wait_deadline(utimeout, true, clockid == CLOCK_REALTIME, &deadline);
	if (r)
		return r;
	e = kmalloc(nr * sizeof(*e));
	if (!e)
		return -ENOMEM;
	r = waitv_parse(uwaiters, nr, e);
	if (!r)
		r = waitv_queue(e, nr);
	if (!r)
		r = waitv_sleep(e, nr, deadline);
	kfree(e);
	return r;
}

/* ---- robust futexes and clear_child_tid ---- */

/* A robust PI lock whose owner died: its first waiter gets it with
 * FUTEX_OWNER_DIED (glibc then says EOWNERDEAD). True if one waited. */
static bool pi_owner_died(u64 uaddr)
{
	struct futex_key k;
	bool done = false;

	if (key_of(uaddr, false, &k))
		return false;
	if (!pi_first(&k)) {
		k.space = (u64)cur_proc()->vm; /* a private lock */
		k.addr = uaddr;
	}
	pi_handoff(&k, uaddr, FUTEX_OWNER_DIED, &done);
	return done;
}

/* A lock at uaddr held by the exiting thread tid: mark its owner dead and
 * wake one waiter (Linux's handle_futex_death). pending: the entry was in
 * list_op_pending, whose lock may already be free with waiters left. */
static void owner_died(u64 uaddr, int tid, bool pending)
{
	u32 val, nval;

	if ((uaddr & 3) || copy_from_user(&val, (const void *)uaddr, sizeof(val)))
		return;
	if (pending && !val) {
		futex_wake_addr(uaddr, false, 1, FUTEX_BITSET_MATCH_ANY);
		return;
	}
	if ((val & FUTEX_TID_MASK) != (u32)tid)
		return;
	nval = (val & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
	if (copy_to_user((void *)uaddr, &nval, sizeof(nval)))
		return;
	if (pi_owner_died(uaddr))
		return; /* a PI lock went to its next waiter */
	if (val & FUTEX_WAITERS)
		futex_wake_addr(uaddr, false, 1, FUTEX_BITSET_MATCH_ANY);
}

void futex_exit_robust_list(u64 head_uaddr, int tid)
{
	struct linux_robust_list_head head;
	u64 entry, pending;

	if (!head_uaddr || copy_from_user(&head, (const void *)head_uaddr, sizeof(head)))
		return;
	entry = head.list.next & ~1UL; /* bit 0 marks a PI lock */
	pending = head.list_op_pending & ~1UL;
	for (int n = 0; entry != head_uaddr && n < ROBUST_LIST_LIMIT; n++) {
		u64 next;

		if (copy_from_user(&next, (const void *)entry, sizeof(next)))
			return;
		if (entry != pending)
			owner_died(entry + (u64)head.futex_offset, tid, false);
		entry = next & ~1UL;
	}
	if (pending)
		owner_died(pending + (u64)head.futex_offset, tid, true);
}

void futex_clear_child_tid(u64 uaddr)
{
	u32 zero = 0;

	if (uaddr && !copy_to_user((void *)uaddr, &zero, sizeof(zero)))
		futex_wake_addr(uaddr, false, 1, FUTEX_BITSET_MATCH_ANY);
}

SYSCALL_DEFINE2(set_robust_list, u64, head, size_t, len)
{
	if (len != sizeof(struct linux_robust_list_head))
		return -EINVAL;
	cur_thread()->robust_list = head;
	return 0;
}

SYSCALL_DEFINE3(get_robust_list, int, tid, u64 *, uhead, size_t *, ulen)
{
	u64 len = sizeof(struct linux_robust_list_head);
	struct thread *t = tid ? thread_find(tid) : cur_thread();

	if (tid < 0)
		return -EINVAL;
	if (!t)
		return -ESRCH;
	if (copy_to_user(uhead, &t->robust_list, sizeof(u64)) ||
	    copy_to_user(ulen, &len, sizeof(len)))
		return -EFAULT;
	return 0;
}
