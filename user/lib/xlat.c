/*
 * Translation between picolibc's numbering and Linux's (see xlat.h). This
 * file includes neither side's headers: it only pairs the value arrays.
 */
#include <stddef.h>
#include "xlat.h"
#include "xlat_names.h"

#define COUNT(name) +1
enum {
	N_ERRNO = 0 SIS_ERRNO_NAMES(COUNT),
	N_SIGNAL = 0 SIS_SIGNAL_NAMES(COUNT),
	N_OFLAG = 0 SIS_OFLAG_NAMES(COUNT),
	N_CLOCK = 0 SIS_CLOCK_NAMES(COUNT),
};

/* Index of v in arr[0..n), or -1. */
static int find(const int *arr, int n, int v)
{
	for (int i = 0; i < n; i++)
		if (arr[i] == v)
			return i;
	return -1;
}

int __sis_errno_from_linux(int e)
{
	int i = find(__sis_linux_errno, N_ERRNO, e);

	/* An errno picolibc has no name for keeps its number. */
	return i < 0 ? e : __sis_pico_errno[i];
}

int __sis_sig_to_linux(int pico)
{
	int i;

	if (pico == 0)
		return 0;
	i = find(__sis_pico_signal, N_SIGNAL, pico);
	return i < 0 ? -1 : __sis_linux_signal[i];
}

int __sis_sig_to_pico(int lin)
{
	int i;

	if (lin == 0)
		return 0;
	i = find(__sis_linux_signal, N_SIGNAL, lin);
	return i < 0 ? -1 : __sis_pico_signal[i];
}

uint64_t __sis_sigset_to_linux(unsigned long pico)
{
	uint64_t lin = 0;

	for (int s = 1; s < 64; s++) {
		int l;

		if (!(pico & (1UL << s)))
			continue;
		l = __sis_sig_to_linux(s);
		if (l > 0)
			lin |= 1ULL << (l - 1);
	}
	return lin;
}

unsigned long __sis_sigset_to_pico(uint64_t lin)
{
	unsigned long pico = 0;

	for (int l = 1; l <= 64; l++) {
		int s;

		if (!(lin & (1ULL << (l - 1))))
			continue;
		s = __sis_sig_to_pico(l);
		if (s > 0 && s < 64)
			pico |= 1UL << s;
	}
	return pico;
}

/*
 * Move the named bits from one numbering to the other. The access mode
 * (0, 1, 2: the same in both) passes; any other bit is dropped, since an
 * unnamed bit of one numbering may mean something else in the other.
 */
static unsigned move_flags(unsigned v, const int *from, const int *to)
{
	unsigned out = v & 3;

	for (int i = 0; i < N_OFLAG; i++)
		if ((v & (unsigned)from[i]) == (unsigned)from[i])
			out |= (unsigned)to[i];
	return out;
}

unsigned __sis_flags_to_linux(unsigned pico)
{
	return move_flags(pico, __sis_pico_oflag, __sis_linux_oflag);
}

unsigned __sis_flags_to_pico(unsigned lin)
{
	return move_flags(lin, __sis_linux_oflag, __sis_pico_oflag);
}

int __sis_dirfd(int dirfd)
{
	return dirfd == __sis_pico_consts.at_fdcwd ? __sis_linux_consts.at_fdcwd : dirfd;
}

int __sis_at_flags(int flags)
{
	const struct sis_xlat_consts *p = &__sis_pico_consts, *l = &__sis_linux_consts;
	int out = 0;

	if (flags & p->at_removedir)
		out |= l->at_removedir;
	if (flags & p->at_empty_path)
		out |= l->at_empty_path;
	if (flags & p->at_symlink_nofollow)
		out |= l->at_symlink_nofollow;
	return out;
}

int __sis_clock_to_linux(int clk)
{
	int i = find(__sis_pico_clock, N_CLOCK, clk);

	return i < 0 ? -1 : __sis_linux_clock[i];
}
