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
 * (fork keeps such pages shared). Linux keys shared futexes in private
 * anonymous memory by (mm, address) as well, so the two kinds agree there.
 *
 * Sleepers are futex_waiters on the sleeping thread's kernel stack, in one
 * of FUTEX_BUCKETS lists by key. Only process context touches the lists and
 * the kernel is not preempted, so reading the word, comparing and queueing
 * is atomic with respect to every waker without a lock; a waiter leaves its
 * list before its thread returns from futex(), so a queued waiter's task is
 * always alive. A wake takes the waiter off its list (queued = false)
 * before waking the task: the sleeper knows it was woken and not timed out.
 *
 * Not done: priority inheritance (FUTEX_LOCK_PI and friends: -ENOSYS, as a
 * kernel without CONFIG_FUTEX_PI), FUTEX_FD (-ENOSYS, as Linux since 2.6.26).
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
	u64 space; /* the vm_space of a private futex; 0 for a MAP_SHARED page */
	u64 addr;  /* user address, or physical address in a shared page */
};

struct futex_waiter {
	struct list_head node; /* in its bucket while queued */
	struct futex_key key;  /* requeue changes it */
	u32 bitset;            /* FUTEX_WAIT_BITSET's mask; wakes must share a bit */
	struct task *task;     /* the sleeper (current while queued) */
	bool queued;           /* false once a wake took it off its bucket */
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
	*k = (struct futex_key){ (u64)vm, uaddr };
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
		if (!key_eq(&w->key, k) || !(w->bitset & bitset))
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

/* Sleep while the word at uaddr is val, until a wake, the monotonic
 * deadline (0: none) or a signal. */
static long futex_wait(u64 uaddr, bool private, u32 val, u32 bitset, u64 deadline,
		       long interrupted)
{
	struct futex_waiter w;
	struct futex_key k;
	u32 cur;
	int err = key_of(uaddr, private, &k);

	if (err)
		return err;
	if (copy_from_user(&cur, (const void *)uaddr, sizeof(cur)))
		return -EFAULT;
	if (cur != val)
		return -EAGAIN;
	w.key = k;
	w.bitset = bitset;
	w.task = current_task;
	w.queued = true;
	list_add_tail(&w.node, bucket_of(&k));
	for (;;) {
		sched_prepare_sleep();
		if (!w.queued)
			break;
		err = schedule_sleep(deadline, true);
		if (err)
			break;
	}
	sched_cancel_sleep();
	if (!w.queued)
		return 0; /* woken, whatever else happened meanwhile */
	list_del(&w.node);
	return err == -EINTR ? interrupted : err;
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
		if (!key_eq(&w->key, &k1))
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

	if (realtime && cmd != FUTEX_WAIT && cmd != FUTEX_WAIT_BITSET)
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
				  cmd == FUTEX_WAIT_BITSET ? -ERESTARTNOHAND : -EINTR);
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
	default:
		return -ENOSYS; /* FUTEX_FD, the PI operations */
	}
}

/* ---- robust futexes and clear_child_tid ---- */

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
