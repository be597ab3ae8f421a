/*
 * Processes: fork (clone with SIGCHLD), the exec family (execvp searches
 * PATH and runs scripts without a #! line through /bin/sh), waiting (the
 * signal number in a status is translated to picolibc's), exit, ids,
 * process groups, kill, system(), resource limits.
 */

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include "runtime.h"
#include "sis_syscall.h"
#include "xlat.h"

#define LINUX_SIGCHLD 17 /* uapi/sis/signal.h; clone's exit signal */
#define DEFAULT_PATH "/bin:/sbin"

long __sis_wait4_times(int pid, int *status, int options, int64_t times[4]);

pid_t fork(void)
{
	__sis_stdio_flush();
	return (pid_t)sis_call(__NR_clone, LINUX_SIGCHLD, 0, 0, 0, 0);
}

/* A copying fork: the kernel's vfork would share the stack we return on. */
pid_t vfork(void)
{
	return fork();
}

void _exit(int status)
{
	for (;;)
		sis_syscall(__NR_exit_group, status);
}

int execve(const char *path, char *const argv[], char *const envp[])
{
	return (int)sis_call(__NR_execve, path, argv, envp);
}

int execv(const char *path, char *const argv[])
{
	return execve(path, argv, environ);
}

/* A file the kernel would not run (no ELF header): feed it to /bin/sh. */
static int exec_script(const char *path, char *const argv[], char *const envp[])
{
	int argc = 0;
	char **v;

	while (argv[argc])
		argc++;
	v = malloc((size_t)(argc + 2) * sizeof(*v));
	if (!v)
		return -1;
	v[0] = "sh";
	v[1] = (char *)path;
	memcpy(v + 2, argv + 1, (size_t)argc * sizeof(*v)); /* includes the NULL */
	execve("/bin/sh", v, envp);
	free(v);
	return -1;
}

/* One execvpe attempt at path; returns only on failure. */
static void exec_try(const char *path, char *const argv[], char *const envp[])
{
	execve(path, argv, envp);
	if (errno == ENOEXEC)
		exec_script(path, argv, envp);
}

int execvpe(const char *file, char *const argv[], char *const envp[])
{
	const char *path = getenv("PATH"), *p;
	size_t flen = strlen(file);
	int saw_eacces = 0;

	if (!*file) {
		errno = ENOENT;
		return -1;
	}
	if (strchr(file, '/')) {
		exec_try(file, argv, envp);
		return -1;
	}
	if (!path)
		path = DEFAULT_PATH;
	for (p = path;; p++) {
		const char *end = strchr(p, ':');
		size_t dlen = end ? (size_t)(end - p) : strlen(p);
		char buf[4096];

		if (dlen + 1 + flen < sizeof(buf)) {
			memcpy(buf, p, dlen);
			buf[dlen] = '/';
			memcpy(buf + dlen + (dlen ? 1 : 0), file, flen + 1);
			exec_try(buf, argv, envp);
			if (errno == EACCES)
				saw_eacces = 1;
			else if (errno != ENOENT && errno != ENOTDIR)
				return -1;
		}
		if (!end)
			break;
		p = end;
	}
	errno = saw_eacces ? EACCES : ENOENT;
	return -1;
}

int execvp(const char *file, char *const argv[])
{
	return execvpe(file, argv, environ);
}

/* argv for the execl family, on the stack (at most 256 arguments). */
#define EXECL_MAX 256
#define COLLECT_ARGS(argv, arg0, ap)                                   \
	do {                                                           \
		int n_ = 0;                                            \
		argv[n_++] = (char *)(arg0);                           \
		while (argv[n_ - 1] && n_ < EXECL_MAX)                 \
			argv[n_++] = va_arg(ap, char *);               \
		argv[EXECL_MAX] = NULL;                                \
	} while (0)

int execl(const char *path, const char *arg0, ...)
{
	char *argv[EXECL_MAX + 1];
	va_list ap;

	va_start(ap, arg0);
	COLLECT_ARGS(argv, arg0, ap);
	va_end(ap);
	return execv(path, argv);
}

int execlp(const char *file, const char *arg0, ...)
{
	char *argv[EXECL_MAX + 1];
	va_list ap;

	va_start(ap, arg0);
	COLLECT_ARGS(argv, arg0, ap);
	va_end(ap);
	return execvp(file, argv);
}

