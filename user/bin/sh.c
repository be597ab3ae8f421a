/*
 * sh: the SIS shell.
 *
 *   sh                 interactive on a terminal (line editing, history,
 *                      job control), else reads commands from stdin
 *   sh -c CMD [ARG0 [ARG...]]   runs CMD
 *   sh FILE [ARG...]   runs the script FILE ($0 = FILE, $1... = ARGs)
 *
 * Commands: pipelines (a | b), lists (; && ||), background jobs (&),
 * redirections (< > >> N>&M), quotes, $VAR ${VAR} $? $$ $! $# $0-$9 $@, NAME=value
 * (alone: sets a variable; before a command: for that command only), #
 * comments. Builtins: cd, exit [N], export, unset, wait [PID], jobs, pwd,
 * kill [-SIG | -s SIG] PID|%JOB... (%N, %%, %+, %-: a job's process group),
 * history, :, true, false, . FILE (source), ulimit [-s|-n] [N|unlimited] (the
 * soft limit: stack in KiB, descriptors). Variables are environment
 * variables. No control flow (if/while/for), no globbing, no field splitting.
 *
 * Interactive job control: every pipeline runs in its own process group;
 * foreground groups get the terminal (tcsetpgrp), so Ctrl-C interrupts the
 * program and not the shell (which also ignores SIGINT/SIGQUIT itself). A
 * background job that reads the terminal is stopped by the kernel (SIGTTIN):
 * `jobs` says Stopped, and kill %N continues it after the signal (as bash).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "sh.h"
#include "signames.h"

#define MAX_JOBS 32
#define MAX_POSITIONAL 32

static int last_status;
static bool interactive;
static pid_t shell_pgid;
static int positional_count;          /* $# */
static char *positional[MAX_POSITIONAL + 1]; /* $0..$N */
static bool exit_requested;
static int exit_status;
static pid_t last_bg_pid;             /* $!: 0 until a job is started */

struct job {
	int id;                 /* [N]; 0 = free slot */
	pid_t pgid;
	pid_t pids[SH_MAX_CMDS];
	int npids, running;
	bool stopped;           /* a process of it stopped (SIGTTIN...), not continued */
	int status;             /* of the last process */
	char *text;
};
static struct job jobs[MAX_JOBS];

/* ---- variables ---------------------------------------------------------------- */

const char *sh_lookup(const char *name)
{
	static char num[24];
	static char all[SH_MAX_LINE];

	if (!strcmp(name, "?")) {
		snprintf(num, sizeof(num), "%d", last_status);
		return num;
	}
	if (!strcmp(name, "$")) {
		snprintf(num, sizeof(num), "%d", (int)getpid());
		return num;
	}
	if (!strcmp(name, "!")) {
		if (!last_bg_pid)
			return NULL;
		snprintf(num, sizeof(num), "%d", (int)last_bg_pid);
		return num;
	}
	if (!strcmp(name, "#")) {
		snprintf(num, sizeof(num), "%d", positional_count);
		return num;
	}
	if (!strcmp(name, "@") || !strcmp(name, "*")) {
		all[0] = '\0';
		for (int i = 1; i <= positional_count; i++) {
			if (i > 1)
				strncat(all, " ", sizeof(all) - strlen(all) - 1);
			strncat(all, positional[i], sizeof(all) - strlen(all) - 1);
		}
		return all;
	}
	if (name[0] >= '0' && name[0] <= '9' && !name[1]) {
		int i = name[0] - '0';
		return i <= positional_count ? positional[i] : NULL;
	}
	return getenv(name);
}

/* "NAME=value" -> setenv. */
static void assign(const char *a)
{
	const char *eq = strchr(a, '=');
	char name[256];
	size_t n = (size_t)(eq - a);

	if (!eq || n >= sizeof(name))
		return;
	memcpy(name, a, n);
	name[n] = '\0';
	setenv(name, eq + 1, 1);
}

/* ---- status helpers ----------------------------------------------------------- */

