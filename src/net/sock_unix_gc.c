/*
 * AF_UNIX files in flight: the count, the cap, and the collector.
 *
 * A file sent with SCM_RIGHTS is in flight from the moment its message is
 * queued until it is read or dropped. Two sockets each in flight inside the
 * other (or one inside itself, or a longer ring) keep each other's files
 * referenced after every descriptor is closed: nothing could ever read them,
 * and without a collector their memory is lost. As in Linux
 * (net/unix/garbage.c, before its 2024 rewrite):
 *   - each socket counts the references to its file that are in flight;
 *   - when a reference to a socket's file goes and every one left is in
 *     flight (file_unref), a collection is asked for; it runs at the
 *     outermost unix_unlock, never sleeps, and walks only in-flight sockets:
 *   1. candidates: in-flight sockets whose file has no other reference;
 *   2. each candidate's queue (and, for a listener, its not yet accepted
 *      connections' queues) takes away one count from every candidate it
 *      holds: what is left are references from outside the candidates;
 *   3. candidates with any left are alive, and so is everything they hold,
 *      found with a work list (no recursion, whatever the depth);
 *   4. the rest are garbage: their queued files are dropped, which drops the
 *      last references of the garbage sockets; their releases run after the
 *      outermost unlock, one after the other (file_put's list).
 * The cap: Linux refuses a send (ETOOMANYREFS) once the sending user has
 * more files in flight than RLIMIT_NOFILE, root excepted. SIS has one user,
 * root, so the cap is system-wide and fixed: UNIX_INFLIGHT_MAX references.
 */
#include "sock_unix.h"
#include <sis/file.h>
#include <sis/kernel.h>

/* Files in flight, all sockets together (deep chains of a few processes'
 * worth of descriptors fit; a loop that sends without end does not). */
#define UNIX_INFLIGHT_MAX 4096

static LIST_HEAD(unix_inflight_list); /* struct unix_sock.inflight_node */
static unsigned long unix_inflight_refs; /* every file reference in flight */
static bool unix_gc_wanted;

static struct unix_sock *unix_of_file(struct file *f)
{
	struct sock *sk = sock_from_file(f);

	return sk && sk->family == AF_UNIX ? unix_sk(sk) : NULL;
}

void unix_fds_enter_flight(struct sock_fds *fds)
{
	struct unix_sock *us;

	unix_inflight_refs += fds->n;
	for (unsigned i = 0; i < fds->n; i++) {
		us = unix_of_file(fds->f[i]);
		if (us && us->inflight++ == 0)
			list_add_tail(&us->inflight_node, &unix_inflight_list);
	}
}

void unix_fds_leave_flight(struct sock_fds *fds)
{
	struct unix_sock *us;

	BUG_ON(unix_inflight_refs < fds->n);
	unix_inflight_refs -= fds->n;
	for (unsigned i = 0; i < fds->n; i++) {
		us = unix_of_file(fds->f[i]);
		if (!us)
			continue;
		BUG_ON(us->inflight == 0);
		if (--us->inflight == 0)
			list_del(&us->inflight_node);
	}
}

int unix_fds_check_cap(const struct sock_fds *fds)
{
	return unix_inflight_refs + fds->n > UNIX_INFLIGHT_MAX ? -ETOOMANYREFS : 0;
}

void unix_gc_file_unref(struct sock *sk)
{
	struct unix_sock *us = unix_sk(sk);

	if (!us->inflight || !sk->file || sk->file->refs != us->inflight)
		return;
	unix_gc_wanted = true;
	if (!unix_locked()) {
		unix_lock();
		unix_unlock(); /* runs it */
	}
}

/* ---- the collection ---- */

/* fn on every AF_UNIX socket whose file sits in one of us's messages. Only
 * messages with files are walked: a collection costs the files in flight
 * (capped), not the bytes queued. */
static void each_queued(struct unix_sock *us, void (*fn)(struct unix_sock *child))
{
	struct unix_msg *msg;
	struct unix_sock *child;

	list_for_each_entry(msg, &us->fds_msgs, fds_node) {
		for (unsigned i = 0; i < msg->fds->n; i++) {
			child = unix_of_file(msg->fds->f[i]);
			if (child)
				fn(child);
		}
	}
}

