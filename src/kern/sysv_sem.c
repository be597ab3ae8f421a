/*
 * System V semaphores: semget, semctl, semop and semtimedop (svipc(7),
 * semop(2)), with Linux's errno values. Up to SEMMNI sets of up to SEMMSL
 * semaphores each; a set lives until IPC_RMID (waiters then get EIDRM).
 * semop applies all of its operations or none and sleeps (interruptibly,
 * optionally until a timeout) until it can. Access follows the set's mode
 * bits against the caller's effective ids (sysv_ipc.h: CAP_IPC_OWNER passes).
 * Not done: SEM_UNDO (EINVAL rather than pretending), IPC_STAT/IPC_SET/
 * IPC_INFO/SEM_INFO (EINVAL), /proc/sysvipc, message queues (shared memory:
 * sysv_shm.c).
 *
 * The kernel is uniprocessor and not preempted: no lock is needed around
 * the table. A sleeper holds its set by a count (sleepers): IPC_RMID takes
 * the set out of the table and wakes them, and the last one to leave frees
 * it (their waiters are on its queue until then).
 */
#include <sis/kernel.h>
#include <sis/mm.h>
#include <sis/proc.h>
#include <sis/syscall.h>
#include <sis/timer.h>
#include <sis/uaccess.h>
#include <sis/wait.h>
#include <uapi/sis/sem.h>
#include <uapi/sis/time.h>
#include <uapi/sis/capability.h>
#include "sysv_ipc.h"

struct sem {
	unsigned short val;
	int pid;                /* GETPID: last process to change it */
	unsigned ncnt, zcnt;    /* sleepers waiting for an increase / for zero */
};

struct sem_set {
	int key;
	int id;                 /* seq << ID_SHIFT | slot: a stale id finds no new set */
	struct sysv_perm perm;  /* owner, creator, permission bits */
	int nsems;
	struct wait_queue wq;   /* semop sleepers; woken on every change and on removal */
	unsigned sleepers;      /* semop calls asleep on wq: each holds the set */
	bool removed;           /* IPC_RMID: out of the table, freed by the last sleeper */
	struct sem sems[];
};

static struct sem_set *sets[SEMMNI];
static unsigned next_seq = 1;

#define ID_SHIFT 15

static struct sem_set *set_of(int id)
{
	unsigned slot = (unsigned)id & ((1u << ID_SHIFT) - 1);

	if (id < 0 || slot >= SEMMNI || !sets[slot] || sets[slot]->id != id)
		return NULL;
	return sets[slot];
}

static long set_create(int key, int nsems, int flags)
{
	struct sem_set *s;
	int slot;

	if (nsems <= 0 || nsems > SEMMSL)
		return -EINVAL;
	for (slot = 0; slot < SEMMNI && sets[slot]; slot++)
		;
	if (slot == SEMMNI)
		return -ENOSPC;
	s = kzalloc(sizeof(*s) + (size_t)nsems * sizeof(s->sems[0]));
	if (!s)
		return -ENOMEM;
	s->key = key;
	s->id = (int)((next_seq++ & 0xffff) << ID_SHIFT | (unsigned)slot);
	s->perm.uid = s->perm.cuid = proc_euid();
	s->perm.gid = s->perm.cgid = proc_egid();
	s->perm.mode = (u32)flags & 0777;
	s->nsems = nsems;
	waitq_init(&s->wq);
	sets[slot] = s;
	return s->id;
}

SYSCALL_DEFINE3(semget, int, key, int, nsems, int, flags)
{
	struct sem_set *s = NULL;
	u32 want = ((u32)flags >> 6) & 7; /* the owner bits asked for, as Linux checks */

	if (key != IPC_PRIVATE) {
		for (int i = 0; i < SEMMNI && !s; i++)
			if (sets[i] && sets[i]->key == key)
				s = sets[i];
	}
	if (!s) {
		if (key != IPC_PRIVATE && !(flags & IPC_CREAT))
			return -ENOENT;
		return set_create(key, nsems, flags);
	}
	if ((flags & IPC_CREAT) && (flags & IPC_EXCL))
		return -EEXIST;
	if (nsems < 0 || nsems > s->nsems)
		return -EINVAL;
	if (!sysv_allowed(&s->perm, want & 6))
		return -EACCES;
	return s->id;
}

