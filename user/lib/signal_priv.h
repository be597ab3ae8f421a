/* Internal to the SIS user runtime: signal.c <-> signal_linux.c. */
#ifndef SIS_USER_SIGNAL_PRIV_H
#define SIS_USER_SIGNAL_PRIV_H

#include <stdint.h>

/* A kernel sigaction in neutral types: Linux flags and a Linux mask. */
struct sis_kact {
	void *handler;
	unsigned long flags;
	uint64_t mask;
};

long __sis_rt_sigaction(int lsig, const struct sis_kact *act, struct sis_kact *old);
long __sis_rt_sigprocmask(int lhow, const uint64_t *set, uint64_t *old);
/* The fields of a kernel siginfo, whichever union member they live in. */
struct sis_siginfo_fields {
	int code, pid, uid, status;
	void *addr;
};
void __sis_siginfo_read(const void *info, struct sis_siginfo_fields *out);

#define SIS_KSA_SIGINFO 0x00000004UL /* the kernel's SA_SIGINFO */
#define SIS_KNSIG 64

#endif
