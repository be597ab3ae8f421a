/*
 * Secure bits (PR_GET/SET_SECUREBITS, capabilities(7); Linux's
 * include/uapi/linux/securebits.h as of 5.16): each bit has a lock bit
 * above it that keeps it as it is for good.
 */
#ifndef UAPI_SIS_SECUREBITS_H
#define UAPI_SIS_SECUREBITS_H

#define SECURE_NOROOT 0               /* uid 0 gets no capabilities from execve */
#define SECURE_NO_SETUID_FIXUP 2      /* set*uid leaves capabilities alone */
#define SECURE_KEEP_CAPS 4            /* leaving uid 0 keeps permitted (execve clears it) */
#define SECURE_NO_CAP_AMBIENT_RAISE 6 /* PR_CAP_AMBIENT_RAISE refused */

#define SECBIT_NOROOT (1U << SECURE_NOROOT)
#define SECBIT_NOROOT_LOCKED (1U << (SECURE_NOROOT + 1))
#define SECBIT_NO_SETUID_FIXUP (1U << SECURE_NO_SETUID_FIXUP)
#define SECBIT_NO_SETUID_FIXUP_LOCKED (1U << (SECURE_NO_SETUID_FIXUP + 1))
#define SECBIT_KEEP_CAPS (1U << SECURE_KEEP_CAPS)
#define SECBIT_KEEP_CAPS_LOCKED (1U << (SECURE_KEEP_CAPS + 1))
#define SECBIT_NO_CAP_AMBIENT_RAISE (1U << SECURE_NO_CAP_AMBIENT_RAISE)
#define SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED (1U << (SECURE_NO_CAP_AMBIENT_RAISE + 1))

#define SECURE_ALL_BITS \
	(SECBIT_NOROOT | SECBIT_NO_SETUID_FIXUP | SECBIT_KEEP_CAPS | SECBIT_NO_CAP_AMBIENT_RAISE)
#define SECURE_ALL_LOCKS (SECURE_ALL_BITS << 1)

#endif