/* A wait status as the shell's $? (128+N for signal N). */
static int status_code(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 1;
}

static void report_signal(int st)
{
	if (WIFSIGNALED(st) && WTERMSIG(st) != SIGINT && WTERMSIG(st) != SIGPIPE)
		fprintf(stderr, "%s\n", strsignal(WTERMSIG(st)));
	else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGINT && interactive)
		fputc('\n', stderr);
}

/* ---- jobs ------------------------------------------------------------------------ */

static struct job *job_add(pid_t pgid, const pid_t *pids, int n, const char *text)
{
	int id = 1;

	for (int i = 0; i < MAX_JOBS; i++)
		if (jobs[i].id >= id)
			id = jobs[i].id + 1;
	for (int i = 0; i < MAX_JOBS; i++) {
		if (jobs[i].id)
			continue;
		jobs[i] = (struct job){ .id = id, .pgid = pgid, .npids = n, .running = n };
		memcpy(jobs[i].pids, pids, (size_t)n * sizeof(*pids));
		jobs[i].text = strdup(text ? text : "");
		return &jobs[i];
	}
	return NULL;
}

/* Record that pid ended with st; returns its job if that finished it. */
static struct job *job_reaped(pid_t pid, int st)
{
	for (int i = 0; i < MAX_JOBS; i++) {
		struct job *j = &jobs[i];

		if (!j->id)
			continue;
		for (int k = 0; k < j->npids; k++) {
			if (j->pids[k] != pid)
				continue;
			j->pids[k] = -1;
			if (k == j->npids - 1)
				j->status = st;
			return --j->running == 0 ? j : NULL;
		}
	}
	return NULL;
}

/* The job with process pid, or NULL. */
static struct job *job_of_pid(pid_t pid)
{
	for (int i = 0; i < MAX_JOBS; i++)
		for (int k = 0; jobs[i].id && k < jobs[i].npids; k++)
			if (jobs[i].pids[k] == pid)
				return &jobs[i];
	return NULL;
}

static void job_stopped(pid_t pid)
{
	struct job *j = job_of_pid(pid);

	if (j)
		j->stopped = true;
}

/* %N, %%, %+ (the newest job), %- (the one before): the job, or NULL. */
static struct job *job_from_spec(const char *spec)
{
	struct job *newest = NULL, *previous = NULL;
	char *end;
	long id;

	for (int i = 0; i < MAX_JOBS; i++) {
		if (!jobs[i].id)
			continue;
		if (!newest || jobs[i].id > newest->id) {
			previous = newest;
			newest = &jobs[i];
		} else if (!previous || jobs[i].id > previous->id) {
			previous = &jobs[i];
		}
	}
	if (!strcmp(spec, "%") || !strcmp(spec, "%+"))
		return newest;
	if (!strcmp(spec, "%-"))
		return previous;
	id = strtol(spec + 1, &end, 10);
	if (end == spec + 1 || *end)
		return NULL;
	for (int i = 0; i < MAX_JOBS; i++)
		if (jobs[i].id && jobs[i].id == id)
			return &jobs[i];
	return NULL;
}

static void job_free(struct job *j)
{
	free(j->text);
	j->id = 0;
}

/* Reap finished background processes without blocking; report done jobs. */
static void reap_jobs(bool report)
{
	int st;
	pid_t pid;

	while ((pid = waitpid(-1, &st, WNOHANG | WUNTRACED)) > 0) {
		struct job *j;

		if (WIFSTOPPED(st)) {
			job_stopped(pid);
			continue;
		}
		j = job_reaped(pid, st);
		if (!j)
			continue;
		if (report)
			fprintf(stderr, "[%d] Done%s\t%s\n", j->id,
				WIFSIGNALED(j->status) ? " (signal)" : "", j->text);
		job_free(j);
	}
}

static void jobs_list(void)
{
	for (int i = 0; i < MAX_JOBS; i++)
		if (jobs[i].id)
			printf("[%d] %s\t%s\n", jobs[i].id, jobs[i].stopped ? "Stopped" : "Running",
			       jobs[i].text);
}

