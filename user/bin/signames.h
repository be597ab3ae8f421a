/*
 * Signal names for kill(1) and the shell's kill builtin: "TERM", "SIGTERM"
 * or a number.
 */
#ifndef SIS_USER_SIGNAMES_H
#define SIS_USER_SIGNAMES_H

#include <ctype.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	int sig;
} signames[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "ILL", SIGILL },
	{ "TRAP", SIGTRAP }, { "ABRT", SIGABRT }, { "BUS", SIGBUS }, { "FPE", SIGFPE },
	{ "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV }, { "USR2", SIGUSR2 },
	{ "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM }, { "CHLD", SIGCHLD },
	{ "CONT", SIGCONT }, { "STOP", SIGSTOP }, { "TSTP", SIGTSTP }, { "TTIN", SIGTTIN },
	{ "TTOU", SIGTTOU }, { "URG", SIGURG }, { "WINCH", SIGWINCH }, { "SYS", SIGSYS },
};
#define N_SIGNAMES (sizeof(signames) / sizeof(signames[0]))

/* The signal named by s, or -1. */
static inline int signame_parse(const char *s)
{
	if (isdigit((unsigned char)*s))
		return atoi(s);
	if (strncmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < N_SIGNAMES; i++)
		if (strcmp(s, signames[i].name) == 0)
			return signames[i].sig;
	return -1;
}

#endif
