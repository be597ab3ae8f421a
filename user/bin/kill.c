/*
 * kill [-SIGNAL | -s SIGNAL] PID...   send a signal (default TERM);
 * kill -l                            list signal names.
 * SIGNAL is a name (TERM, SIGTERM) or a number; a PID below 0 names a
 * process group.
 */
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	int sig;
} signals[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "ILL", SIGILL },
	{ "TRAP", SIGTRAP }, { "ABRT", SIGABRT }, { "BUS", SIGBUS }, { "FPE", SIGFPE },
	{ "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV }, { "USR2", SIGUSR2 },
	{ "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM }, { "CHLD", SIGCHLD },
	{ "CONT", SIGCONT }, { "STOP", SIGSTOP }, { "TSTP", SIGTSTP }, { "TTIN", SIGTTIN },
	{ "TTOU", SIGTTOU }, { "URG", SIGURG }, { "WINCH", SIGWINCH }, { "SYS", SIGSYS },
};

static int parse_signal(const char *s)
{
	if (isdigit((unsigned char)*s))
		return atoi(s);
	if (strncmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (strcmp(s, signals[i].name) == 0)
			return signals[i].sig;
	return -1;
}

int main(int argc, char **argv)
{
	int sig = SIGTERM, i = 1, status = 0;

	if (argc > 1 && strcmp(argv[1], "-l") == 0) {
		for (size_t k = 0; k < sizeof(signals) / sizeof(signals[0]); k++)
			printf("%s%c", signals[k].name, k + 1 < sizeof(signals) / sizeof(signals[0]) ? ' ' : '\n');
		return 0;
	}
	if (i < argc && strcmp(argv[i], "-s") == 0 && i + 1 < argc) {
		sig = parse_signal(argv[i + 1]);
		i += 2;
	} else if (i < argc && argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--")) {
		sig = parse_signal(argv[i] + 1);
		i++;
	}
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (sig < 0 || i >= argc) {
		fprintf(stderr, "usage: kill [-SIGNAL | -s SIGNAL] PID... | kill -l\n");
		return 1;
	}
	for (; i < argc; i++) {
		char *end;
		long pid = strtol(argv[i], &end, 10);

		if (*end || end == argv[i]) {
			fprintf(stderr, "kill: %s: not a process id\n", argv[i]);
			status = 1;
		} else if (kill((pid_t)pid, sig) < 0) {
			fprintf(stderr, "kill: (%ld): ", pid);
			perror(NULL);
			status = 1;
		}
	}
	return status;
}