/* Wait for every background job (or the one containing pid). */
static int wait_jobs(pid_t only)
{
	int st, status = 0;
	pid_t pid;

	for (;;) {
		bool left = false;

		for (int i = 0; i < MAX_JOBS; i++)
			for (int k = 0; jobs[i].id && k < jobs[i].npids; k++)
				if (jobs[i].pids[k] > 0 && (only <= 0 || jobs[i].pids[k] == only))
					left = true;
		if (!left)
			return status;
		pid = waitpid(only > 0 ? only : -1, &st, 0);
		if (pid < 0) {
			if (errno == EINTR)
				return 128 + SIGINT;
			return status;
		}
		if (pid == only || only <= 0)
			status = status_code(st);
		struct job *j = job_reaped(pid, st);
		if (j)
			job_free(j);
	}
}

/* ---- redirections --------------------------------------------------------------- */

/* Apply c's redirections in this process. 0, or -1 after a message. */
static int apply_redirs(const struct command *c)
{
	for (int i = 0; i < c->nredir; i++) {
		const struct redir *r = &c->redir[i];
		int fd;

		if (r->kind == REDIR_DUP) {
			if (dup2(r->dup_from, r->fd) < 0) {
				fprintf(stderr, "sh: %d: %s\n", r->dup_from, strerror(errno));
				return -1;
			}
			continue;
		}
		if (r->kind == REDIR_IN)
			fd = open(r->path, O_RDONLY);
		else
			fd = open(r->path, O_WRONLY | O_CREAT |
				  (r->kind == REDIR_APPEND ? O_APPEND : O_TRUNC), 0666);
		if (fd < 0) {
			fprintf(stderr, "sh: %s: %s\n", r->path, strerror(errno));
			return -1;
		}
		if (fd != r->fd) {
			dup2(fd, r->fd);
			close(fd);
		}
	}
	return 0;
}

/* Redirections for a builtin run in the shell: saved copies of the fds. */
struct saved_fds {
	int fd[SH_MAX_REDIRS], copy[SH_MAX_REDIRS], n;
};

static int redirect_saving(const struct command *c, struct saved_fds *s)
{
	s->n = 0;
	for (int i = 0; i < c->nredir; i++) {
		s->fd[s->n] = c->redir[i].fd;
		s->copy[s->n++] = fcntl(c->redir[i].fd, F_DUPFD_CLOEXEC, 10);
	}
	fflush(stdout);
	return apply_redirs(c);
}

static void redirect_restore(struct saved_fds *s)
{
	fflush(stdout);
	while (s->n--) {
		if (s->copy[s->n] >= 0) {
			dup2(s->copy[s->n], s->fd[s->n]);
			close(s->copy[s->n]);
		} else {
			close(s->fd[s->n]);
		}
	}
}

/* ---- builtins ---------------------------------------------------------------------- */

static int run_script(const char *path, bool new_positional, int argc, char **argv);

