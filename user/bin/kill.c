/*
 * kill [-SIGNAL | -s SIGNAL] PID...   send a signal (default TERM);
 * kill -l                            list signal names.
 * SIGNAL is a name (TERM, SIGTERM) or a number; a PID below 0 names a
 * process group.
 */
#include <stdio.h>
#include "signames.h"

int main(int argc, char **argv)
{
	int sig = SIGTERM, i = 1, status = 0;

	if (argc > 1 && strcmp(argv[1], "-l") == 0) {
		for (size_t k = 0; k < N_SIGNAMES; k++)
			printf("%s%c", signames[k].name, k + 1 < N_SIGNAMES ? ' ' : '\n');
		return 0;
	}
	if (i < argc && strcmp(argv[i], "-s") == 0 && i + 1 < argc) {
		sig = signame_parse(argv[i + 1]);
		i += 2;
	} else if (i < argc && argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--")) {
		sig = signame_parse(argv[i] + 1);
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
