/*
 * System-call fuzzing: children make thousands of system calls with random
 * numbers and hostile arguments (NULL, kernel addresses, unaligned and
 * huge values, pointers into a buffer of random bytes). Whatever a call
 * returns or a child suffers, the kernel must stay up: the parent reaps
 * every child (killing any that blocks for long) and finishes. Calls that
 * would end the test itself are left out: reboot, exit, exit_group and
 * rt_sigreturn (a random frame just kills the child before it gets far;
 * proc_sigframe covers it). clone, kill and tgkill stay in: a clone's child
 * leaves at once, and init (this program) cannot be killed. Every number
 * from 0 to 449 is tried, implemented or not. The children close fds 0-2 first so the
 * console is neither written nor read, and work in /tmp/fz, so the files
 * random names create can be removed.
 * Then the leak check: once every child is reaped and the files are gone,
 * MemFree and Slab of /proc/meminfo must come back to what they were after
 * a warm-up round (waiting up to 20 s for TCP TIME-WAIT and deferred frees).
 * Prints "proc_fuzz: PASS" only then; otherwise "proc_fuzz: FAIL ...".
 * Usage: proc_fuzz [ROUNDS [CALLS [SEED]]]   (the seed is printed, to replay a run)
 */
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include "proc_raw.h"

static uint64_t rng;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned char scratch[8192] __attribute__((aligned(16)));

static long hostile_arg(void)
{
	static const long fixed[] = {
		0, 1, -1, 2, 3, 4, 8, 16, 4096, 65536, 0x7fffffff, -4096, 0x40,
		(long)KERNEL_ADDR, (long)0xffffffffffff0000UL, 0x1000, 0x400000,
		0x0000fffffffff000L, (long)0x8000000000000000UL,
	};

	switch (next() % 4) {
	case 0:
		return fixed[next() % (sizeof(fixed) / sizeof(fixed[0]))];
	case 1:
		return (long)(scratch + next() % sizeof(scratch));
	case 2:
		return (long)(next() % (next() & 1 ? 12 : 300));
	default:
		return (long)next();
	}
}

/* semget, shmget: a System V semaphore set or shared memory segment
 * outlives its creator by design (until IPC_RMID), which the leak check at
 * the end would count. */
static bool excluded(long nr)
{
	return nr == __NR_reboot || nr == __NR_exit || nr == __NR_exit_group ||
	       nr == __NR_rt_sigreturn || nr == __NR_semget || nr == __NR_shmget;
}

static void child(int calls)
{
	int fds[2];

	pid_t me = getpid();

	for (int i = 0; i < 3; i++)
		close(i);
	if (chdir("/tmp/fz"))
		_exit(1);
	/* Real descriptors for the small numbers the fuzzer favours. */
	raw(__NR_pipe2, fds, 0);
	raw(__NR_openat, -100, "/dev/null", 2, 0);
	raw(__NR_openat, -100, "proc_fuzz", 0102, 0644);      /* O_RDWR | O_CREAT */
	raw(__NR_socket, 2, 1, 0);                               /* AF_INET, SOCK_STREAM */
	raw(__NR_socket, 2, 2, 0);                               /* AF_INET, SOCK_DGRAM */
	raw(__NR_socket, 1, 1, 0);                               /* AF_UNIX, SOCK_STREAM */
	for (int i = 0; i < calls; i++) {
		long nr = (long)(next() % 450);

		if (excluded(nr))
			continue;
		for (size_t j = 0; j < 64; j++)
			scratch[next() % sizeof(scratch)] = (unsigned char)next();
		raw6(nr, hostile_arg(), hostile_arg(), hostile_arg(), hostile_arg(), hostile_arg(),
		     hostile_arg());
		if (getpid() != me)
			_exit(0); /* a clone's or fork's child: only the first one fuzzes */
	}
	_exit(0);
}

/* Reap the child, killing it if it blocks for more than 300 ms. */
static int reap(pid_t pid)
{
	int status = 0;

	for (int i = 0; i < 30; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return status;
}

/* MemFree and Slab of /proc/meminfo, in kB; false if unreadable. */
static bool meminfo(long *free_kb, long *slab_kb)
{
	char line[128];
	FILE *f = fopen("/proc/meminfo", "r");
	int got = 0;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		got += sscanf(line, "MemFree: %ld", free_kb) == 1;
		got += sscanf(line, "Slab: %ld", slab_kb) == 1;
	}
	fclose(f);
	return got == 2;
}

/* Remove everything under dir (random names included), iteratively deep. */
static void empty_dir(const char *dir, int depth)
{
	char path[512];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d || depth > 8) {
		if (d)
			closedir(d);
		return;
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (unlink(path)) {
			empty_dir(path, depth + 1);
			rmdir(path);
		}
	}
	closedir(d);
}

/* Reap every process left (clone children, orphans): kill them all first. */
static void reap_all(void)
{
	int status;

	kill(-1, SIGKILL); /* everyone but init, which is this program */
	while (waitpid(-1, &status, 0) > 0)
		;
}

/* The leak check: memory back to the baseline, allowing time for TIME-WAIT. */
static bool no_leak(long base_free, long base_slab)
{
	long free_kb = 0, slab_kb = 0;

	for (int i = 0; i < 200; i++) {
		if (meminfo(&free_kb, &slab_kb) && free_kb >= base_free && slab_kb <= base_slab)
			return true;
		usleep(100000);
	}
	printf("proc_fuzz: FAIL leak: MemFree %ld kB (was %ld), Slab %ld kB (was %ld)\n",
	       free_kb, base_free, slab_kb, base_slab);
	return false;
}

static int one_round(int r, int calls, int *exited, int *signaled)
{
	int status;
	pid_t pid;

	next();
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		child(calls);
	if (pid < 0) {
		printf("proc_fuzz: FAIL fork in round %d\n", r);
		return -1;
	}
	status = reap(pid);
	if (WIFSIGNALED(status))
		(*signaled)++;
	else
		(*exited)++;
	while (waitpid(-1, &status, WNOHANG) > 0)
		; /* orphans a child may have left to init */
	return 0;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 200, calls = argc > 2 ? atoi(argv[2]) : 200;
	int exited = 0, signaled = 0;

	rng = argc > 3 ? strtoull(argv[3], NULL, 16) : 0x9e3779b97f4a7c15ULL ^ (uint64_t)time(NULL);
	if (!rng)
		rng = 1;
	printf("proc_fuzz: %d rounds of %d calls, seed %llx\n", rounds, calls,
	       (unsigned long long)rng);
	long base_free, base_slab;

	mkdir("/tmp/fz", 0755);
	for (int r = 0; r < 5; r++) /* warm-up: tables and caches reach their size */
		if (one_round(r, calls, &exited, &signaled))
			return 1;
	reap_all();
	empty_dir("/tmp/fz", 0);
	sleep(1);
	if (!meminfo(&base_free, &base_slab)) {
		printf("proc_fuzz: FAIL no /proc/meminfo\n");
		return 1;
	}
	for (int r = 0; r < rounds; r++)
		if (one_round(r, calls, &exited, &signaled))
			return 1;
	reap_all();
	empty_dir("/tmp/fz", 0);
	printf("proc_fuzz: %d children exited, %d killed by signals; kernel still up\n", exited,
	       signaled);
	if (!no_leak(base_free, base_slab))
		return 1;
	printf("proc_fuzz: PASS\n");
	return 0;
}
