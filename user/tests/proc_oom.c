/*
 * Running out of memory is a user program's problem, not the kernel's: a
 * child maps and touches 1 MiB blocks until mmap fails with ENOMEM; while
 * memory is exhausted, fork fails cleanly (ENOMEM/EAGAIN) and the kernel
 * keeps serving system calls; after freeing, fork works again (unless the
 * child itself is killed for want of a page to copy, which only its fork while
 * exhausted can cause; its stages on a pipe say where). When it and whatever
 * it forked have been reaped, the free-page count is exactly what it was.
 */
#include <errno.h>
#include <fcntl.h>
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

/*
 * The child reports each stage on a pipe (its ring is allocated when the pipe
 * is made, so writing needs no memory): 'm' mmap failed with ENOMEM, 'f'
 * about to fork while exhausted, 'F' that fork behaved, 'u' memory freed,
 * 'k' fork after freeing worked. A check that fails writes 'X'.
 */
static int report_fd = -1;

static void stage(char c)
{
	if (write(report_fd, &c, 1) != 1)
		_exit(99);
}

static int exhaust(void)
{
	static void *blocks[MAX_BLOCKS];
	int n = 0, fails = 0, status;
	pid_t pid;

	/* stdout's buffer is a page shared with the parent since the fork: the
	 * first printf copies it, and must do that before memory runs out, or
	 * the report below is what kills us (no stage reached yet). */
	printf("proc_oom: child exhausting memory\n");
	fflush(stdout);
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
		stage('X');
		fails++;
	}
	stage('m');
	fflush(stdout);
	stage('f');
	pid = fork();
	if (pid == 0)
		_exit(0);
	if (pid > 0) {
		waitpid(pid, &status, 0); /* the copy fit after all: fine too */
	} else if (errno != ENOMEM && errno != EAGAIN) {
		printf("FAIL: fork while exhausted: errno %d\n", errno);
		stage('X');
		fails++;
	}
	stage('F');
	while (n > 0)
		munmap(blocks[--n], BLOCK);
	stage('u');
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(3);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || WEXITSTATUS(status) != 3) {
		printf("FAIL: fork after freeing\n");
		stage('X');
		fails++;
	}
	stage('k');
	return fails;
}

/* The stages the child wrote before it ended (they wait in the pipe). */
static void read_stages(int fd, char *buf, size_t size)
{
	ssize_t r;

	fcntl(fd, F_SETFL, O_NONBLOCK);
	r = read(fd, buf, size - 1);
	buf[r > 0 ? r : 0] = '\0';
}

/*
 * The child's verdict: a clean exit 0 after every stage; or SIGKILL for want
 * of a page, which only a copy-on-write fault after a fork that succeeded
 * while memory was exhausted can cause, so only between 'f' and 'F' and only
 * after the mmap check passed.
 */
static int child_ok(int status, const char *stages)
{
	if (strchr(stages, 'X'))
		return 0;
	if (WIFEXITED(status))
		return WEXITSTATUS(status) == 0 && !strcmp(stages, "mfFuk");
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && !strcmp(stages, "mf")) {
		printf("proc_oom: the child was killed by SIGKILL (out of memory) after its "
		       "fork while exhausted\n");
		return 1;
	}
	return 0;
}

int main(void)
{
	long before, after;
	int status = 0, pipefd[2], ok;
	char stages[32];
	pid_t pid;

	/* The pipe stays open until the last count: both counts include it. */
	if (pipe(pipefd)) {
		printf("proc_oom: FAIL: pipe\n");
		return 1;
	}
	before = free_bytes();
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		report_fd = pipefd[1];
		_exit(exhaust() ? 1 : 0);
	}
	waitpid(pid, &status, 0);
	/* As init we also adopt what the child forked; reap it all first. */
	while (wait(NULL) > 0)
		;
	read_stages(pipefd[0], stages, sizeof(stages));
	ok = child_ok(status, stages);
	printf("proc_oom: child status %#x, stages \"%s\"\n", status, stages);
	/* Whatever became of the child, the kernel still forks. */
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(4);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 4) {
		printf("FAIL: fork after the child\n");
		ok = 0;
	}
	after = free_bytes();
	printf("proc_oom: free memory before %ld after %ld\n", before, after);
	close(pipefd[0]);
	close(pipefd[1]);
	if (!ok || before != after) {
		printf("proc_oom: FAIL\n");
		return 1;
	}
	printf("proc_oom: PASS\n");
	return 0;
}
