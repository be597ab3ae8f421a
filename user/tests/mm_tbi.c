/*
 * The arm64 tagged-address ABI (issue 17 item 7; Linux's
 * Documentation/arch/arm64/tagged-address-abi.rst), run as init:
 * - EL0 dereferences pointers with a tag in bits 63:56 (TCR_EL1.TBI0),
 *   including a copy-on-write write in a forked child;
 * - system calls refuse tagged pointers (EFAULT) until the process enables
 *   PR_TAGGED_ADDR_ENABLE, then accept them; bad prctl arguments give EINVAL;
 * - the setting is inherited by fork and reset by execve;
 * - a fault at a tagged address reports the untagged si_addr;
 * - PR_SET_NAME/PR_GET_NAME keep 15 bytes of a name.
 * Prints "mm_tbi: N failed"; exit status: failures.
 */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
#include <sys/wait.h>
#include <uapi/sis/errno.h>
#include <uapi/sis/prctl.h>
#include <uapi/sis/syscall.h>
#include "proc_raw.h"
#include "check.h"

#define TAG(p, t) ((void *)((uintptr_t)(p) | ((uintptr_t)(t) << 56)))


static char buf[64];
static int cow_word = 1;

static long get_ctl(void)
{
	return raw(__NR_prctl, PR_GET_TAGGED_ADDR_CTRL, 0, 0, 0, 0);
}

/* A child's exit status, or -1 if it did not exit normally. */
static int child_status(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static void segv_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	_exit((uintptr_t)si->si_addr == 0x18 ? 0 : 2);
}

static void user_deref(void)
{
	char *t = TAG(buf, 0x5a);
	pid_t pid;

	t[0] = 'x';
	CHECK(buf[0] == 'x' && t[0] == 'x', "tagged store/load in user mode");
	pid = fork();
	if (pid == 0) {
		*(volatile int *)TAG(&cow_word, 0xa5) = 7; /* a COW fault, tagged */
		_exit(cow_word == 7 ? 0 : 1);
	}
	CHECK(child_status(pid) == 0, "child's tagged COW write");
	CHECK(cow_word == 1, "parent's copy untouched: %d", cow_word);
}

static void syscalls(void)
{
	int p[2];
	long r;

	CHECK(get_ctl() == 0, "default control %ld", get_ctl());
	CHECK(pipe(p) == 0, "pipe");
	CHECK(write(p[1], "hello", 5) == 5, "write");
	r = raw(__NR_read, p[0], (long)TAG(buf, 0x12), 5);
	CHECK(r == -EFAULT, "read into a tagged buffer before enabling: %ld", r);
	r = raw(__NR_write, p[1], (long)TAG("abc", 0x12), 3);
	CHECK(r == -EFAULT, "write from a tagged buffer before enabling: %ld", r);

	r = raw(__NR_prctl, PR_SET_TAGGED_ADDR_CTRL, 2, 0, 0, 0);
	CHECK(r == -EINVAL, "unknown control bit: %ld", r);
	r = raw(__NR_prctl, PR_SET_TAGGED_ADDR_CTRL, 1, 1, 0, 0);
	CHECK(r == -EINVAL, "non-zero arg3: %ld", r);
	r = raw(__NR_prctl, PR_GET_TAGGED_ADDR_CTRL, 1, 0, 0, 0);
	CHECK(r == -EINVAL, "GET with non-zero arg2: %ld", r);
	CHECK(get_ctl() == 0, "still disabled after the refused calls");

	r = raw(__NR_prctl, PR_SET_TAGGED_ADDR_CTRL, PR_TAGGED_ADDR_ENABLE, 0, 0, 0);
	CHECK(r == 0, "enable: %ld", r);
	CHECK(get_ctl() == PR_TAGGED_ADDR_ENABLE, "enabled control %ld", get_ctl());
	memset(buf, 0, sizeof(buf));
	r = raw(__NR_read, p[0], (long)TAG(buf, 0x12), 5);
	CHECK(r == 5 && !memcmp(buf, "hello", 5), "read into a tagged buffer: %ld", r);
	r = raw(__NR_write, p[1], (long)TAG("abc", 0xff), 3);
	CHECK(r == 3, "write from a tagged buffer: %ld", r);
	r = raw(__NR_read, p[0], (long)(0xffff000040200000UL), 3);
	CHECK(r == -EFAULT, "a kernel pointer is still refused: %ld", r);
	close(p[0]);
	close(p[1]);
}

static void inherit(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(get_ctl() == PR_TAGGED_ADDR_ENABLE ? 0 : 1);
	CHECK(child_status(pid) == 0, "fork inherits the control");
	pid = fork();
	if (pid == 0) {
		char *argv[] = { "mm_tbi", "getctl", NULL };

		execve("/bin/mm_tbi", argv, NULL);
		_exit(3);
	}
	CHECK(child_status(pid) == 0, "execve resets the control");
}

static void fault_addr(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = segv_handler;
		sa.sa_flags = SA_SIGINFO;
		sigaction(SIGSEGV, &sa, NULL);
		*(volatile int *)TAG(0x18, 0x77) = 1;
		_exit(4);
	}
	CHECK(child_status(pid) == 0, "SIGSEGV si_addr is the untagged 0x18");
}

static void names(void)
{
	char name[32];

	memset(name, 'z', sizeof(name));
	CHECK(raw(__NR_prctl, PR_SET_NAME, (long)"tbi-worker-name-too-long", 0, 0, 0) == 0,
	      "PR_SET_NAME");
	CHECK(raw(__NR_prctl, PR_GET_NAME, (long)name, 0, 0, 0) == 0, "PR_GET_NAME");
	CHECK(!strcmp(name, "tbi-worker-name") && name[16] == 'z', "name '%.20s'", name);
	CHECK(raw(__NR_prctl, PR_GET_NAME, (long)KERNEL_ADDR, 0, 0, 0) == -EFAULT,
	      "PR_GET_NAME to a kernel pointer");
	CHECK(raw(__NR_prctl, 12345, 0, 0, 0, 0) == -EINVAL, "unknown option");
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "getctl"))
		return get_ctl() == 0 ? 0 : 1;
	user_deref();
	syscalls();
	inherit();
	fault_addr();
	names();
	printf("mm_tbi: %d failed\n", failures);
	return failures;
}
