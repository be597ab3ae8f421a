/*
 * ps: list processes from /proc/processes (one line per process:
 * "PID PPID PGID STATE NAME", written by the kernel).
 */
#include <stdio.h>
#include <string.h>

int main(void)
{
	FILE *f = fopen("/proc/processes", "r");
	char line[256], name[64], state;
	int pid, ppid, pgid;

	if (!f) {
		perror("ps: /proc/processes");
		return 1;
	}
	printf("  PID  PPID  PGID S COMMAND\n");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%d %d %d %c %63s", &pid, &ppid, &pgid, &state, name) != 5)
			continue;
		printf("%5d %5d %5d %c %s\n", pid, ppid, pgid, state, name);
	}
	fclose(f);
	return 0;
}
