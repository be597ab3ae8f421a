/*
 * Queued real-time signals (signal(7) "Real-time signals"): SIGRTMIN..
 * SIGRTMAX sent several times are all delivered, each with its own siginfo
 * (a sigqueue value, the sender), in the order sent; the lowest-numbered
 * signal goes first. A process and each thread have a queue; the pending bit
 * of a real-time signal stays set while its queue holds one. Standard
 * signals keep one pending bit and one origin each (signal.c).
 *
 * Each queued signal counts against RLIMIT_SIGPENDING of the receiver's real
 * user, as on Linux (a user's queued signals, all processes together). Past
 * it, a kill() still marks the signal pending (its siginfo is the last
 * origin kept in the bit's slot: Linux drops the information too), while
 * sigqueue/tgkill and the kernel's senders get -EAGAIN.
 *
 * Sending happens with interrupts masked (signal.c), so do these.
 */
#include <sis/kernel.h>
#include <sis/mm.h>
#include "proc_internal.h"

struct sigqueue {
	struct list_head node; /* in a proc's or thread's sig_queue */
	int sig;
	u32 uid;               /* the user it counts against */
	struct sig_origin o;
};

/* Queued signals per real uid: a few users at most on SIS. */
#define SIGQ_USERS 32
static struct {
	u32 uid;
	u32 queued;
} users[SIGQ_USERS];

static u32 *user_count(u32 uid, bool make)
{
	int free = -1;

	for (int i = 0; i < SIGQ_USERS; i++) {
		if (users[i].queued && users[i].uid == uid)
			return &users[i].queued;
		if (!users[i].queued && free < 0)
			free = i;
	}
	if (!make || free < 0)
		return NULL;
	users[free].uid = uid;
	return &users[free].queued;
}

int sigq_add(struct list_head *q, const struct proc *to, int sig, const struct sig_origin *o)
{
	u32 uid = to->cred.uid[0], *n = user_count(uid, true);
	struct sigqueue *e;

	if (!n || *n >= to->rlimit[RLIMIT_SIGPENDING].rlim_cur)
		return -EAGAIN;
	e = kmalloc(sizeof(*e));
	if (!e)
		return -EAGAIN;
	e->sig = sig;
	e->uid = uid;
	e->o = *o;
	(*n)++;
	list_add_tail(&e->node, q);
	return 0;
}

static void entry_free(struct sigqueue *e)
{
	u32 *n = user_count(e->uid, false);

	if (n)
		(*n)--;
	list_del(&e->node);
	kfree(e);
}

int sigq_take(struct list_head *q, int sig, struct sig_origin *o)
{
	struct sigqueue *e, *found = NULL;
	int left = 0;

	list_for_each_entry(e, q, node) {
		if (e->sig != sig)
			continue;
		if (!found)
			found = e;
		else
			left++;
	}
	if (!found)
		return -ENOENT;
	*o = found->o;
	entry_free(found);
	return left;
}

void sigq_flush(struct list_head *q)
{
	while (!list_empty(q))
		entry_free(list_first_entry(q, struct sigqueue, node));
}
