/*
 * abi_shm: System V shared memory, as a glibc program booted as init on SIS
 * (-DON_SIS) and run natively on Linux as the reference (as root there
 * too): shmget (IPC_PRIVATE, keys, IPC_EXCL, sizes, ENOENT), shmat
 * (anywhere, fixed, SHM_RND, SHM_REMAP, SHM_RDONLY faulting a store),
 * two attachments and a fork child sharing the bytes, shm_nattch/lpid/
 * segsz in IPC_STAT, shmdt (only at an attachment's start), IPC_SET,
 * IPC_RMID while attached (SHM_DEST, key gone, still usable), the
 * permission errors of an unprivileged process (LTP's futex_waitv03 needs
 * the basics).
 * Prints "abi_shm: N checks, M failed"; exit status 1 on any failure.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include "glibc_check.h"

#define NOBODY 65534

static struct shmid_ds stat_of(int id)
{
	struct shmid_ds d;

	memset(&d, 0xff, sizeof(d));
	if (shmctl(id, IPC_STAT, &d) != 0)
		d.shm_segsz = 0;
	return d;
}

/* The wait status of a child that stores to p. */
static int store_status(volatile char *p)
{
	pid_t pid = fork();
	int st = -1;

	if (pid == 0) {
		p[0] = 'x';
		_exit(0);
	}
	waitpid(pid, &st, 0);
	return st;
}

static void check_attach(void)
{
	int id = shmget(IPC_PRIVATE, 5000, IPC_CREAT | 0600), st = -1;
	struct shmid_ds d = stat_of(id);
	char *p, *q, *r;
	pid_t pid;

	CHECK(id >= 0 && d.shm_segsz == 5000 && d.shm_nattch == 0 &&
		      (d.shm_perm.mode & 0777) == 0600 && d.shm_cpid == getpid() &&
		      d.shm_perm.uid == geteuid(),
	      "shmget and IPC_STAT: size %zu nattch %lu mode %o", d.shm_segsz,
	      (unsigned long)d.shm_nattch, d.shm_perm.mode);
	p = shmat(id, NULL, 0);
	q = shmat(id, NULL, 0);
	CHECK(p != (void *)-1 && q != (void *)-1 && p != q && !((uintptr_t)p & 4095),
	      "two attachments %p %p", (void *)p, (void *)q);
	if (p == (void *)-1 || q == (void *)-1)
		return;
	CHECK(p[0] == 0 && p[4999] == 0 && p[8191] == 0, "zeroed, the whole last page too");
	p[0] = 'a';
	p[4999] = 'z';
	CHECK(q[0] == 'a' && q[4999] == 'z', "one segment");
	CHECK(stat_of(id).shm_nattch == 2 && stat_of(id).shm_lpid == getpid(), "nattch 2");
	pid = fork();
	if (pid == 0)
		_exit(stat_of(id).shm_nattch == 4 && (q[1] = 'c') ? 0 : 1);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "a fork child's attachments count: %#x", st);
	CHECK(p[1] == 'c' && stat_of(id).shm_nattch == 2, "its store is ours, its exit detached");
	CHECK_ERR(shmdt(q + 4096), EINVAL, "shmdt inside an attachment");
	CHECK(shmdt(q) == 0 && stat_of(id).shm_nattch == 1, "shmdt");
	CHECK_ERR(shmdt(q), EINVAL, "shmdt twice");
	r = shmat(id, NULL, SHM_RDONLY);
	CHECK(r != (void *)-1 && r[4999] == 'z', "SHM_RDONLY reads");
	st = store_status(r);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "a store to SHM_RDONLY: %#x", st);
	CHECK(shmat(id, r, 0) == (void *)-1 && errno == EINVAL, "over a mapping: EINVAL");
	CHECK(shmat(id, r, SHM_REMAP) == r && store_status(r) == 0, "SHM_REMAP makes it writable");
	CHECK(shmat(id, r + 100, 0) == (void *)-1 && errno == EINVAL, "unaligned: EINVAL");
	CHECK(shmat(id, r + 100, SHM_RND | SHM_REMAP) == r, "SHM_RND rounds down");
	CHECK(shmdt(r) == 0, "shmdt r");
	CHECK(shmctl(id, IPC_RMID, NULL) == 0, "IPC_RMID while attached");
	d = stat_of(id);
	CHECK(d.shm_segsz == 5000 && (d.shm_perm.mode & SHM_DEST) && d.shm_nattch == 1,
	      "still there, SHM_DEST: mode %o nattch %lu", d.shm_perm.mode,
	      (unsigned long)d.shm_nattch);
	CHECK(p[4999] == 'z' && (p[2] = 'k'), "still usable");
	CHECK(shmdt(p) == 0, "the last shmdt");
	CHECK_ERR(shmctl(id, IPC_STAT, &d), EINVAL, "gone after the last detach");
	CHECK(shmat(id, NULL, 0) == (void *)-1 && errno == EINVAL, "shmat of a gone segment");
}

static void as_nobody(int id, key_t key)
{
	struct shmid_ds d;

	if (setuid(NOBODY) != 0)
		_exit(9);
	CHECK_ERR(shmget(key, 100, 0600), EACCES, "shmget of root's 0600 segment");
	CHECK(shmat(id, NULL, 0) == (void *)-1 && errno == EACCES, "shmat of it");
	CHECK_ERR(shmctl(id, IPC_STAT, &d), EACCES, "IPC_STAT of it");
	CHECK_ERR(shmctl(id, IPC_RMID, NULL), EPERM, "IPC_RMID of it");
	_exit(failed ? 1 : 0);
}

static void check_keys(void)
{
	key_t key = 0x51000000 | getpid(), other = key ^ 0x10000;
	int id = shmget(key, 100, IPC_CREAT | IPC_EXCL | 0600), st = -1;
	struct shmid_ds d = stat_of(id);
	pid_t pid;

	CHECK(id >= 0 && d.shm_perm.__key == key, "a keyed segment");
	CHECK_ERR(shmget(key, 100, IPC_CREAT | IPC_EXCL | 0600), EEXIST, "IPC_EXCL twice");
	CHECK(shmget(key, 0, 0) == id && shmget(key, 100, IPC_CREAT) == id, "found by key");
	CHECK_ERR(shmget(key, 101, 0), EINVAL, "larger than the segment");
	CHECK_ERR(shmget(other, 100, 0600), ENOENT, "no such key");
	CHECK_ERR(shmget(IPC_PRIVATE, 0, IPC_CREAT), EINVAL, "size 0");
	CHECK_ERR(shmctl(-1, IPC_STAT, &d), EINVAL, "bad id");
	CHECK_ERR(shmctl(id, 12345, &d), EINVAL, "bad command");
	pid = fork();
	if (pid == 0)
		as_nobody(id, key);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "the unprivileged child: %#x", st);
	d.shm_perm.mode = 0644;
	d.shm_perm.uid = NOBODY;
	CHECK(shmctl(id, IPC_SET, &d) == 0, "IPC_SET");
	d = stat_of(id);
	CHECK((d.shm_perm.mode & 0777) == 0644 && d.shm_perm.uid == NOBODY &&
		      d.shm_perm.cuid == geteuid(),
	      "IPC_SET took: mode %o uid %u", d.shm_perm.mode, d.shm_perm.uid);
	CHECK(shmctl(id, IPC_RMID, NULL) == 0, "IPC_RMID");
	CHECK_ERR(shmget(key, 100, 0), ENOENT, "the key is gone");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	check_attach();
	check_keys();
	return check_summary("abi_shm");
}
