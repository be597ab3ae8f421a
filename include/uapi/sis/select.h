/*
 * pselect6() of the SIS ABI (Linux's): fd sets are arrays of unsigned long
 * with bit (fd % 64) of word (fd / 64); the sixth argument points to a
 * { const sigset_t *ss; size_t ss_len; } pair.
 */
#ifndef UAPI_SIS_SELECT_H
#define UAPI_SIS_SELECT_H

#include <stddef.h>

#define SIS_FD_SETSIZE 1024
#define SIS_NFDBITS (8 * sizeof(unsigned long))

struct sis_pselect6_sigmask {
	const void *ss;  /* sigset_t * (8 bytes), or NULL */
	size_t ss_len;
};

#endif
