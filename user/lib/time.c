/*
 * Time: clock_gettime/clock_nanosleep (picolibc's clock ids translated),
 * gettimeofday, nanosleep, sleep, usleep, setitimer/getitimer and alarm.
 * struct timespec, timeval and itimerval have the kernel's layout (64-bit
 * fields) on aarch64, and ITIMER_* the kernel's numbers.
 */

#include <errno.h>
#include <time.h>
#include <unistd.h>
#include <sys/time.h>
#include "sis_syscall.h"
#include "xlat.h"

_Static_assert(sizeof(struct timespec) == 16 && sizeof(struct timeval) == 16,
	       "timespec/timeval match the kernel's");
_Static_assert(sizeof(struct itimerval) == 32 && ITIMER_REAL == 0 && ITIMER_VIRTUAL == 1 &&
	       ITIMER_PROF == 2, "itimerval and ITIMER_* match the kernel's");

static int clock_id(clockid_t clk)
{
	int lclk = __sis_clock_to_linux((int)clk);

	if (lclk < 0)
		errno = EINVAL;
	return lclk;
}

int clock_gettime(clockid_t clk, struct timespec *ts)
{
	int lclk = clock_id(clk);

	if (lclk < 0)
		return -1;
	return (int)sis_call(__NR_clock_gettime, lclk, ts);
}

int clock_nanosleep(clockid_t clk, int flags, const struct timespec *req, struct timespec *rem)
{
	int lclk = clock_id(clk);
	long r;

	if (lclk < 0)
		return EINVAL;
	r = sis_syscall(__NR_clock_nanosleep, lclk,
			(flags & TIMER_ABSTIME) ? __sis_linux_consts.timer_abstime : 0, req, rem);
	/* Returns the error number itself, not -1/errno. */
	return r < 0 ? __sis_errno_from_linux((int)-r) : 0;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
	return (int)sis_call(__NR_gettimeofday, tv, tz);
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
	return (int)sis_call(__NR_nanosleep, req, rem);
}

unsigned sleep(unsigned seconds)
{
	struct timespec req = { .tv_sec = seconds }, rem;

	if (nanosleep(&req, &rem) == 0)
		return 0;
	return (unsigned)rem.tv_sec + (rem.tv_nsec > 0);
}

int usleep(useconds_t us)
{
	struct timespec req = { .tv_sec = us / 1000000, .tv_nsec = (long)(us % 1000000) * 1000 };

	return nanosleep(&req, NULL);
}

int getitimer(int which, struct itimerval *cur)
{
	return (int)sis_call(__NR_getitimer, which, cur);
}

int setitimer(int which, const struct itimerval *restrict nv, struct itimerval *restrict ov)
{
	return (int)sis_call(__NR_setitimer, which, nv, ov);
}

/* Seconds left of the previous alarm (rounded, never 0 if one was armed). */
unsigned alarm(unsigned seconds)
{
	struct itimerval nv = { .it_value = { .tv_sec = seconds } }, ov;
	unsigned left;

	if (setitimer(ITIMER_REAL, &nv, &ov) < 0)
		return 0;
	left = (unsigned)ov.it_value.tv_sec + (ov.it_value.tv_usec >= 500000);
	if (!left && (ov.it_value.tv_sec || ov.it_value.tv_usec))
		left = 1;
	return left;
}
