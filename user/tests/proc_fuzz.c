/*
 * System-call fuzzing: children make thousands of system calls with random
 * numbers and hostile arguments (NULL, kernel addresses, unaligned and
 * huge values, pointers into a buffer of random bytes). Whatever a call
 * returns or a child suffers, the kernel must stay up: the parent reaps
 * every child (killing any that blocks for long) and finishes. Calls that
 * would end the test itself are left out: reboot, clone, kill/tgkill of
 * random processes, exit, and rt_sigreturn (a random frame just kills the
 * child before it gets far; proc_sigframe covers it). The children close fds 0-2 first so the console is
 * neither written nor read.
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

static bool excluded(long nr)
{
	return nr == __NR_reboot || nr == __NR_clone || nr == __NR_kill || nr == __NR_tgkill ||
	       nr == __NR_exit || nr == __NR_exit_group || nr == __NR_rt_sigreturn;
}

static void child(int calls)
{
	int fds[2];

	for (int i = 0; i < 3; i++)
		close(i);
	/* Real descriptors for the small numbers the fuzzer favours. */
	raw(__NR_pipe2, fds, 0);
	raw(__NR_openat, -100, "/dev/null", 2, 0);
	raw(__NR_openat, -100, "/tmp/proc_fuzz", 0102, 0644); /* O_RDWR | O_CREAT */
	raw(__NR_socket, 2, 1, 0);                               /* AF_INET, SOCK_STREAM */
	raw(__NR_socket, 2, 2, 0);                               /* AF_INET, SOCK_DGRAM */
	raw(__NR_socket, 1, 1, 0);                               /* AF_UNIX, SOCK_STREAM */
	for (int i = 0; i < calls; i++) {
		long nr = (long)(next() % 300);

		if (excluded(nr))
			continue;
		for (size_t j = 0; j < 64; j++)
			scratch[next() % sizeof(scratch)] = (unsigned char)next();
		raw6(nr, hostile_arg(), hostile_arg(), hostile_arg(), hostile_arg(), hostile_arg(),
		     hostile_arg());
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

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 200, calls = argc > 2 ? atoi(argv[2]) : 200;
	int exited = 0, signaled = 0, status;

	rng = argc > 3 ? strtoull(argv[3], NULL, 16) : 0x9e3779b97f4a7c15ULL ^ (uint64_t)time(NULL);
	if (!rng)
		rng = 1;
	printf("proc_fuzz: %d rounds of %d calls, seed %llx\n", rounds, calls,
	       (unsigned long long)rng);
	for (int r = 0; r < rounds; r++) {
		pid_t pid;

		next();
		fflush(stdout);
		pid = fork();
		if (pid == 0)
			child(calls);
		if (pid < 0) {
			printf("proc_fuzz: FAIL fork in round %d\n", r);
			return 1;
		}
		status = reap(pid);
		if (WIFSIGNALED(status))
			signaled++;
		else
			exited++;
		while (waitpid(-1, &status, WNOHANG) > 0)
			; /* orphans a child may have left to init */
	}
	printf("proc_fuzz: %d children exited, %d killed by signals; kernel still up\n", exited,
	       signaled);
	printf("proc_fuzz: PASS\n");
	return 0;
}
