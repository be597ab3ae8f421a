/*
 * Sleep accuracy: nanosleep and clock_nanosleep (relative and TIMER_ABSTIME)
 * never wake early; the best of three wakes within a tick (10 ms) plus a
 * little for emulation, and none is later than a busy host explains; a signal
 * interrupts a sleep with EINTR and exactly the time left; the clocks move
 * forward consistently.
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
#define LOAD_NS (150 * MS)          /* any one sleep, on a loaded host */
#define ROUNDS 3

static int failures;

static long long now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * ROUNDS sleeps of WANT ns each (SLEEP does one and returns how long it
 * took): none may end early, none may overshoot by more than LOAD_NS (a
 * host busy with other work stalls the whole machine now and then), and the
 * best must be within SLACK_NS: a timer that is systematically late is late
 * every time, a busy host only some of the time.
 */
static void check_rounds(const char *what, long long want, long long (*sleep)(long long))
{
	long long best = -1, worst = 0;

	for (int i = 0; i < ROUNDS; i++) {
		long long took = sleep(want);

		if (took < want) {
			printf("FAIL %s: asked %lld us, woke after %lld us\n", what, want / 1000,
			       took / 1000);
			failures++;
		}
		if (best < 0 || took < best)
			best = took;
		if (took > worst)
			worst = took;
	}
	printf("proc_sleep: %s: asked %lld us, took %lld-%lld us\n", what, want / 1000,
	       best / 1000, worst / 1000);
	if (best > want + SLACK_NS || worst > want + LOAD_NS) {
		printf("FAIL %s\n", what);
		failures++;
	}
}

static long long one_nanosleep(long long want)
{
	struct timespec req = { want / 1000000000LL, want % 1000000000LL };
	long long t0 = now_ns(CLOCK_MONOTONIC);

	if (nanosleep(&req, NULL)) {
		printf("FAIL nanosleep: errno %d\n", errno);
		failures++;
	}
	return now_ns(CLOCK_MONOTONIC) - t0;
}

static void relative_sleeps(void)
{
	static const long lengths_ms[] = { 1, 20, 100, 250 };

	for (unsigned i = 0; i < sizeof(lengths_ms) / sizeof(lengths_ms[0]); i++)
		check_rounds("nanosleep", lengths_ms[i] * MS, one_nanosleep);
}

static long long one_abs_sleep(long long want)
{
	struct timespec until;
	long long t0 = now_ns(CLOCK_MONOTONIC);

	until.tv_sec = (t0 + want) / 1000000000LL;
	until.tv_nsec = (t0 + want) % 1000000000LL;
	if (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL)) {
		printf("FAIL clock_nanosleep abs\n");
		failures++;
	}
	return now_ns(CLOCK_MONOTONIC) - t0;
}

/* A deadline 1 s in the past: returns at once (want is 0). */
static long long one_past_sleep(long long want)
{
	struct timespec until;
	long long t0 = now_ns(CLOCK_MONOTONIC);

	(void)want;
	until.tv_sec = t0 / 1000000000LL - 1;
	until.tv_nsec = t0 % 1000000000LL;
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
	return now_ns(CLOCK_MONOTONIC) - t0;
}

static void absolute_sleep(void)
{
	check_rounds("clock_nanosleep(TIMER_ABSTIME)", 150 * MS, one_abs_sleep);
	check_rounds("clock_nanosleep(TIMER_ABSTIME) in the past", 0, one_past_sleep);
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
	long long t0, took, left;
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
	took = now_ns(CLOCK_MONOTONIC) - t0;
	left = rem.tv_sec * 1000000000LL + rem.tv_nsec;
	printf("proc_sleep: interrupted after %lld ms, %ld.%03ld s left\n", took / MS,
	       (long)rem.tv_sec, rem.tv_nsec / MS);
	/* However late the signal came, what is left is 2 s minus the time slept. */
	if (r != -1 || e != EINTR || took >= 2000 * MS || left > 2000 * MS - took + SLACK_NS ||
	    left < 2000 * MS - took - SLACK_NS) {
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
