/* sleep SECONDS: pause for a number of seconds (fractions allowed: 0.5). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* "1.25" -> timespec; -1 if malformed. */
static int parse_seconds(const char *s, struct timespec *ts)
{
	char *end;
	long sec = strtol(s, &end, 10);
	long nsec = 0, scale = 100000000;

	if (end == s && *end != '.')
		return -1;
	if (*end == '.')
		for (end++; *end >= '0' && *end <= '9'; end++, scale /= 10)
			nsec += (*end - '0') * scale;
	if (*end || sec < 0)
		return -1;
	ts->tv_sec = sec;
	ts->tv_nsec = nsec;
	return 0;
}

int main(int argc, char **argv)
{
	struct timespec ts;

	if (argc != 2 || parse_seconds(argv[1], &ts)) {
		fprintf(stderr, "usage: sleep SECONDS\n");
		return 1;
	}
	while (nanosleep(&ts, &ts) < 0)
		if (errno != EINTR)
			return 1;
	return 0;
}
