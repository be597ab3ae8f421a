/*
 * Running out of memory is a user program's problem, not the kernel's: a
 * child maps and touches 1 MiB blocks until mmap fails with ENOMEM; while
 * memory is exhausted, fork fails cleanly (ENOMEM/EAGAIN) and the kernel
 * keeps serving system calls; after freeing, fork works again (unless the
 * child itself is killed for want of a page to copy). When it and whatever
 * it forked have been reaped, the free-page count is exactly what it was.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uapi/sis/sysinfo.h>
#include "proc_raw.h"

#define BLOCK (1UL << 20)
#define MAX_BLOCKS 4096

static long free_bytes(void)
{
	struct linux_sysinfo si;

	return raw(__NR_sysinfo, &si) ? -1 : (long)si.freeram;
}

static int exhaust(void)
{
	static void *blocks[MAX_BLOCKS];
	int n = 0, fails = 0, status;
	pid_t pid;

	while (n < MAX_BLOCKS) {
		void *p = mmap(NULL, BLOCK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			break;
		memset(p, 0xa5, BLOCK);
		blocks[n++] = p;
	}
	printf("proc_oom: mapped %d MiB before mmap failed (errno %d), %ld KiB left\n", n, errno,
	       free_bytes() / 1024);
	if (errno != ENOMEM) {
		printf("FAIL: mmap errno %d, want ENOMEM\n", errno);
		fails++;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(0);
	if (pid > 0) {
		waitpid(pid, &status, 0); /* the copy fit after all: fine too */
	} else if (errno != ENOMEM && errno != EAGAIN) {
		printf("FAIL: fork while exhausted: errno %d\n", errno);
		fails++;
	}
	while (n > 0)
		munmap(blocks[--n], BLOCK);
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(3);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || WEXITSTATUS(status) != 3) {
		printf("FAIL: fork after freeing\n");
		fails++;
	}
	return fails;
}

int main(void)
{
	long before = free_bytes(), after;
	int status = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(exhaust());
	waitpid(pid, &status, 0);
	/* As init we also adopt what the child forked; reap it all first. */
	while (wait(NULL) > 0)
		;
	after = free_bytes();
	printf("proc_oom: free memory before %ld after %ld\n", before, after);
	/* With fork copy-on-write, the child may itself be the one that cannot
	 * get a page (a write after its fork while memory is exhausted): the
	 * kernel kills it with SIGKILL, which is a fine outcome too. */
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		printf("proc_oom: the child was killed by SIGKILL (out of memory)\n");
	else if (!WIFEXITED(status) || WEXITSTATUS(status))
		before = -1;
	if (before != after) {
		printf("proc_oom: FAIL\n");
		return 1;
	}
	printf("proc_oom: PASS\n");
	return 0;
}