int execle(const char *path, const char *arg0, ...)
{
	char *argv[EXECL_MAX + 1];
	char **envp;
	va_list ap;

	va_start(ap, arg0);
	COLLECT_ARGS(argv, arg0, ap);
	envp = va_arg(ap, char **);
	va_end(ap);
	return execve(path, argv, envp);
}

/* Rewrite the signal number inside a wait status into picolibc's numbering. */
static int status_to_pico(int st)
{
	int sig;

	if ((st & 0x7f) != 0 && (st & 0x7f) != 0x7f) {   /* killed */
		sig = __sis_sig_to_pico(st & 0x7f);
		return (st & ~0x7f) | (sig > 0 ? sig : (st & 0x7f));
	}
	if ((st & 0xff) == 0x7f) {                        /* stopped */
		sig = __sis_sig_to_pico((st >> 8) & 0xff);
		return (st & ~0xff00) | ((sig > 0 ? sig : (st >> 8) & 0xff) << 8);
	}
	return st;
}

pid_t wait4(pid_t pid, int *status, int options, struct rusage *ru)
{
	int64_t t[4];
	int st = 0;
	long r = __sis_ret(__sis_wait4_times(pid, &st, options, ru ? t : NULL));

	if (r > 0 && status)
		*status = status_to_pico(st);
	if (r > 0 && ru) {
		ru->ru_utime.tv_sec = t[0];
		ru->ru_utime.tv_usec = t[1];
		ru->ru_stime.tv_sec = t[2];
		ru->ru_stime.tv_usec = t[3];
	}
	return (pid_t)r;
}

pid_t waitpid(pid_t pid, int *status, int options)
{
	return wait4(pid, status, options, NULL);
}

pid_t wait(int *status)
{
	return wait4(-1, status, 0, NULL);
}

pid_t wait3(int *status, int options, struct rusage *ru)
{
	return wait4(-1, status, options, ru);
}

pid_t getpid(void)
{
	return (pid_t)sis_syscall(__NR_getpid);
}

pid_t getppid(void)
{
	return (pid_t)sis_syscall(__NR_getppid);
}

pid_t getpgid(pid_t pid)
{
	return (pid_t)sis_call(__NR_getpgid, pid);
}

pid_t getpgrp(void)
{
	return getpgid(0);
}

int setpgid(pid_t pid, pid_t pgid)
{
	return (int)sis_call(__NR_setpgid, pid, pgid);
}

pid_t setsid(void)
{
	return (pid_t)sis_call(__NR_setsid);
}

uid_t getuid(void)
{
	return (uid_t)sis_syscall(__NR_getuid);
}

uid_t geteuid(void)
{
	return (uid_t)sis_syscall(__NR_geteuid);
}

gid_t getgid(void)
{
	return (gid_t)sis_syscall(__NR_getgid);
}

gid_t getegid(void)
{
	return (gid_t)sis_syscall(__NR_getegid);
}

int kill(pid_t pid, int sig)
{
	int lsig = __sis_sig_to_linux(sig);

	if (lsig < 0) {
		errno = EINVAL;
		return -1;
	}
	return (int)sis_call(__NR_kill, pid, lsig);
}

int killpg(pid_t pgrp, int sig)
{
	if (pgrp <= 1) {
		errno = EINVAL;
		return -1;
	}
	return kill(-pgrp, sig);
}

int sched_yield(void)
{
	return (int)sis_call(__NR_sched_yield);
}

int system(const char *cmd)
{
	pid_t pid;
	int st;

	if (!cmd)
		return 1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return st;
}

/* ---- resource limits: struct rlimit is the kernel's rlimit64 ---- */

_Static_assert(sizeof(struct rlimit) == 16 && RLIMIT_NOFILE == 7, "rlimit64 layout and numbers");

int prlimit(pid_t pid, int resource, const struct rlimit *nl, struct rlimit *ol)
{
	return (int)sis_call(__NR_prlimit64, pid, resource, nl, ol);
}

int getrlimit(int resource, struct rlimit *rl)
{
	return prlimit(0, resource, NULL, rl);
}

int setrlimit(int resource, const struct rlimit *rl)
{
	return prlimit(0, resource, rl, NULL);
}