static void set_remove(struct sem_set *s)
{
	sets[(unsigned)s->id & ((1u << ID_SHIFT) - 1)] = NULL;
	s->removed = true;
	wake_up(&s->wq); /* sleepers see it removed: EIDRM */
	if (!s->sleepers)
		kfree(s);
}

static long sem_setall(struct sem_set *s, const unsigned short *uvals)
{
	unsigned short vals[SEMMSL];

	if (copy_from_user(vals, uvals, (size_t)s->nsems * sizeof(vals[0])))
		return -EFAULT;
	for (int i = 0; i < s->nsems; i++)
		if (vals[i] > SEMVMX)
			return -ERANGE;
	for (int i = 0; i < s->nsems; i++) {
		s->sems[i].val = vals[i];
		s->sems[i].pid = proc_pid(current_proc());
	}
	wake_up(&s->wq);
	return 0;
}

static long sem_getall(struct sem_set *s, unsigned short *uvals)
{
	unsigned short vals[SEMMSL];

	for (int i = 0; i < s->nsems; i++)
		vals[i] = s->sems[i].val;
	return copy_to_user(uvals, vals, (size_t)s->nsems * sizeof(vals[0])) ? -EFAULT : 0;
}

/* The commands on one semaphore; semnum is checked by the caller. */
static long sem_one(struct sem_set *s, struct sem *m, int cmd, unsigned long arg)
{
	switch (cmd) {
	case GETVAL:
		return m->val;
	case GETPID:
		return m->pid;
	case GETNCNT:
		return m->ncnt;
	case GETZCNT:
		return m->zcnt;
	case SETVAL:
		if ((int)arg < 0 || (int)arg > SEMVMX)
			return -ERANGE;
		m->val = (unsigned short)arg;
		m->pid = proc_pid(current_proc());
		wake_up(&s->wq);
		return 0;
	}
	return -EINVAL;
}

SYSCALL_DEFINE4(semctl, int, semid, int, semnum, int, cmd, unsigned long, arg)
{
	struct sem_set *s;

	cmd &= ~IPC_64;
	if (semid < 0 || cmd < 0)
		return -EINVAL;
	s = set_of(semid);
	if (!s)
		return -EINVAL;
	switch (cmd) {
	case IPC_RMID:
		if (!proc_capable(CAP_SYS_ADMIN) && proc_euid() != s->perm.uid)
			return -EPERM;
		set_remove(s);
		return 0;
	case GETALL:
		return sysv_allowed(&s->perm, 4) ? sem_getall(s, (unsigned short *)arg) : -EACCES;
	case SETALL:
		return sysv_allowed(&s->perm, 2) ? sem_setall(s, (const unsigned short *)arg) : -EACCES;
	case GETVAL:
	case GETPID:
	case GETNCNT:
	case GETZCNT:
	case SETVAL:
		if (semnum < 0 || semnum >= s->nsems)
			return -EINVAL;
		if (!sysv_allowed(&s->perm, cmd == SETVAL ? 2 : 4))
			return -EACCES;
		return sem_one(s, &s->sems[semnum], cmd, arg);
	}
	return -EINVAL; /* IPC_STAT, IPC_SET, IPC_INFO, SEM_INFO, SEM_STAT: not done */
}

/*
 * Try the whole operation list: apply it and return 0, or change nothing and
 * return the index of the operation that must wait (+1, negated: -(i+1)).
 */