/* fn on every socket us keeps in flight: in its queue and, for a listener,
 * in the queues of connections not yet accepted (they belong to it). */
static void each_child(struct unix_sock *us, void (*fn)(struct unix_sock *child))
{
	struct unix_sock *cs;

	each_queued(us, fn);
	list_for_each_entry(cs, &us->accept_q, accept_node)
		each_queued(cs, fn);
}

static LIST_HEAD(gc_candidates); /* during a collection: not (yet) known alive */
static LIST_HEAD(gc_to_scan);    /* alive, children not looked at yet */
static LIST_HEAD(gc_alive);      /* alive, children looked at */

static void gc_held_by_candidate(struct unix_sock *child)
{
	if (child->gc_state == UNIX_GC_CANDIDATE)
		child->gc_refs--;
}

static void gc_make_alive(struct unix_sock *us)
{
	if (us->gc_state != UNIX_GC_CANDIDATE)
		return;
	us->gc_state = UNIX_GC_ALIVE;
	list_del(&us->gc_node);
	list_add_tail(&us->gc_node, &gc_to_scan);
}

/* Steps 1 and 2: the candidates, each with its count of outside references. */
static void gc_find_candidates(void)
{
	struct unix_sock *us;

	list_for_each_entry(us, &unix_inflight_list, inflight_node) {
		if (!us->sk.file || us->sk.file->refs != us->inflight)
			continue; /* a descriptor or a call holds it */
		us->gc_state = UNIX_GC_CANDIDATE;
		us->gc_refs = us->inflight;
		list_add_tail(&us->gc_node, &gc_candidates);
	}
	list_for_each_entry(us, &gc_candidates, gc_node)
		each_child(us, gc_held_by_candidate);
}

/* Step 3: whatever an alive candidate holds is alive. */
static void gc_mark_alive(void)
{
	struct unix_sock *us, *next;

	list_for_each_entry_safe(us, next, &gc_candidates, gc_node) {
		if (us->gc_refs)
			gc_make_alive(us);
	}
	while (!list_empty(&gc_to_scan)) {
		us = list_first_entry(&gc_to_scan, struct unix_sock, gc_node);
		list_del(&us->gc_node);
		list_add_tail(&us->gc_node, &gc_alive);
		each_child(us, gc_make_alive);
	}
}

/* Drop the files queued in us (and its pending connections). */
static void gc_drop_queued(struct unix_sock *us)
{
	struct unix_msg *msg;

	while (!list_empty(&us->fds_msgs)) {
		msg = list_first_entry(&us->fds_msgs, struct unix_msg, fds_node);
		sock_fds_put(unix_msg_detach_fds(msg)); /* last puts: after the unlock */
	}
}

/* Step 4: the garbage; then every state is reset for the next collection. */
static void gc_sweep(void)
{
	struct unix_sock *us, *cs;

	list_for_each_entry(us, &gc_candidates, gc_node) {
		gc_drop_queued(us);
		list_for_each_entry(cs, &us->accept_q, accept_node)
			gc_drop_queued(cs);
	}
	while (!list_empty(&gc_candidates)) {
		us = list_first_entry(&gc_candidates, struct unix_sock, gc_node);
		us->gc_state = UNIX_GC_NONE;
		list_del(&us->gc_node);
	}
	while (!list_empty(&gc_alive)) {
		us = list_first_entry(&gc_alive, struct unix_sock, gc_node);
		us->gc_state = UNIX_GC_NONE;
		list_del(&us->gc_node);
	}
}

static void unix_gc(void)
{
	gc_find_candidates();
	gc_mark_alive();
	gc_sweep();
}

void unix_gc_run_wanted(void)
{
	/* A sweep's puts may ask again; the next pass then finds nothing new. */
	while (unix_gc_wanted) {
		unix_gc_wanted = false;
		unix_gc();
	}
}
