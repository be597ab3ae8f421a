/*
 * Sleep accuracy: nanosleep and clock_nanosleep (relative and TIMER_ABSTIME)
 * wake no earlier than asked and within a tick (10 ms) plus a little for
 * emulation; a signal interrupts a sleep with EINTR and the time left; the
 * clocks move forward consistently.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MS 1000000L
#define SLACK_NS (10 * MS + 5 * MS) /* one tick, plus TCG scheduling noise */

static int failures;

static long long now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void check_span(const char *what, long long took, long long want)
{
	printf("proc_sleep: %s: asked %lld us, took %lld us\n", what, want / 1000, took / 1000);
	if (took < want || took > want + SLACK_NS) {
		printf("FAIL %s\n", what);
		failures++;
	}
}

static void relative_sleeps(void)
{
	static const long lengths_ms[] = { 1, 20, 100, 250 };

	for (unsigned i = 0; i < sizeof(lengths_ms) / sizeof(lengths_ms[0]); i++) {
		struct timespec req = { 0, lengths_ms[i] * MS };
		long long t0 = now_ns(CLOCK_MONOTONIC);

		if (nanosleep(&req, NULL)) {
			printf("FAIL nanosleep: errno %d\n", errno);
			failures++;
		}
		check_span("nanosleep", now_ns(CLOCK_MONOTONIC) - t0, lengths_ms[i] * MS);
	}
}

static void absolute_sleep(void)
{
	struct timespec until;
	long long t0 = now_ns(CLOCK_MONOTONIC);

	until.tv_sec = (t0 + 150 * MS) / 1000000000LL;
	until.tv_nsec = (t0 + 150 * MS) % 1000000000LL;
	if (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL)) {
		printf("FAIL clock_nanosleep abs\n");
		failures++;
	}
	check_span("clock_nanosleep(TIMER_ABSTIME)", now_ns(CLOCK_MONOTONIC) - t0, 150 * MS);
	/* A deadline in the past returns at once. */
	t0 = now_ns(CLOCK_MONOTONIC);
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
	if (now_ns(CLOCK_MONOTONIC) - t0 > 2 * MS) {
		printf("FAIL past deadline slept\n");
		failures++;
	}
}

static void on_usr1(int sig)
{
	(void)sig;
}

/* A child signals us 100 ms into a 2 s sleep. */
static void interrupted_sleep(void)
{
	struct timespec req = { 2, 0 }, rem = { 0, 0 };
	pid_t parent = getpid(), pid;
	long long t0;
	int r, e;

	signal(SIGUSR1, on_usr1);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		usleep(100000);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	t0 = now_ns(CLOCK_MONOTONIC);
	r = nanosleep(&req, &rem);
	e = errno;
	printf("proc_sleep: interrupted after %lld ms, %ld.%03ld s left\n",
	       (now_ns(CLOCK_MONOTONIC) - t0) / MS, (long)rem.tv_sec, rem.tv_nsec / MS);
	if (r != -1 || e != EINTR || rem.tv_sec != 1 || rem.tv_nsec < 800 * MS) {
		printf("FAIL EINTR: r=%d errno=%d\n", r, e);
		failures++;
	}
	waitpid(pid, NULL, 0);
}

static void clocks(void)
{
	long long m0 = now_ns(CLOCK_MONOTONIC), r0 = now_ns(CLOCK_REALTIME);
	long long b0 = now_ns(CLOCK_BOOTTIME);

	usleep(50000);
	if (now_ns(CLOCK_MONOTONIC) - m0 < 50 * MS || now_ns(CLOCK_REALTIME) - r0 < 50 * MS ||
	    now_ns(CLOCK_BOOTTIME) - b0 < 50 * MS || r0 < 1600000000LL * 1000000000LL) {
		printf("FAIL clocks\n");
		failures++;
	}
}

int main(void)
{
	relative_sleeps();
	absolute_sleep();
	interrupted_sleep();
	clocks();
	printf("proc_sleep: %s\n", failures ? "FAIL" : "PASS");
	return failures ? 1 : 0;
}