static int builtin_cd(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : getenv("HOME");
	char cwd[4096];

	if (!dir)
		dir = "/";
	if (!strcmp(dir, "-"))
		dir = getenv("OLDPWD") ? getenv("OLDPWD") : ".";
	if (getcwd(cwd, sizeof(cwd)))
		setenv("OLDPWD", cwd, 1);
	if (chdir(dir) < 0) {
		fprintf(stderr, "sh: cd: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	if (getcwd(cwd, sizeof(cwd)))
		setenv("PWD", cwd, 1);
	return 0;
}

static int builtin_exit(int argc, char **argv)
{
	exit_requested = true;
	exit_status = argc > 1 ? atoi(argv[1]) & 0xff : last_status;
	return exit_status;
}

static int builtin_export(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strchr(argv[i], '='))
			assign(argv[i]);
	if (argc == 1) {
		extern char **environ;
		for (char **e = environ; *e; e++)
			printf("export %s\n", *e);
	}
	return 0;
}

/* ulimit [-s|-n] [N|unlimited]: print or set a soft limit (-s, the default:
 * the stack, in KiB as in bash; -n: open files), inherited by what the shell
 * runs next. */
static int builtin_ulimit(int argc, char **argv)
{
	int res = RLIMIT_STACK, scale = 1024, i = 1;
	struct rlimit rl;

	if (i < argc && (!strcmp(argv[i], "-s") || !strcmp(argv[i], "-n"))) {
		if (argv[i++][1] == 'n')
			res = RLIMIT_NOFILE, scale = 1;
	}
	if (getrlimit(res, &rl) < 0) {
		perror("ulimit");
		return 1;
	}
	if (i == argc) {
		if (rl.rlim_cur == RLIM_INFINITY)
			printf("unlimited\n");
		else
			printf("%llu\n", (unsigned long long)(rl.rlim_cur / scale));
		return 0;
	}
	if (!strcmp(argv[i], "unlimited")) {
		rl.rlim_cur = RLIM_INFINITY;
	} else {
		char *end;
		unsigned long long n = strtoull(argv[i], &end, 10);

		if (!*argv[i] || *end || n > RLIM_INFINITY / (unsigned)scale) {
			fprintf(stderr, "ulimit: bad limit %s\n", argv[i]);
			return 1;
		}
		rl.rlim_cur = (rlim_t)n * (unsigned)scale;
	}
	if (setrlimit(res, &rl) < 0) {
		perror("ulimit");
		return 1;
	}
	return 0;
}

static int builtin_unset(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		unsetenv(argv[i]);
	return 0;
}

static int builtin_wait(int argc, char **argv)
{
	return wait_jobs(argc > 1 ? (pid_t)atoi(argv[1]) : -1);
}

static int builtin_jobs(int argc, char **argv)
{
	(void)argc, (void)argv;
	reap_jobs(true);
	jobs_list();
	return 0;
}

static bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* Signal a job: its process group (interactive) or each of its processes. A
 * stopped job is continued after the signal so that it can act on it. */
static int kill_job(struct job *j, int sig)
{
	int err = 0;

	if (interactive) {
		err = kill(-j->pgid, sig);
	} else {
		for (int k = 0; k < j->npids; k++)
			if (j->pids[k] > 0 && kill(j->pids[k], sig) < 0)
				err = -1;
	}
	if (!err && j->stopped && sig && sig != SIGKILL && !is_stop_signal(sig)) {
		if (interactive)
			kill(-j->pgid, SIGCONT);
		else
			for (int k = 0; k < j->npids; k++)
				if (j->pids[k] > 0)
					kill(j->pids[k], SIGCONT);
		j->stopped = false;
	}
	return err;
}

/* One kill operand: %JOB or a (possibly negative) process id. */
static int kill_operand(const char *arg, int sig)
{
	struct job *j;
	char *end;
	long pid;

	if (arg[0] == '%') {
		j = job_from_spec(arg);
		if (!j) {
			fprintf(stderr, "sh: kill: %s: no such job\n", arg);
			return 1;
		}
		if (kill_job(j, sig) < 0) {
			fprintf(stderr, "sh: kill: %s: %s\n", arg, strerror(errno));
			return 1;
		}
		return 0;
	}
	pid = strtol(arg, &end, 10);
	if (end == arg || *end) {
		fprintf(stderr, "sh: kill: %s: arguments must be process or job IDs\n", arg);
		return 1;
	}
	if (kill((pid_t)pid, sig) < 0) {
		fprintf(stderr, "sh: kill: (%ld) - %s\n", pid, strerror(errno));
		return 1;
	}
	return 0;
}

static int builtin_kill(int argc, char **argv)
{
	int sig = SIGTERM, i = 1, status = 0;

	if (argc == 2 && !strcmp(argv[1], "-l")) {
		for (size_t k = 0; k < N_SIGNAMES; k++)
			printf("%s%c", signames[k].name, k + 1 < N_SIGNAMES ? ' ' : '\n');
		return 0;
	}
	if (i + 1 < argc && !strcmp(argv[i], "-s")) {
		sig = signame_parse(argv[i + 1]);
		i += 2;
	} else if (i < argc && argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--")) {
		sig = signame_parse(argv[i] + 1);
		i++;
	}
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (sig < 0 || sig >= 65 || i >= argc) {
		fputs("usage: kill [-SIGNAL | -s SIGNAL] PID|%JOB... | kill -l\n", stderr);
		return 2;
	}
	reap_jobs(false);
	for (; i < argc; i++)
		status |= kill_operand(argv[i], sig);
	return status;
}

static int builtin_pwd(int argc, char **argv)
{
	char cwd[4096];

	(void)argc, (void)argv;
	if (!getcwd(cwd, sizeof(cwd))) {
		perror("sh: pwd");
		return 1;
	}
	puts(cwd);
	return 0;
}

static int builtin_history(int argc, char **argv)
{
	(void)argc, (void)argv;
	sh_history_print();
	return 0;
}

static int builtin_true(int argc, char **argv)
{
	(void)argc, (void)argv;
	return 0;
}

static int builtin_false(int argc, char **argv)
{
	(void)argc, (void)argv;
	return 1;
}

static int builtin_source(int argc, char **argv)
{
	if (argc < 2) {
		fputs("sh: .: file name required\n", stderr);
		return 2;
	}
	return run_script(argv[1], false, 0, NULL);
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} builtins[] = {
	{ "cd", builtin_cd }, { "exit", builtin_exit }, { "export", builtin_export },
	{ "unset", builtin_unset }, { "wait", builtin_wait }, { "jobs", builtin_jobs },
	{ "kill", builtin_kill },
	{ "pwd", builtin_pwd }, { "history", builtin_history }, { ":", builtin_true },
	{ "true", builtin_true }, { "false", builtin_false }, { ".", builtin_source },
	{ "source", builtin_source }, { "ulimit", builtin_ulimit },
};

static int (*find_builtin(const char *name))(int, char **)
{
	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
		if (!strcmp(name, builtins[i].name))
			return builtins[i].fn;
	return NULL;
}

/* ---- running commands -------------------------------------------------------------- */

/* In a new child: signals back to their defaults, own group if interactive. */
static void child_setup(pid_t pgid, bool background)
{
	if (interactive) {
		pid_t me = getpid();

		setpgid(0, pgid ? pgid : me);
		if (!background)
			tcsetpgrp(0, pgid ? pgid : me);
		signal(SIGTTOU, SIG_DFL);
	} else if (background) {
		signal(SIGINT, SIG_IGN);   /* POSIX: async lists ignore them */
		signal(SIGQUIT, SIG_IGN);
		return;
	}
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
}

/* The command in a child process (pipes already in place): never returns. */
static void exec_command(struct command *c)
{
	int (*fn)(int, char **);

	for (int i = 0; i < c->nassign; i++)
		assign(c->assign[i]);
	if (apply_redirs(c))
		_exit(1);
	if (!c->argc)
		_exit(0);
	fn = find_builtin(c->argv[0]);
	if (fn) {
		int st = fn(c->argc, c->argv);

		fflush(stdout);
		_exit(st);
	}
	execvp(c->argv[0], c->argv);
	fprintf(stderr, "sh: %s: %s\n", c->argv[0],
		errno == ENOENT ? "not found" : strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

/* A lone builtin or assignment runs inside the shell. */
static bool run_in_shell(struct pipeline *pl, int *status)
{
	struct command *c = pl->cmds[0];
	int (*fn)(int, char **);
	struct saved_fds saved;

	if (pl->ncmds != 1 || pl->background)
		return false;
	if (!c->argc) {
		for (int i = 0; i < c->nassign; i++)
			assign(c->assign[i]);
		*status = 0;
		if (c->nredir) { /* "> file" alone creates the file */
			*status = redirect_saving(c, &saved) ? 1 : 0;
			redirect_restore(&saved);
		}
		return true;
	}
	fn = find_builtin(c->argv[0]);
	if (!fn || c->nassign)
		return false;
	if (redirect_saving(c, &saved)) {
		redirect_restore(&saved);
		*status = 1;
		return true;
	}
	*status = fn(c->argc, c->argv);
	redirect_restore(&saved);
	return true;
}

/* Wait for a foreground pipeline's processes; the last one's status. */
static int wait_foreground(const pid_t *pids, int n)
{
	int st, last = 0, left = n;

	while (left) {
		pid_t pid = waitpid(-1, &st, 0);

		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < n; i++) {
			if (pids[i] != pid)
				continue;
			left--;
			if (i == n - 1)
				last = st;
			pid = -1;
		}
		if (pid > 0) {
			struct job *j = job_reaped(pid, st);
			if (j && interactive)
				fprintf(stderr, "[%d] Done\t%s\n", j->id, j->text);
			if (j)
				job_free(j);
		}
	}
	return last;
}

/* Fork the commands of pl connected by pipes. Returns pids[] count or -1. */
static int spawn_pipeline(struct pipeline *pl, pid_t *pids, pid_t *pgid_out)
{
	int in = -1, fds[2];
	pid_t pgid = 0;

	for (int i = 0; i < pl->ncmds; i++) {
		bool last = i == pl->ncmds - 1;
		pid_t pid;

		if (!last && pipe2(fds, O_CLOEXEC) < 0) {
			perror("sh: pipe");
			break;
		}
		pid = fork();
		if (pid == 0) {
			child_setup(pgid, pl->background);
			if (in >= 0)
				dup2(in, 0);
			if (!last)
				dup2(fds[1], 1);
			exec_command(pl->cmds[i]);
		}
		if (pid < 0) {
			perror("sh: fork");
			if (!last) {
				close(fds[0]);
				close(fds[1]);
			}
			break;
		}
		if (!pgid)
			pgid = pid;
		if (interactive)
			setpgid(pid, pgid);
		pids[i] = pid;
		if (in >= 0)
			close(in);
		if (!last) {
			close(fds[1]);
			in = fds[0];
		}
		if (last) {
			*pgid_out = pgid;
			return pl->ncmds;
		}
	}
	if (in >= 0)
		close(in);
	*pgid_out = pgid;
	return -1;
}

static int run_pipeline(struct pipeline *pl)
{
	pid_t pids[SH_MAX_CMDS], pgid;
	int status, st, n;

	if (run_in_shell(pl, &status))
		return status;
	fflush(stdout);
	n = spawn_pipeline(pl, pids, &pgid);
	if (n < 0)
		return 1;
	if (pl->background) {
		struct job *j = job_add(pgid, pids, n, pl->text);

		last_bg_pid = pids[n - 1];
		if (interactive && j)
			fprintf(stderr, "[%d] %d\n", j->id, (int)pids[n - 1]);
		return 0;
	}
	if (interactive)
		tcsetpgrp(0, pgid);
	st = wait_foreground(pids, n);
	if (interactive)
		tcsetpgrp(0, shell_pgid);
	report_signal(st);
	return status_code(st);
}

/* Expand one pipeline's text now and run it. */
static int expand_and_run(struct pipeline *shape)
{
	struct arena a = { 0 };
	const char *err = NULL;
	struct pipeline *pl = sh_parse(&a, shape->text, true, &err);
	int status;

	if (err || !pl) {
		fprintf(stderr, "sh: %s\n", err ? err : "empty command");
		arena_free(&a);
		return 2;
	}
	pl->background = shape->background;
	status = run_pipeline(pl);
	arena_free(&a);
	return status;
}

/* Run every pipeline of one parsed line, honouring && and ||. */
static void run_list(struct pipeline *pl)
{
	enum connector prev = CONN_SEQ;

	for (; pl && !exit_requested; pl = pl->link) {
		bool skip = (prev == CONN_AND && last_status != 0) ||
			    (prev == CONN_OR && last_status == 0);

		if (!skip)
			last_status = expand_and_run(pl);
		prev = pl->next;
	}
}

static void run_text(const char *text)
{
	struct arena a = { 0 };
	const char *err = NULL;
	struct pipeline *pl = sh_parse(&a, text, false, &err);

	if (err) {
		fprintf(stderr, "sh: %s\n", err);
		last_status = 2;
	} else {
		run_list(pl);
	}
	arena_free(&a);
}

/* ---- input sources ------------------------------------------------------------------ */

/* Read a whole file into memory (NUL-terminated); NULL on error. */
static char *slurp(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t n;

	if (fd < 0 || !buf) {
		if (fd >= 0)
			close(fd);
		free(buf);
		return NULL;
	}
	while ((n = read(fd, buf + len, cap - len - 1)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			close(fd);
			return NULL;
		}
		len += (size_t)n;
		if (cap - len < 2) {
			char *nb = realloc(buf, cap *= 2);
			if (!nb) {
				free(buf);
				close(fd);
				return NULL;
			}
			buf = nb;
		}
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

/* Run text line by line (a line ending in \ continues on the next one). */
static void run_lines(char *text)
{
	char *line = text;

	while (line && *line && !exit_requested) {
		char *end = line;

		while (*end && (*end != '\n' || (end > line && end[-1] == '\\')))
			end++;
		if (*end)
			*end++ = '\0';
		run_text(line);
		line = end;
	}
}

static int run_script(const char *path, bool new_positional, int argc, char **argv)
{
	char *text = slurp(path);

	if (!text) {
		fprintf(stderr, "sh: %s: %s\n", path, strerror(errno));
		return 127;
	}
	if (new_positional) {
		positional_count = 0;
		positional[0] = (char *)path;
		for (int i = 0; i < argc && i < MAX_POSITIONAL; i++)
			positional[++positional_count] = argv[i];
	}
	/* A #! first line is a comment anyway. */
	run_lines(text);
	free(text);
	return last_status;
}

static void prompt(char *buf, size_t size)
{
	const char *ps1 = getenv("PS1");
	char cwd[256];

	if (ps1) {
		snprintf(buf, size, "%s", ps1);
		return;
	}
	if (!getcwd(cwd, sizeof(cwd)))
		strcpy(cwd, "?");
	snprintf(buf, size, "sis:%s# ", cwd);
}

/* The interactive loop (or commands read from a non-terminal stdin). */
static void run_input(void)
{
	char line[SH_MAX_LINE], ps[300];

	while (!exit_requested) {
		int n;

		if (interactive) {
			reap_jobs(true);
			prompt(ps, sizeof(ps));
		} else {
			reap_jobs(false);
			ps[0] = '\0';
		}
		n = sh_readline(0, ps, line, sizeof(line));
		if (n < 0)
			break;
		if (interactive)
			sh_history_add(line);
		run_text(line);
	}
	if (interactive && !exit_requested)
		fputs("exit\n", stderr);
}

static void setup_interactive(void)
{
	interactive = true;
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
	shell_pgid = getpid();
	if (setpgid(0, shell_pgid) < 0)
		shell_pgid = getpgrp();
	tcsetpgrp(0, shell_pgid);
}

int main(int argc, char **argv)
{
	positional[0] = argv[0];
	if (!getenv("PATH"))
		setenv("PATH", "/bin:/sbin", 1);
	if (argc > 2 && !strcmp(argv[1], "-c")) {
		positional[0] = argc > 3 ? argv[3] : argv[0];
		for (int i = 4; i < argc && positional_count < MAX_POSITIONAL; i++)
			positional[++positional_count] = argv[i];
		run_lines(argv[2]);
	} else if (argc > 1 && strcmp(argv[1], "-i") && strcmp(argv[1], "-s")) {
		run_script(argv[1], true, argc - 2, argv + 2);
	} else {
		if ((argc > 1 && !strcmp(argv[1], "-i")) || (isatty(0) && isatty(1)))
			setup_interactive();
		run_input();
	}
	fflush(stdout);
	return exit_requested ? exit_status : last_status;
}
