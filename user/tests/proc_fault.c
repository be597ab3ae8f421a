/*
 * Faults in user space kill only the faulting process, with the right
 * signal, which its parent sees through waitpid; the parent goes on.
 * Children: read kernel memory, execute the (non-executable) stack, write
 * through NULL, an undefined instruction, a misaligned exclusive load, write
 * to the program's own text. Then a SIGSEGV handler that catches a fault,
 * and kill() of a sleeping child.
 * Usage: proc_fault [one-kind]   (with a kind: do just that, in this process)
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "proc_raw.h"

static int failures;

static int touch_kernel(void)
{
	return (int)*(volatile long *)KERNEL_ADDR;
}

static int exec_stack(void)
{
	/* mov w0, #42; ret */
	unsigned code[2] = { 0x52800540, 0xd65f03c0 };
	int (*fn)(void) = (int (*)(void))(void *)code;

	return fn();
}

static int write_null(void)
{
	*(volatile int *)0 = 1;
	return 0;
}

static int undefined_insn(void)
{
	__asm__ volatile(".word 0x00000000");
	return 0;
}

/* Exclusive loads must be aligned whatever SCTLR.A says. */
static int misaligned_exclusive(void)
{
	static long word[2];
	long v;

	__asm__ volatile("ldxr %0, [%1]" : "=r"(v) : "r"((char *)word + 1) : "memory");
	return (int)v;
}

static int write_text(void)
{
	*(volatile unsigned *)(void *)&write_text = 0;
	return 0;
}

struct kind {
	const char *name;
	int (*fn)(void);
	int sig;
};

static const struct kind kinds[] = {
	{ "kernel", touch_kernel, SIGSEGV },
	{ "stack", exec_stack, SIGSEGV },
	{ "null", write_null, SIGSEGV },
	{ "undef", undefined_insn, SIGILL },
	{ "align", misaligned_exclusive, SIGBUS },
	{ "text", write_text, SIGSEGV },
};

static void run_kind(const struct kind *k)
{
	int status = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(k->fn() == 42 ? 100 : 101);
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		printf("FAIL %s: fork/wait\n", k->name);
		failures++;
		return;
	}
	if (!WIFSIGNALED(status) || WTERMSIG(status) != k->sig) {
		printf("FAIL %s: status 0x%x, want killed by signal %d\n", k->name, status, k->sig);
		failures++;
		return;
	}
	printf("proc_fault: %s: child killed by signal %d, parent goes on\n", k->name, k->sig);
}

static volatile sig_atomic_t caught;

static void on_segv(int sig)
{
	(void)sig;
	_exit(caught ? 1 : 42); /* the faulting instruction cannot be resumed */
}

/* A handler installed for SIGSEGV runs instead of the default kill. */
static void handled_fault(void)
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		signal(SIGSEGV, on_segv);
		write_null();
		_exit(2);
	}
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 42) {
		printf("FAIL handled SIGSEGV: status 0x%x\n", status);
		failures++;
	}
}

static void kill_sleeper(void)
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		sleep(100);
		_exit(3);
	}
	usleep(20000);
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGTERM) {
		printf("FAIL kill sleeper: status 0x%x\n", status);
		failures++;
	}
}

int main(int argc, char **argv)
{
	if (argc > 1) {
		for (unsigned i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
			if (strcmp(argv[1], kinds[i].name) == 0)
				return kinds[i].fn();
		return 2;
	}
	for (unsigned i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		run_kind(&kinds[i]);
	handled_fault();
	kill_sleeper();
	printf("proc_fault: %s\n", failures ? "FAIL" : "PASS");
	return failures ? 1 : 0;
}
