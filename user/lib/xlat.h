/*
 * Internal to the SIS user runtime: translation between picolibc's numbering
 * (newlib's errno, BSD signal numbers, its O_* and AT_* values) and the
 * kernel's Linux numbering (the uapi/sis headers).
 *
 * The two sets of names cannot meet in one C file (same macro names,
 * different values), so xlat_linux.c and xlat_pico.c each expand the same
 * name lists (xlat_names.h) into a value array, and xlat.c pairs them up
 * by index.
 */
#ifndef SIS_USER_XLAT_H
#define SIS_USER_XLAT_H

#include <stdint.h>

/* Value arrays in the order of the lists in xlat_names.h. */
extern const int __sis_linux_errno[], __sis_pico_errno[];
extern const int __sis_linux_signal[], __sis_pico_signal[];
extern const int __sis_linux_oflag[], __sis_pico_oflag[];
extern const int __sis_linux_clock[], __sis_pico_clock[];

/* O_* flag sets: the named bits moved to the other numbering; the access
 * mode kept; any other bit dropped. */
unsigned __sis_flags_to_linux(unsigned pico);
unsigned __sis_flags_to_pico(unsigned lin);

/* Signals: 0 for 0, -1 if the signal has no counterpart. */
int __sis_sig_to_linux(int pico);
int __sis_sig_to_pico(int lin);
/* A picolibc sigset_t (bit 1 << sig) <-> a Linux one (bit 1 << (sig - 1)). */
uint64_t __sis_sigset_to_linux(unsigned long pico);
unsigned long __sis_sigset_to_pico(uint64_t lin);

/* Constants that differ and are single values (filled by xlat_*.c). */
struct sis_xlat_consts {
	int at_fdcwd, at_removedir, at_empty_path, at_symlink_nofollow, at_eaccess;
	int f_dupfd_cloexec;
	int timer_abstime;
	int sig_block, sig_unblock, sig_setmask;
};
extern const struct sis_xlat_consts __sis_linux_consts, __sis_pico_consts;

/* Clock ids picolibc -> Linux; -1 if unknown. */
int __sis_clock_to_linux(int clk);

/* dirfd argument of *at() calls: picolibc's AT_FDCWD becomes Linux's. */
int __sis_dirfd(int dirfd);
/* AT_* flag bits picolibc -> Linux. */
int __sis_at_flags(int flags);

#endif
