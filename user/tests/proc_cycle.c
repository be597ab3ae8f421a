/*
 * 200 fork/exec/wait cycles; afterwards the kernel's free-page count
 * (sysinfo's freeram, exact to the page) is back where it started: nothing
 * leaks per process (address space, page tables, kernel stack, descriptor
 * table, process slot). One warm-up cycle runs first so memory the kernel
 * allocates once (the sigreturn trampoline, heap slabs) is not counted.
 * Usage: proc_cycle [N]      proc_cycle child   (exits 7)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uapi/sis/sysinfo.h>
#include "proc_raw.h"

static long free_bytes(void)
{
	struct linux_sysinfo si;

	if (raw(__NR_sysinfo, &si))
		return -1;
	return (long)si.freeram;
}

/* fork + exec self "child" + wait: 0 if the child exited with 7. */
static int cycle(const char *self)
{
	char *argv[] = { (char *)self, "child", NULL };
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execv(self, argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 7 ? 0 : -1;
}

int main(int argc, char **argv)
{
	int n = 200, done = 0;
	long before, after;

	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return 7;
	if (argc > 1)
		n = atoi(argv[1]);
	fflush(stdout);
	if (cycle(argv[0])) {
		printf("proc_cycle: warm-up cycle failed\n");
		return 1;
	}
	before = free_bytes();
	while (done < n && cycle(argv[0]) == 0)
		done++;
	after = free_bytes();
	printf("proc_cycle: %d of %d cycles, free memory before %ld after %ld (%+ld pages)\n", done,
	       n, before, after, (after - before) / 4096);
	if (done != n || before != after) {
		printf("proc_cycle: FAIL\n");
		return 1;
	}
	printf("proc_cycle: PASS\n");
	return 0;
}