static int sem_try(struct sem_set *s, const struct sis_sembuf *ops, unsigned nops, int *blocked)
{
	int vals[SEMOPM];

	for (unsigned i = 0; i < nops; i++)
		vals[i] = -1;
	for (unsigned i = 0; i < nops; i++) {
		int cur = s->sems[ops[i].sem_num].val;

		/* an earlier operation on the same semaphore counts */
		for (unsigned j = 0; j < i; j++)
			if (ops[j].sem_num == ops[i].sem_num)
				cur = vals[j];
		if (ops[i].sem_op == 0 ? cur != 0 : cur + ops[i].sem_op < 0) {
			*blocked = (int)i;
			return -EAGAIN;
		}
		if (cur + ops[i].sem_op > SEMVMX)
			return -ERANGE;
		vals[i] = cur + ops[i].sem_op;
	}
	for (unsigned i = 0; i < nops; i++) {
		s->sems[ops[i].sem_num].val = (unsigned short)vals[i];
		s->sems[ops[i].sem_num].pid = proc_pid(current_proc());
	}
	return 0;
}

/* Sleep on s until woken, the deadline or a signal, holding s meanwhile
 * (counted in ncnt or zcnt of m). 0 or the sleep's error; -EIDRM if the set
 * was removed meanwhile (then s is gone once this returns). */
static long sem_sleep(struct sem_set *s, struct sem *m, bool zero, u64 deadline)
{
	struct waiter w;
	long err;

	zero ? m->zcnt++ : m->ncnt++;
	s->sleepers++;
	prepare_to_wait(&s->wq, &w);
	err = schedule_sleep(deadline, true);
	finish_wait(&s->wq, &w);
	s->sleepers--;
	zero ? m->zcnt-- : m->ncnt--;
	if (s->removed) {
		if (!s->sleepers)
			kfree(s);
		return -EIDRM;
	}
	return err;
}

/* Sleep until ops can be applied to s (in the table: the caller checked). */
static long sem_wait_apply(struct sem_set *s, const struct sis_sembuf *ops, unsigned nops,
			   u64 deadline)
{
	long err;

	for (;;) {
		int blocked = 0;

		err = sem_try(s, ops, nops, &blocked);
		if (err != -EAGAIN)
			break;
		if (ops[blocked].sem_flg & IPC_NOWAIT)
			return -EAGAIN;
		err = sem_sleep(s, &s->sems[ops[blocked].sem_num], ops[blocked].sem_op == 0,
				deadline);
		if (err)
			return err == -ETIMEDOUT ? -EAGAIN : err;
	}
	if (!err)
		wake_up(&s->wq); /* values changed: others may proceed now */
	return err;
}

static long do_semop(int semid, const void *usops, unsigned nsops, const void *utimeout)
{
	struct sis_sembuf ops[SEMOPM];
	struct sem_set *s;
	u64 deadline = 0;
	bool alter = false;

	if (semid < 0 || nsops < 1)
		return -EINVAL;
	if (nsops > SEMOPM)
		return -E2BIG;
	if (copy_from_user(ops, usops, nsops * sizeof(ops[0])))
		return -EFAULT;
	if (utimeout) {
		struct linux_timespec ts;

		if (copy_from_user(&ts, utimeout, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (s64)NSEC_PER_SEC)
			return -EINVAL;
		deadline = time_ns() + (u64)ts.tv_sec * NSEC_PER_SEC + (u64)ts.tv_nsec;
	}
	s = set_of(semid);
	if (!s)
		return -EINVAL;
	for (unsigned i = 0; i < nsops; i++) {
		if (ops[i].sem_num >= s->nsems)
			return -EFBIG;
		if (ops[i].sem_flg & SEM_UNDO)
			return -EINVAL; /* not done: see the header */
		alter |= ops[i].sem_op != 0;
	}
	if (!sysv_allowed(&s->perm, alter ? 2 : 4))
		return -EACCES;
	return sem_wait_apply(s, ops, nsops, deadline);
}

SYSCALL_DEFINE3(semop, int, semid, const void *, usops, unsigned, nsops)
{
	return do_semop(semid, usops, nsops, NULL);
}

SYSCALL_DEFINE4(semtimedop, int, semid, const void *, usops, unsigned, nsops,
		const void *, utimeout)
{
	return do_semop(semid, usops, nsops, utimeout);
}
