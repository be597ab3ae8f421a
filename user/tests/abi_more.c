/*
 * abi_more: the rest of issue 17's Linux calls, as a glibc program booted
 * as init on SIS (built with -DON_SIS) and run natively on Linux as the
 * reference (as root there too):
 *   - capget/capset: v1/v3 layouts, bad versions, root's sets (the
 *     bounding set; on SIS every capability), dropping and raising, what
 *     setuid/seteuid do to the sets, execve giving root its sets back;
 *     ambient capabilities (PR_CAP_AMBIENT: only if permitted and
 *     inheritable, dropped with either, cleared leaving uid 0, kept by
 *     execve, which gives them under SECBIT_NOROOT), securebits (locks,
 *     CAP_SETPCAP, SECBIT_KEEP_CAPS at setresuid, cleared by execve);
 *   - chown/fchownat by a file's owner without CAP_CHOWN (the group to
 *     one of its own, never the owner), -1, and the set-id bits chown
 *     clears;
 *   - /proc/PID/task/TID/{stat,status,comm}: a thread asleep in a futex
 *     shows state S with its own tid and name; gone once it exits;
 *   - O_TMPFILE: an unnamed file, named by linkat(AT_EMPTY_PATH) or
 *     through /proc/self/fd/N, never with O_EXCL; the EINVAL, ENOTDIR,
 *     EISDIR, EOPNOTSUPP and EACCES cases;
 *   - mknod of device nodes by root: the numbers of null, zero, urandom,
 *     random, tty, console and ptmx open what those open (ptmx only
 *     beside a pts directory), others and block devices give ENXIO, a pty
 *     slave's number (existing or not) outside /dev/pts EIO; not without
 *     CAP_MKNOD;
 *   - IPV6_ADDRFORM (a dual-stack socket with an IPv4 peer becomes AF_INET,
 *     then is disconnected, bound and listens as LTP's connect02) and
 *     IPV6_RTHDR (type 2 and segment-routing headers kept and given back);
 *   - F_NOTIFY (dnotify): DN_CREATE, DN_DELETE, DN_RENAME (same directory
 *     only), DN_MODIFY, DN_ACCESS, DN_ATTRIB on the directory and its
 *     files (LTP's fcntl38: a subdirectory's chmod reaches it and its
 *     parent), one-shot and DN_MULTISHOT, F_SETSIG's si_fd, ENOTDIR;
 *   - futex_waitv: Linux's EINVAL/EFAULT/EAGAIN/ETIMEDOUT cases, the index
 *     of the word woken; "abi_more --waiters N" (its own test, with the
 *     memory for it) has N forked processes wait on one shared futex and
 *     moves them with FUTEX_CMP_REQUEUE as LTP's futex_cmp_requeue01.
 * Prints "abi_more: N checks, M failed"; exit status 1 on any failure.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/futex.h>
#include <linux/securebits.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include "glibc_check.h"

#define NOGROUP2 65533 /* a supplementary group of the unprivileged child */

static char tmp[64];

static int capget_raw(struct __user_cap_header_struct *h, struct __user_cap_data_struct *d)
{
	return (int)syscall(SYS_capget, h, d);
}

static int capset_raw(struct __user_cap_header_struct *h, struct __user_cap_data_struct *d)
{
	return (int)syscall(SYS_capset, h, d);
}

/* The current effective, permitted and inheritable sets (v3). */
static bool caps_now(uint64_t *eff, uint64_t *perm, uint64_t *inh)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (capget_raw(&h, d))
		return false;
	*eff = d[0].effective | (uint64_t)d[1].effective << 32;
	*perm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	*inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	return true;
}

static int caps_set(uint64_t eff, uint64_t perm, uint64_t inh)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = {
		{ (uint32_t)eff, (uint32_t)perm, (uint32_t)inh },
		{ (uint32_t)(eff >> 32), (uint32_t)(perm >> 32), (uint32_t)(inh >> 32) },
	};

	return capset_raw(&h, d);
}

/* A "Name:\tVALUE" line of a /proc status file as a hex number, or -1. */
static long long status_hex(const char *path, const char *name)
{
	return file_number(path, name, 16);
}

/* ---- capabilities ------------------------------------------------------ */

static uint64_t bounding;

static void caps_header(void)
{
	struct __user_cap_header_struct h = { 0x12345678, 0 };
	struct __user_cap_data_struct d[2];

	CHECK_ERR(capget_raw(&h, d), EINVAL, "capget with a bad version");
	CHECK(h.version == _LINUX_CAPABILITY_VERSION_3, "the version written back: %#x", h.version);
	h.version = 0x12345678;
	CHECK(capget_raw(&h, NULL) == 0 && h.version == _LINUX_CAPABILITY_VERSION_3,
	      "capget(bad version, NULL) is libcap's probe: version %#x", h.version);
	h.version = 0x12345678;
	CHECK_ERR(capset_raw(&h, d), EINVAL, "capset with a bad version");
	CHECK_ERR(capget_raw(NULL, d), EFAULT, "capget(NULL header)");
	h.version = _LINUX_CAPABILITY_VERSION_3;
	CHECK_ERR(capget_raw(&h, (void *)8), EFAULT, "capget to a bad data pointer");
	h.pid = -1;
	CHECK_ERR(capget_raw(&h, d), EINVAL, "capget pid -1");
	h.pid = 999999;
	CHECK_ERR(capget_raw(&h, d), ESRCH, "capget of no process");
	h.pid = fork();
	if (h.pid == 0) {
		pause();
		_exit(0);
	}
	CHECK(capget_raw(&h, d) == 0 && d[0].effective == (uint32_t)bounding,
	      "capget of another process");
	CHECK_ERR(capset_raw(&h, d), EPERM, "capset of another process");
	kill(h.pid, SIGKILL);
	waitpid(h.pid, NULL, 0);
	h.pid = 0;
	h.version = _LINUX_CAPABILITY_VERSION_1;
	memset(d, 0x5a, sizeof(d));
	CHECK(capget_raw(&h, d) == 0 && d[0].effective == (uint32_t)bounding &&
	      d[1].effective == 0x5a5a5a5a, "v1 fills one struct: %#x %#x", d[0].effective,
	      d[1].effective);
}

static void caps_drop_raise(void)
{
	uint64_t eff, perm, inh;
	char f[96];
	int fd;

	snprintf(f, sizeof(f), "%s/capfile", tmp);
	fd = open(f, O_CREAT | O_WRONLY, 0644);
	close(fd);
	CHECK(caps_set(bounding & ~(1ULL << CAP_CHOWN), bounding, 0) == 0, "drop CAP_CHOWN from eff");
	CHECK(caps_now(&eff, &perm, &inh) && eff == (bounding & ~(1ULL << CAP_CHOWN)) &&
	      perm == bounding, "sets after the drop: %llx %llx", (unsigned long long)eff,
	      (unsigned long long)perm);
	CHECK_ERR(chown(f, 1234, -1), EPERM, "chown without CAP_CHOWN");
	CHECK(status_hex("/proc/self/status", "CapEff:") == (long long)eff, "CapEff in status");
	CHECK(caps_set(bounding, bounding, 0) == 0, "raise it again (it is permitted)");
	CHECK(chown(f, 1234, -1) == 0, "chown with CAP_CHOWN");
	CHECK_ERR(caps_set(bounding, bounding & ~(1ULL << CAP_CHOWN), 0), EPERM,
		  "effective outside permitted");
	CHECK(caps_set(1ULL << CAP_KILL, (1ULL << CAP_KILL) | (1ULL << CAP_SETUID),
		       1ULL << CAP_SETUID) == 0, "drop permitted, set an inheritable one");
	CHECK(caps_now(&eff, &perm, &inh) && eff == 1ULL << CAP_KILL && inh == 1ULL << CAP_SETUID,
	      "sets: %llx %llx %llx", (unsigned long long)eff, (unsigned long long)perm,
	      (unsigned long long)inh);
	CHECK_ERR(caps_set(1ULL << CAP_KILL, bounding, 0), EPERM, "permitted cannot grow");
	CHECK_ERR(caps_set(1ULL << CAP_KILL, 1ULL << CAP_KILL, 1ULL << CAP_CHOWN), EPERM,
		  "inheritable outside permitted without CAP_SETPCAP");
	CHECK_ERR(chown(f, 0, -1), EPERM, "chown without CAP_CHOWN (dropped from permitted)");
	CHECK_ERR(setuid(NOBODY), EPERM, "setuid to another uid without CAP_SETUID");
	unlink(f);
}

static void caps_setuid(void)
{
	uint64_t eff, perm, inh;

	CHECK(setresuid(-1, NOBODY, -1) == 0, "seteuid(nobody)");
	CHECK(caps_now(&eff, &perm, &inh) && eff == 0 && perm == bounding,
	      "euid 0 -> nobody clears eff only: %llx %llx", (unsigned long long)eff,
	      (unsigned long long)perm);
	CHECK(setresuid(-1, 0, -1) == 0, "seteuid(0)");
	CHECK(caps_now(&eff, &perm, &inh) && eff == bounding, "eff = permitted again: %llx",
	      (unsigned long long)eff);
	CHECK(setuid(NOBODY) == 0, "setuid(nobody)");
	CHECK(caps_now(&eff, &perm, &inh) && eff == 0 && perm == 0 && inh == 0,
	      "all ids non-zero: no capabilities: %llx %llx", (unsigned long long)eff,
	      (unsigned long long)perm);
	CHECK(status_hex("/proc/self/status", "CapPrm:") == 0, "CapPrm 0 in status");
	CHECK_ERR(caps_set(1, 1, 0), EPERM, "no raising them back");
}

static void caps_bset(void)
{
	uint64_t eff, perm, inh;

	CHECK(prctl(PR_CAPBSET_READ, CAP_KILL) == 1, "CAP_KILL is in the bounding set");
	CHECK_ERR(prctl(PR_CAPBSET_READ, CAP_LAST_CAP + 1), EINVAL, "PR_CAPBSET_READ past the last");
	CHECK(prctl(PR_CAPBSET_DROP, CAP_KILL) == 0 && prctl(PR_CAPBSET_READ, CAP_KILL) == 0,
	      "PR_CAPBSET_DROP");
	CHECK(status_hex("/proc/self/status", "CapBnd:") == (long long)(bounding & ~(1ULL << CAP_KILL)),
	      "CapBnd without it");
	CHECK(caps_now(&eff, &perm, &inh) && eff == bounding, "the other sets keep it");
	CHECK_ERR(caps_set(eff, perm, 1ULL << CAP_KILL), EPERM,
		  "no inheritable capability outside the bounding set");
	CHECK(caps_set(bounding & ~(1ULL << CAP_SETPCAP), bounding, 0) == 0, "drop CAP_SETPCAP");
	CHECK_ERR(prctl(PR_CAPBSET_DROP, CAP_CHOWN), EPERM, "PR_CAPBSET_DROP needs CAP_SETPCAP");
}

/* Re-run as "abi_more --caps": exit 0 if the sets are root's full ones. */
static int caps_after_exec(void)
{
	uint64_t eff, perm, inh;

	return caps_now(&eff, &perm, &inh) && eff == bounding && perm == bounding ? 0 : 1;
}

static void caps_exec(void)
{
	CHECK(caps_set(0, bounding, 0) == 0, "drop eff");
	execl("/proc/self/exe", "abi_more", "--caps", (char *)NULL);
	CHECK(0, "exec /proc/self/exe");
}

/* ---- ambient capabilities and securebits ----------------------------------- */

#define NET_BIND (1ULL << CAP_NET_BIND_SERVICE)
#define NET_RAW (1ULL << CAP_NET_RAW)

static long amb(unsigned long op, unsigned long cap)
{
	return prctl(PR_CAP_AMBIENT, op, cap, 0, 0);
}

static void caps_ambient(void)
{
	CHECK(amb(PR_CAP_AMBIENT_CLEAR_ALL, 0) == 0 && amb(PR_CAP_AMBIENT_IS_SET, CAP_NET_RAW) == 0,
	      "an empty ambient set");
	CHECK_ERR(amb(999, CAP_NET_RAW), EINVAL, "PR_CAP_AMBIENT with a bad op");
	CHECK_ERR(amb(PR_CAP_AMBIENT_CLEAR_ALL, 1), EINVAL, "CLEAR_ALL with arg3");
	CHECK_ERR(amb(PR_CAP_AMBIENT_IS_SET, 1000), EINVAL, "IS_SET of no capability");
	CHECK_ERR(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_RAW, 1, 0), EINVAL,
		  "RAISE with arg4");
	CHECK_ERR(amb(PR_CAP_AMBIENT_RAISE, CAP_NET_BIND_SERVICE), EPERM,
		  "RAISE of a capability not inheritable");
	CHECK(caps_set(bounding, bounding, NET_BIND | NET_RAW) == 0, "inheritable NET_BIND, NET_RAW");
	CHECK(amb(PR_CAP_AMBIENT_RAISE, CAP_NET_BIND_SERVICE) == 0 &&
		      amb(PR_CAP_AMBIENT_RAISE, CAP_NET_BIND_SERVICE) == 0,
	      "RAISE (twice)");
	CHECK(amb(PR_CAP_AMBIENT_IS_SET, CAP_NET_BIND_SERVICE) == 1 &&
		      amb(PR_CAP_AMBIENT_IS_SET, CAP_NET_RAW) == 0,
	      "IS_SET");
	CHECK(status_hex("/proc/self/status", "CapAmb:") == (long long)NET_BIND, "CapAmb 400");
	CHECK(prctl(PR_GET_SECUREBITS) == 0 &&
		      prctl(PR_SET_SECUREBITS, SECBIT_NO_CAP_AMBIENT_RAISE) == 0,
	      "set SECBIT_NO_CAP_AMBIENT_RAISE");
	CHECK_ERR(amb(PR_CAP_AMBIENT_RAISE, CAP_NET_RAW), EPERM,
		  "RAISE under SECBIT_NO_CAP_AMBIENT_RAISE");
	CHECK(prctl(PR_SET_SECUREBITS, 0) == 0 && amb(PR_CAP_AMBIENT_RAISE, CAP_NET_RAW) == 0,
	      "RAISE with the bit clear again");
	CHECK(amb(PR_CAP_AMBIENT_LOWER, CAP_NET_RAW) == 0 &&
		      amb(PR_CAP_AMBIENT_LOWER, CAP_NET_RAW) == 0 &&
		      amb(PR_CAP_AMBIENT_IS_SET, CAP_NET_RAW) == 0,
	      "LOWER (also of one not set)");
	CHECK(caps_set(bounding, bounding, NET_RAW) == 0 &&
		      amb(PR_CAP_AMBIENT_IS_SET, CAP_NET_BIND_SERVICE) == 0,
	      "dropped from inheritable, dropped from ambient");
	CHECK(caps_set(bounding, bounding, NET_BIND) == 0 &&
		      amb(PR_CAP_AMBIENT_RAISE, CAP_NET_BIND_SERVICE) == 0 &&
		      caps_set(bounding & ~NET_BIND, bounding & ~NET_BIND, NET_BIND) == 0 &&
		      amb(PR_CAP_AMBIENT_IS_SET, CAP_NET_BIND_SERVICE) == 0,
	      "dropped from permitted, dropped from ambient");
	CHECK(amb(PR_CAP_AMBIENT_RAISE, CAP_NET_RAW) == -1 && errno == EPERM &&
		      amb(PR_CAP_AMBIENT_CLEAR_ALL, 0) == 0,
	      "CLEAR_ALL");
}

static void caps_securebits(void)
{
	CHECK(prctl(PR_GET_KEEPCAPS) == 0, "PR_GET_KEEPCAPS 0");
	CHECK_ERR(prctl(PR_SET_KEEPCAPS, 2), EINVAL, "PR_SET_KEEPCAPS 2");
	CHECK(prctl(PR_SET_KEEPCAPS, 1) == 0 && prctl(PR_GET_KEEPCAPS) == 1 &&
		      prctl(PR_GET_SECUREBITS) == SECBIT_KEEP_CAPS,
	      "PR_SET_KEEPCAPS is SECBIT_KEEP_CAPS");
	CHECK_ERR(prctl(PR_SET_SECUREBITS, 1UL << 20), EPERM, "an unknown secure bit");
	CHECK(prctl(PR_SET_SECUREBITS, SECBIT_KEEP_CAPS_LOCKED) == 0 &&
		      prctl(PR_GET_KEEPCAPS) == 0,
	      "KEEP_CAPS clear and locked");
	CHECK_ERR(prctl(PR_SET_KEEPCAPS, 1), EPERM, "PR_SET_KEEPCAPS when locked");
	CHECK_ERR(prctl(PR_SET_SECUREBITS, SECBIT_KEEP_CAPS_LOCKED | SECBIT_KEEP_CAPS), EPERM,
		  "a locked bit does not change");
	CHECK_ERR(prctl(PR_SET_SECUREBITS, 0), EPERM, "a lock does not go");
	CHECK(prctl(PR_SET_SECUREBITS, SECBIT_KEEP_CAPS_LOCKED | SECBIT_NOROOT) == 0 &&
		      prctl(PR_GET_SECUREBITS) == (SECBIT_KEEP_CAPS_LOCKED | SECBIT_NOROOT),
	      "other bits still change");
	CHECK(caps_set(bounding & ~(1ULL << CAP_SETPCAP), bounding, 0) == 0, "drop CAP_SETPCAP");
	CHECK_ERR(prctl(PR_SET_SECUREBITS, SECBIT_KEEP_CAPS_LOCKED | SECBIT_NOROOT), EPERM,
		  "PR_SET_SECUREBITS needs CAP_SETPCAP");
	CHECK_ERR(prctl(PR_CAPBSET_DROP, 1000), EPERM,
		  "PR_CAPBSET_DROP asks for CAP_SETPCAP before the capability's number");
}

/* Leaving uid 0 with SECBIT_KEEP_CAPS keeps permitted, clears effective
 * (euid left 0) and always the ambient set. */
static void caps_keep_setuid(void)
{
	uint64_t eff, perm, inh;

	CHECK(caps_set(bounding, bounding, NET_BIND) == 0 &&
		      amb(PR_CAP_AMBIENT_RAISE, CAP_NET_BIND_SERVICE) == 0 &&
		      prctl(PR_SET_KEEPCAPS, 1) == 0,
	      "ambient NET_BIND, KEEP_CAPS");
	CHECK(setresuid(NOBODY, NOBODY, NOBODY) == 0, "setresuid(nobody)");
	CHECK(caps_now(&eff, &perm, &inh) && eff == 0 && perm == bounding && inh == NET_BIND,
	      "KEEP_CAPS kept permitted: %llx %llx %llx", (unsigned long long)eff,
	      (unsigned long long)perm, (unsigned long long)inh);
	CHECK(amb(PR_CAP_AMBIENT_IS_SET, CAP_NET_BIND_SERVICE) == 0, "ambient cleared");
}

/* Re-run as "abi_more --ambient": the sets an execve gave root under
 * SECBIT_NOROOT with ambient NET_BIND: exactly it, and KEEP_CAPS gone. */
static int caps_after_ambient_exec(void)
{
	uint64_t eff, perm, inh;

	if (!caps_now(&eff, &perm, &inh) || eff != NET_BIND || perm != NET_BIND || inh != NET_BIND)
		return 1;
	if (status_hex("/proc/self/status", "CapAmb:") != (long long)NET_BIND)
		return 2;
	return prctl(PR_GET_SECUREBITS) == SECBIT_NOROOT ? 0 : 3;
}

static void caps_ambient_exec(void)
{
	CHECK(caps_set(bounding, bounding, NET_BIND) == 0 &&
		      amb(PR_CAP_AMBIENT_RAISE, CAP_NET_BIND_SERVICE) == 0 &&
		      prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_KEEP_CAPS) == 0,
	      "ambient NET_BIND, SECBIT_NOROOT");
	execl("/proc/self/exe", "abi_more", "--ambient", (char *)NULL);
	CHECK(0, "exec /proc/self/exe");
}

static void check_caps(void)
{
	uint64_t eff, perm, inh;

	bounding = (uint64_t)status_hex("/proc/self/status", "CapBnd:");
	CHECK(caps_now(&eff, &perm, &inh), "capget v3");
	CHECK(eff == bounding && perm == bounding && inh == 0,
	      "root's sets are the bounding set: %llx %llx %llx (bnd %llx)", (unsigned long long)eff,
	      (unsigned long long)perm, (unsigned long long)inh, (unsigned long long)bounding);
#ifdef ON_SIS
	CHECK(bounding == 0x1ffffffffffULL, "SIS's bounding set is every capability: %llx",
	      (unsigned long long)bounding);
#endif
	caps_header();
	check_in_child(caps_drop_raise, "capset drop/raise");
	check_in_child(caps_setuid, "setuid and capabilities");
	check_in_child(caps_bset, "the bounding set");
	check_in_child(caps_exec, "execve gives root its capabilities back");
	check_in_child(caps_ambient, "ambient capabilities");
	check_in_child(caps_securebits, "securebits and PR_SET_KEEPCAPS");
	check_in_child(caps_keep_setuid, "setresuid with SECBIT_KEEP_CAPS");
	check_in_child(caps_ambient_exec, "execve keeps the ambient set (SECBIT_NOROOT)");
}

/* ---- chown by the owner --------------------------------------------------- */

static mode_t mode_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? (mode_t)-1 : st.st_mode & 07777;
}

static void chown_as_owner(void)
{
	gid_t groups[] = { NOGROUP2 };
	char mine[96], roots[96];
	struct stat st;

	snprintf(mine, sizeof(mine), "%s/mine", tmp);
	snprintf(roots, sizeof(roots), "%s/roots", tmp);
	if (setgroups(1, groups) || setgid(NOBODY) || setuid(NOBODY))
		_exit(100);
	CHECK(close(open(mine, O_CREAT | O_WRONLY, 0755)) == 0, "create as nobody");
	CHECK(chown(mine, -1, NOGROUP2) == 0, "owner: group to a supplementary group");
	CHECK(stat(mine, &st) == 0 && st.st_gid == NOGROUP2 && st.st_uid == NOBODY, "gid %u",
	      st.st_gid);
	CHECK(chown(mine, NOBODY, NOBODY) == 0, "owner: its own uid and egid");
	CHECK_ERR(chown(mine, -1, 100), EPERM, "owner: a group it is not in");
	CHECK_ERR(chown(mine, 0, -1), EPERM, "owner: giving the file away");
	CHECK(chown(mine, -1, -1) == 0, "owner: -1, -1");
	CHECK(chmod(mine, 04755) == 0 && chown(mine, -1, NOGROUP2) == 0 && mode_of(mine) == 0755,
	      "chown clears S_ISUID: %o", mode_of(mine));
	CHECK(fchownat(AT_FDCWD, mine, -1, NOBODY, AT_SYMLINK_NOFOLLOW) == 0, "fchownat");
	CHECK_ERR(chown(roots, -1, NOBODY), EPERM, "not the owner: the group");
	CHECK(chown(roots, -1, -1) == 0, "not the owner: -1, -1 changes nothing");
	CHECK_ERR(fchownat(AT_FDCWD, roots, NOBODY, -1, 0), EPERM, "not the owner: fchownat");
	unlink(mine);
}

static void check_chown(void)
{
	char roots[96];

	snprintf(roots, sizeof(roots), "%s/roots", tmp);
	CHECK(close(open(roots, O_CREAT | O_WRONLY, 0644)) == 0, "create");
	CHECK(chmod(roots, 06755) == 0 && chown(roots, -1, -1) == 0 && mode_of(roots) == 0755,
	      "root's chown(-1, -1) clears both set-id bits of a group-executable file: %o",
	      mode_of(roots));
	CHECK(chmod(roots, 02644) == 0 && chown(roots, 0, 0) == 0 && mode_of(roots) == 02644,
	      "S_ISGID without group execute stays: %o", mode_of(roots));
	CHECK(chmod(tmp, 06777) == 0 && chown(tmp, 0, 0) == 0 && mode_of(tmp) == 06777,
	      "a directory keeps its set-id bits: %o", mode_of(tmp));
	CHECK(chmod(tmp, 0777) == 0 && chmod(roots, 0644) == 0, "chmod");
	check_in_child(chown_as_owner, "chown as the owner");
	unlink(roots);
}

/* ---- /proc/PID/task ------------------------------------------------------ */

static int futex_word, sleeper_tid;

static void *sleeper(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "sleeper");
	__atomic_store_n(&sleeper_tid, (int)gettid(), __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&futex_word, __ATOMIC_SEQ_CST) == 0)
		syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	return NULL;
}

/* The state letter of /proc/self/task/TID/stat (after "(comm) "), or 0. */
static char task_state(int tid, int *first, char *comm, size_t comm_size)
{
	char path[64], buf[1024], *rp;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	if (read_file_text(path, buf, sizeof(buf)) < 0)
		return 0;
	rp = strrchr(buf, ')');
	*first = atoi(buf);
	if (!rp || !strchr(buf, '('))
		return 0;
	snprintf(comm, comm_size, "%.*s", (int)(rp - strchr(buf, '(') - 1), strchr(buf, '(') + 1);
	return rp[2];
}

static bool task_listed(int tid)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	bool found = false;

	if (!d)
		return false;
	while ((e = readdir(d)))
		found |= atoi(e->d_name) == tid;
	closedir(d);
	return found;
}

static int leader_word;
static char leader_seen;

/* LTP's futex_wait03: another thread watches /proc/PID/stat until the
 * leader sleeps in the futex, then wakes it. */
static void *leader_watcher(void *arg)
{
	char path[64], buf[512], *rp;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)(long)arg);
	for (int i = 0; i < 400 && leader_seen != 'S'; i++) {
		usleep(5000);
		if (read_file_text(path, buf, sizeof(buf)) > 0 && (rp = strrchr(buf, ')')))
			leader_seen = rp[2];
	}
	__atomic_store_n(&leader_word, 1, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, &leader_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	return NULL;
}

static void check_task(void)
{
	char path[64], buf[2048], comm[32];
	pthread_t th;
	int tid, first = 0;
	char st = 0;

	CHECK(pthread_create(&th, NULL, sleeper, NULL) == 0, "pthread_create");
	while (!(tid = __atomic_load_n(&sleeper_tid, __ATOMIC_SEQ_CST)))
		usleep(1000);
	for (int i = 0; i < 200 && st != 'S'; i++) {
		usleep(5000);
		st = task_state(tid, &first, comm, sizeof(comm));
	}
	CHECK(st == 'S' && first == tid && !strcmp(comm, "sleeper"),
	      "task/TID/stat of a futex waiter: %c %d (%s)", st ? st : '?', first, comm);
	st = task_state(getpid(), &first, comm, sizeof(comm));
	CHECK(st == 'R' && first == getpid(), "the reader's own task/stat: %c %d", st ? st : '?',
	      first);
	CHECK(task_listed(tid) && task_listed(getpid()), "task/ lists both threads");
	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", getpid(), tid);
	CHECK(read_file_text(path, buf, sizeof(buf)) > 0 && strstr(buf, "State:\tS (sleeping)") &&
	      strstr(buf, "Name:\tsleeper"), "task status: %.80s", buf);
	snprintf(comm, sizeof(comm), "Pid:\t%d\n", tid);
	CHECK(strstr(buf, comm) != NULL, "task status Pid is the tid");
	snprintf(comm, sizeof(comm), "Tgid:\t%d\n", getpid());
	CHECK(strstr(buf, comm) != NULL, "task status Tgid is the pid");
	snprintf(path, sizeof(path), "/proc/self/task/%d/comm", tid);
	CHECK(read_file_text(path, buf, sizeof(buf)) > 0 && !strcmp(buf, "sleeper\n"), "task comm '%s'",
	      buf);
	__atomic_store_n(&futex_word, 1, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, &futex_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	CHECK(pthread_join(th, NULL) == 0, "join");
	usleep(20000);
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	CHECK(access(path, F_OK) == -1 && errno == ENOENT, "an exited thread's directory is gone");
	CHECK(!task_listed(tid), "and not listed");

	CHECK(pthread_create(&th, NULL, leader_watcher, (void *)(long)getpid()) == 0, "watcher");
	while (!__atomic_load_n(&leader_word, __ATOMIC_SEQ_CST))
		syscall(SYS_futex, &leader_word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	pthread_join(th, NULL);
	CHECK(leader_seen == 'S', "/proc/PID/stat shows the leader's state while another thread "
	      "runs: %c", leader_seen ? leader_seen : '?');
}

/* ---- O_TMPFILE ----------------------------------------------------------- */

#define RAW_O_TMPFILE 020000000 /* the kernel's __O_TMPFILE (glibc's adds O_DIRECTORY) */

static void tmpfile_as_nobody(void)
{
	if (setgid(NOBODY) || setuid(NOBODY))
		_exit(100);
	CHECK_ERR(open("/", O_TMPFILE | O_RDWR, 0600), EACCES, "O_TMPFILE in an unwritable directory");
}

static void check_tmpfile(void)
{
	char named[96], named2[96], viaproc[96], fdpath[64], buf[16] = { 0 };
	struct stat st;
	int fd, fd2, r;

	snprintf(named, sizeof(named), "%s/named", tmp);
	snprintf(named2, sizeof(named2), "%s/named2", tmp);
	snprintf(viaproc, sizeof(viaproc), "%s/viaproc", tmp);
	fd = open(tmp, O_TMPFILE | O_RDWR, 0666);
	CHECK(fd >= 0, "open(O_TMPFILE)");
	CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 0 &&
	      (st.st_mode & 0777) == 0644 && st.st_uid == 0,
	      "an unnamed regular file: mode %o nlink %lu", st.st_mode, (unsigned long)st.st_nlink);
	CHECK(write(fd, "hello", 5) == 5, "write it");
	CHECK(linkat(fd, "", AT_FDCWD, named, AT_EMPTY_PATH) == 0, "linkat(AT_EMPTY_PATH)");
	CHECK(stat(named, &st) == 0 && st.st_nlink == 1 && st.st_size == 5, "named: nlink %lu size %ld",
	      (unsigned long)st.st_nlink, (long)st.st_size);
	fd2 = open(named, O_RDONLY);
	CHECK(fd2 >= 0 && read(fd2, buf, sizeof(buf)) == 5 && !strcmp(buf, "hello"), "read by name");
	close(fd2);
	CHECK(linkat(fd, "", AT_FDCWD, named2, AT_EMPTY_PATH) == 0, "and a second name");
	CHECK(fstat(fd, &st) == 0 && st.st_nlink == 2, "nlink 2: %lu", (unsigned long)st.st_nlink);
	close(fd);

	fd = open(tmp, O_TMPFILE | O_WRONLY, 0600);
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	CHECK(fd >= 0 && linkat(AT_FDCWD, fdpath, AT_FDCWD, viaproc, AT_SYMLINK_FOLLOW) == 0,
	      "linkat of /proc/self/fd/N");
	CHECK(stat(viaproc, &st) == 0 && (st.st_mode & 0777) == 0600, "named through /proc");
	close(fd);

	fd = open(tmp, O_TMPFILE | O_RDWR | O_EXCL, 0600);
	CHECK(fd >= 0, "O_TMPFILE | O_EXCL");
	r = linkat(fd, "", AT_FDCWD, viaproc, AT_EMPTY_PATH);
	CHECK_ERR(r, EEXIST, "linkat onto an existing name");
	unlink(viaproc);
	CHECK_ERR(linkat(fd, "", AT_FDCWD, viaproc, AT_EMPTY_PATH), ENOENT, "O_EXCL: never linkable");
	close(fd);
	fd = open(named, O_RDWR);
	CHECK(fd >= 0 && unlink(named) == 0 && unlink(named2) == 0, "unlink both names");
	CHECK_ERR(linkat(fd, "", AT_FDCWD, named, AT_EMPTY_PATH), ENOENT,
		  "linked once, unlinked: no new name");
	close(fd);

	CHECK_ERR(open(tmp, O_TMPFILE | O_RDONLY, 0600), EINVAL, "O_TMPFILE read-only");
	CHECK_ERR(open(tmp, O_TMPFILE | O_RDWR | O_CREAT, 0600), EINVAL, "O_TMPFILE | O_CREAT");
	CHECK_ERR(open(tmp, RAW_O_TMPFILE | O_RDWR, 0600), EINVAL, "__O_TMPFILE without O_DIRECTORY");
	CHECK_ERR(open("/proc/self/status", O_TMPFILE | O_RDWR, 0600), ENOTDIR, "on a file: ENOTDIR");
	snprintf(named, sizeof(named), "%s/nonesuch", tmp);
	CHECK_ERR(open(named, O_TMPFILE | O_RDWR, 0600), ENOENT, "in no directory");
	CHECK_ERR(open("/proc", O_TMPFILE | O_RDWR, 0600), EOPNOTSUPP, "in /proc: EOPNOTSUPP");
	CHECK_ERR(open(tmp, O_RDWR | O_DIRECTORY), EISDIR, "a directory O_RDWR: EISDIR");
	check_in_child(tmpfile_as_nobody, "O_TMPFILE and permissions");
}

/* ---- mknod ---------------------------------------------------------------- */

/* Does opening the node at path end as opening ref does (both succeed, or
 * the same errno)? */
static bool opens_like(const char *path, const char *ref, int flags)
{
	int a = open(path, flags), ea = errno, b = open(ref, flags), eb = errno;

	if (a >= 0)
		close(a);
	if (b >= 0)
		close(b);
	return (a >= 0 && b >= 0) || (a < 0 && b < 0 && ea == eb);
}

static void mknod_as_nobody(void)
{
	char p[96];

	snprintf(p, sizeof(p), "%s/nullx", tmp);
	if (setgid(NOBODY) || setuid(NOBODY))
		_exit(100);
	CHECK_ERR(mknod(p, S_IFCHR | 0666, makedev(1, 3)), EPERM, "mknod without CAP_MKNOD");
	CHECK(mknod(p, S_IFIFO | 0666, 0) == 0 && unlink(p) == 0, "a FIFO needs no capability");
}

/* A pty slave's number (136, N) in a node mknod made outside /dev/pts:
 * Linux finds the slave by its /dev/pts entry only, so open gives EIO for
 * a pty that does not exist and for one that does. */
static void check_mknod_pts(char *p)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	unsigned n = 0;

	CHECK(m >= 0 && grantpt(m) == 0 && unlockpt(m) == 0 && ioctl(m, TIOCGPTN, &n) == 0, "a pty");
	snprintf(p, 96, "%s/pts", tmp);
	CHECK(mknod(p, S_IFCHR | 0600, makedev(136, n + 77)) == 0, "mknod (136, %u)", n + 77);
	CHECK_ERR(open(p, O_RDWR | O_NOCTTY), EIO, "a pty that does not exist: EIO");
	unlink(p);
	CHECK(mknod(p, S_IFCHR | 0600, makedev(136, n)) == 0, "mknod (136, %u)", n);
	CHECK_ERR(open(p, O_RDWR | O_NOCTTY), EIO, "an open pty, but not through /dev/pts: EIO");
	unlink(p);
	close(m);
}

static void check_mknod(void)
{
	static const struct {
		const char *name;
		int major, minor;
	} devs[] = { { "null", 1, 3 }, { "zero", 1, 5 }, { "random", 1, 8 }, { "urandom", 1, 9 },
		     { "tty", 5, 0 }, { "console", 5, 1 } };
	char p[96], ref[32], buf[16];
	struct stat st;
	int fd;

	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", tmp, devs[i].name);
		snprintf(ref, sizeof(ref), "/dev/%s", devs[i].name);
		CHECK(mknod(p, S_IFCHR | 0666, makedev(devs[i].major, devs[i].minor)) == 0, "mknod %s",
		      p);
		CHECK(stat(p, &st) == 0 && S_ISCHR(st.st_mode) &&
		      st.st_rdev == makedev(devs[i].major, devs[i].minor), "stat %s: %o %lx", p,
		      st.st_mode, (unsigned long)st.st_rdev);
		CHECK(opens_like(p, ref, O_RDWR | O_NOCTTY), "%s opens as %s does", p, ref);
	}
	snprintf(p, sizeof(p), "%s/null", tmp);
	fd = open(p, O_RDWR);
	CHECK(fd >= 0 && write(fd, "abc", 3) == 3 && read(fd, buf, sizeof(buf)) == 0, "it is null");
	close(fd);
	snprintf(p, sizeof(p), "%s/zero", tmp);
	memset(buf, 1, sizeof(buf));
	fd = open(p, O_RDONLY);
	CHECK(fd >= 0 && read(fd, buf, sizeof(buf)) == sizeof(buf) && buf[0] == 0 && buf[15] == 0,
	      "it is zero");
	close(fd);
	snprintf(p, sizeof(p), "%s/urandom", tmp);
	fd = open(p, O_RDONLY);
	CHECK(fd >= 0 && read(fd, buf, sizeof(buf)) == sizeof(buf), "it is urandom");
	close(fd);
	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", tmp, devs[i].name);
		unlink(p);
	}

	snprintf(p, sizeof(p), "%s/ptmx", tmp);
	CHECK(mknod(p, S_IFCHR | 0666, makedev(5, 2)) == 0, "mknod ptmx");
	CHECK_ERR(open(p, O_RDWR | O_NOCTTY), ENOENT, "a ptmx node without pts beside it");
	unlink(p);
	CHECK(mknod("/dev/ptmx.abi", S_IFCHR | 0666, makedev(5, 2)) == 0, "mknod /dev/ptmx.abi");
	fd = open("/dev/ptmx.abi", O_RDWR | O_NOCTTY);
	{
		unsigned n = 1u << 30;

		CHECK(fd >= 0 && ioctl(fd, TIOCGPTN, &n) == 0 && n < (1u << 30),
		      "beside /dev/pts it opens a new master: pts %u", n);
	}
	close(fd);
	unlink("/dev/ptmx.abi");

	check_mknod_pts(p);
	snprintf(p, sizeof(p), "%s/nodev", tmp);
	CHECK(mknod(p, S_IFCHR | 0600, makedev(7, 77)) == 0, "mknod of an unknown number");
	CHECK_ERR(open(p, O_RDONLY), ENXIO, "opens with ENXIO");
	unlink(p);
	snprintf(p, sizeof(p), "%s/blk", tmp);
	CHECK(mknod(p, S_IFBLK | 0600, makedev(250, 3)) == 0, "mknod of a block device");
	CHECK(stat(p, &st) == 0 && S_ISBLK(st.st_mode) && st.st_rdev == makedev(250, 3), "stat blk");
	CHECK_ERR(open(p, O_RDONLY), ENXIO, "a block device: ENXIO");
	unlink(p);
	CHECK_ERR(mknod(p, S_IFDIR | 0700, 0), EPERM, "mknod S_IFDIR");
	CHECK(mknod(p, S_IFCHR | 0600, makedev(1, 3)) == 0, "mknod");
	CHECK_ERR(mknod(p, S_IFCHR | 0600, makedev(1, 3)), EEXIST, "over an existing name");
	unlink(p);
	check_in_child(mknod_as_nobody, "mknod without CAP_MKNOD");
}

/* ---- IPV6_ADDRFORM, IPV6_RTHDR ------------------------------------------------ */

static int v4_connect(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return -1;
	}
	return fd;
}

static int sock_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return -1;
	return ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
					      : ((struct sockaddr_in *)&ss)->sin_port);
}

/* Does this kernel have setsockopt(IPV6_ADDRFORM)? (Debian's 6.1 does; some
 * later kernels answer ENOPROTOOPT for every value.) SIS must. */
static bool have_addrform(void)
{
	int fd = socket(AF_INET6, SOCK_STREAM, 0), v = AF_INET6;
	bool yes = setsockopt(fd, IPPROTO_IPV6, IPV6_ADDRFORM, &v, sizeof(v)) == -1 &&
		   errno == EINVAL;

	close(fd);
#ifdef ON_SIS
	CHECK(yes, "setsockopt(IPV6_ADDRFORM) is there");
	return true;
#else
	if (!yes)
		printf("SKIP: this kernel has no setsockopt(IPV6_ADDRFORM)\n");
	return yes;
#endif
}

static void check_addrform_tcp(void)
{
	struct sockaddr_in6 any6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT };
	struct sockaddr_in any4 = { .sin_family = AF_INET };
	struct sockaddr_in name;
	struct sockaddr reset = { .sa_family = AF_UNSPEC };
	socklen_t len = sizeof(name);
	int l = socket(AF_INET6, SOCK_STREAM, 0), c, fd, c2, fd2, v = -1, af = AF_INET;
	char buf[8];

	CHECK(l >= 0 && bind(l, (struct sockaddr *)&any6, sizeof(any6)) == 0 && listen(l, 4) == 0,
	      "a [::] listener");
	c = v4_connect(sock_port(l));
	fd = accept(l, NULL, NULL);
	CHECK(c >= 0 && fd >= 0, "an IPv4 client of it");
	len = sizeof(v);
	CHECK(getsockopt(fd, IPPROTO_IPV6, IPV6_ADDRFORM, &v, &len) == 0 && v == AF_INET6,
	      "getsockopt(IPV6_ADDRFORM) of a connected socket: %d", v);
	len = sizeof(v);
	CHECK_ERR(getsockopt(l, IPPROTO_IPV6, IPV6_ADDRFORM, &v, &len), ENOTCONN,
		  "getsockopt(IPV6_ADDRFORM) of a listener");
	v = AF_INET6;
	CHECK_ERR(setsockopt(fd, IPPROTO_IPV6, IPV6_ADDRFORM, &v, sizeof(v)), EINVAL,
		  "IPV6_ADDRFORM to AF_INET6");
	CHECK_ERR(setsockopt(l, IPPROTO_IPV6, IPV6_ADDRFORM, &af, sizeof(af)), ENOTCONN,
		  "IPV6_ADDRFORM of a listener");
	CHECK(setsockopt(fd, IPPROTO_IPV6, IPV6_ADDRFORM, &af, sizeof(af)) == 0, "IPV6_ADDRFORM");
	len = sizeof(name);
	CHECK(getsockname(fd, (struct sockaddr *)&name, &len) == 0 && name.sin_family == AF_INET &&
	      len == sizeof(name) && name.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
	      "getsockname gives a sockaddr_in: family %d len %u", name.sin_family, len);
	len = sizeof(name);
	CHECK(getpeername(fd, (struct sockaddr *)&name, &len) == 0 && name.sin_family == AF_INET,
	      "and getpeername");
	len = sizeof(v);
	CHECK_ERR(getsockopt(fd, IPPROTO_IPV6, IPV6_ADDRFORM, &v, &len), EOPNOTSUPP,
		  "no IPPROTO_IPV6 getsockopt on an AF_INET socket");
	CHECK_ERR(setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &af, sizeof(af)), ENOPROTOOPT,
		  "nor setsockopt");
	CHECK(write(fd, "hi", 2) == 2 && read(c, buf, sizeof(buf)) == 2, "data still flows");
	/* LTP's connect02 */
	CHECK(connect(fd, &reset, sizeof(reset)) == 0, "connect(AF_UNSPEC)");
	CHECK(bind(fd, (struct sockaddr *)&any4, sizeof(any4)) == 0, "bind to 0.0.0.0");
	CHECK(listen(fd, 4) == 0, "listen");
	c2 = v4_connect(sock_port(fd));
	fd2 = accept(fd, NULL, NULL);
	CHECK(c2 >= 0 && fd2 >= 0, "it takes a connection: %d %d", c2, fd2);
	close(fd2);
	close(c2);
	close(fd);
	close(c);
	close(l);
}

static void check_addrform_other(void)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	int l = socket(AF_INET6, SOCK_STREAM, 0), c = socket(AF_INET6, SOCK_STREAM, 0), fd;
	int u = socket(AF_INET6, SOCK_DGRAM, 0), r = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
	int af = AF_INET;
	socklen_t len = sizeof(a);
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_port = htons(9) };

	CHECK(bind(l, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(l, 1) == 0 &&
	      getsockname(l, (struct sockaddr *)&a, &len) == 0, "a [::1] listener");
	CHECK(connect(c, (struct sockaddr *)&a, sizeof(a)) == 0, "connect to [::1]");
	fd = accept(l, NULL, NULL);
	CHECK_ERR(setsockopt(fd, IPPROTO_IPV6, IPV6_ADDRFORM, &af, sizeof(af)), EADDRNOTAVAIL,
		  "IPV6_ADDRFORM with an IPv6 peer");
	CHECK_ERR(setsockopt(u, IPPROTO_IPV6, IPV6_ADDRFORM, &af, sizeof(af)), ENOTCONN,
		  "IPV6_ADDRFORM of an unconnected UDP socket");
	inet_pton(AF_INET6, "::ffff:127.0.0.1", &to.sin6_addr);
	CHECK(connect(u, (struct sockaddr *)&to, sizeof(to)) == 0 &&
	      setsockopt(u, IPPROTO_IPV6, IPV6_ADDRFORM, &af, sizeof(af)) == 0,
	      "IPV6_ADDRFORM of a UDP socket connected to a v4-mapped address");
	len = sizeof(to);
	CHECK(getsockname(u, (struct sockaddr *)&to, &len) == 0 && to.sin6_family == AF_INET,
	      "the UDP socket is AF_INET now: %d", to.sin6_family);
	CHECK(r >= 0, "a raw ICMPv6 socket");
	CHECK_ERR(setsockopt(r, IPPROTO_IPV6, IPV6_ADDRFORM, &af, sizeof(af)), ENOPROTOOPT,
		  "IPV6_ADDRFORM of a raw socket");
	close(r);
	close(u);
	close(fd);
	close(c);
	close(l);
}

/* LTP setsockopt11's segment-routing header: 39 segments of ::1 and an
 * 8-byte pad TLV, 640 bytes. */
static int srh(unsigned char *buf)
{
	int size = 640, segs = (size - 8) / 16, pad = size - 8 - 16 * segs;

	memset(buf, 0, size);
	buf[1] = (size - 8) / 8;
	buf[2] = 4;
	buf[3] = buf[4] = (unsigned char)(segs - 1);
	for (int i = 0; i < segs; i++)
		memcpy(buf + 8 + 16 * i, &in6addr_loopback, 16);
	buf[9 + 16 * segs] = (unsigned char)(pad - 2);
	return size;
}

static void check_rthdr(void)
{
	unsigned char h[640], got[700], t2[24] = { 0, 2, 2, 1 };
	int u = socket(AF_INET6, SOCK_DGRAM, 0), t = socket(AF_INET6, SOCK_STREAM, 0);
	int n = srh(h);
	socklen_t len = sizeof(got);

	CHECK(getsockopt(u, IPPROTO_IPV6, IPV6_RTHDR, got, &len) == 0 && len == 0,
	      "no routing header yet: %u bytes", len);
	CHECK(setsockopt(u, IPPROTO_IPV6, IPV6_RTHDR, h, n) == 0, "a segment-routing header");
	len = sizeof(got);
	CHECK(getsockopt(u, IPPROTO_IPV6, IPV6_RTHDR, got, &len) == 0 && len == 640 &&
	      !memcmp(got, h, 640), "given back: %u bytes", len);
	len = 10;
	CHECK(getsockopt(u, IPPROTO_IPV6, IPV6_RTHDR, got, &len) == 0 && len == 10,
	      "a short buffer gets its part: %u", len);
	/* type 2 is Mobile IPv6's (Linux: only with CONFIG_IPV6_MIP6) */
	if (setsockopt(t, IPPROTO_IPV6, IPV6_RTHDR, t2, sizeof(t2)) == -1 && errno == EINVAL) {
#ifdef ON_SIS
		CHECK(0, "type 2 on TCP");
#else
		printf("SKIP: this kernel has no type 2 routing headers (CONFIG_IPV6_MIP6)\n");
#endif
	}
	t2[3] = 2;
	CHECK_ERR(setsockopt(t, IPPROTO_IPV6, IPV6_RTHDR, t2, sizeof(t2)), EINVAL,
		  "type 2 with two segments left");
	t2[3] = 1;
	t2[2] = 0;
	CHECK_ERR(setsockopt(t, IPPROTO_IPV6, IPV6_RTHDR, t2, sizeof(t2)), EINVAL, "type 0");
	t2[2] = 2;
	CHECK_ERR(setsockopt(t, IPPROTO_IPV6, IPV6_RTHDR, t2, 7), EINVAL, "not 8-byte units");
	CHECK_ERR(setsockopt(t, IPPROTO_IPV6, IPV6_RTHDR, t2, 16), EINVAL, "shorter than its length");
	h[3] = h[4] + 1;
	CHECK_ERR(setsockopt(u, IPPROTO_IPV6, IPV6_RTHDR, h, n), EINVAL,
		  "segments left past the first segment");
	h[3] = h[4];
	h[633] = 8;
	CHECK_ERR(setsockopt(u, IPPROTO_IPV6, IPV6_RTHDR, h, n), EINVAL, "a TLV past the end");
	CHECK(setsockopt(u, IPPROTO_IPV6, IPV6_RTHDR, NULL, 0) == 0, "length 0 removes it");
	len = sizeof(got);
	CHECK(getsockopt(u, IPPROTO_IPV6, IPV6_RTHDR, got, &len) == 0 && len == 0, "gone: %u", len);
	close(t);
	close(u);
}

/* ---- F_NOTIFY ----------------------------------------------------------------- */

#define DN_SIG (SIGRTMIN + 1)
static volatile int dn_count, dn_last_fd, dn_code;

static void on_dn(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	dn_count++;
	dn_last_fd = si->si_fd;
	dn_code = si->si_code;
}

/* Arm fd for mask with DN_SIG; the signals since the last call. */
static int dn_arm(int fd, unsigned long mask)
{
	if (fcntl(fd, F_SETSIG, DN_SIG) || fcntl(fd, F_NOTIFY, mask))
		return -1;
	return 0;
}

static int dn_take(void)
{
	int n = dn_count;

	dn_count = 0;
	return n;
}

static void check_dnotify(void)
{
	struct sigaction sa = { .sa_sigaction = on_dn, .sa_flags = SA_SIGINFO };
	char d[96], sub[112], f[112], g[112], other[112];
	int dfd, sfd, fd, n;
	char c;

	sigaction(DN_SIG, &sa, NULL);
	snprintf(d, sizeof(d), "%s/dn", tmp);
	snprintf(sub, sizeof(sub), "%s/sub", d);
	snprintf(f, sizeof(f), "%s/f", d);
	snprintf(g, sizeof(g), "%s/g", d);
	snprintf(other, sizeof(other), "%s/other", tmp);
	CHECK(mkdir(d, 0755) == 0 && mkdir(sub, 0700) == 0, "mkdir");
	dfd = open(d, O_RDONLY);
	sfd = open(sub, O_RDONLY);
	fd = open(f, O_CREAT | O_WRONLY, 0644);
	close(fd);
	CHECK_ERR(fcntl(fd = open(f, O_RDONLY), F_NOTIFY, DN_MODIFY), ENOTDIR, "F_NOTIFY on a file");
	close(fd);
	dn_take();

	CHECK(dn_arm(dfd, DN_ATTRIB | DN_MULTISHOT) == 0 && dn_arm(sfd, DN_ATTRIB | DN_MULTISHOT) == 0,
	      "F_NOTIFY(DN_ATTRIB | DN_MULTISHOT)");
	CHECK(chmod(sub, 0755) == 0, "chmod");
	n = dn_take();
	CHECK(n == 2, "a subdirectory's chmod reaches it and its parent: %d signals", n);
	CHECK(chmod(f, 0600) == 0 && dn_take() == 1 && dn_last_fd == dfd && dn_code == POLL_MSG,
	      "a file's chmod reaches its directory: fd %d code %d", dn_last_fd, dn_code);
	CHECK(fcntl(sfd, F_NOTIFY, 0) == 0 && chmod(sub, 0700) == 0 && dn_take() == 1,
	      "F_NOTIFY 0 removes a watch");
	CHECK(fcntl(dfd, F_NOTIFY, DN_MULTISHOT) == 0 && chmod(f, 0644) == 0 && dn_take() == 0,
	      "and DN_MULTISHOT alone");

	CHECK(dn_arm(dfd, DN_CREATE) == 0, "one-shot DN_CREATE");
	fd = open(g, O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0 && dn_take() == 1, "creating a file signals once");
	close(fd);
	CHECK(unlink(g) == 0 && close(open(g, O_CREAT | O_WRONLY, 0644)) == 0 && dn_take() == 0,
	      "then the watch is gone");
	CHECK(dn_arm(dfd, DN_DELETE | DN_MULTISHOT) == 0 && unlink(g) == 0 && dn_take() == 1,
	      "DN_DELETE");
	CHECK(dn_arm(dfd, DN_CREATE) == 0 && dn_take() == 0 && mkdir(g, 0700) == 0 && dn_take() == 1,
	      "a second F_NOTIFY adds DN_CREATE (still multishot)");
	CHECK(rmdir(g) == 0 && dn_take() == 1, "rmdir is DN_DELETE");
	CHECK(fcntl(dfd, F_NOTIFY, 0) == 0 && dn_arm(dfd, DN_RENAME | DN_MULTISHOT) == 0,
	      "DN_RENAME only");
	CHECK(rename(f, g) == 0 && dn_take() == 1, "a rename within the directory");
	CHECK(rename(g, other) == 0 && dn_take() == 0, "a move out is no DN_RENAME");
	CHECK(fcntl(dfd, F_NOTIFY, DN_DELETE | DN_CREATE | DN_MULTISHOT) == 0 &&
	      rename(other, f) == 0 && dn_take() == 1, "a move in is DN_CREATE");
	CHECK(fcntl(dfd, F_NOTIFY, 0) == 0 && dn_arm(dfd, DN_MODIFY | DN_ACCESS | DN_MULTISHOT) == 0,
	      "DN_MODIFY | DN_ACCESS");
	fd = open(f, O_RDWR);
	CHECK(write(fd, "x", 1) == 1 && dn_take() == 1, "a write to a file in it");
	CHECK(pread(fd, &c, 1, 0) == 1 && dn_take() == 1, "a read");
	CHECK(ftruncate(fd, 0) == 0 && dn_take() == 1, "a truncate");
	close(fd);
	close(dfd);
	CHECK(close(open(f, O_RDWR | O_TRUNC)) == 0 && dn_take() == 0,
	      "closing the directory ends its watches");
	close(sfd);
	unlink(f);
	rmdir(sub);
	rmdir(d);
}

/* ---- futex_waitv ------------------------------------------------------------ */

#define FUTEX2_PRIV 128 /* FUTEX2_PRIVATE, = FUTEX_PRIVATE_FLAG */

static long waitv(struct futex_waitv *w, unsigned n, unsigned flags, struct timespec *ts,
		  int clock)
{
	return syscall(449, w, n, flags, ts, clock);
}

static struct timespec abs_after(int clock, long ms)
{
	struct timespec t;

	clock_gettime(clock, &t);
	t.tv_nsec += (ms % 1000) * 1000000;
	t.tv_sec += ms / 1000 + t.tv_nsec / 1000000000;
	t.tv_nsec %= 1000000000;
	return t;
}

static int words[3];
static long waitv_result = -100;

static void *waitv_thread(void *arg)
{
	struct futex_waitv w[3];

	(void)arg;
	for (int i = 0; i < 3; i++)
		w[i] = (struct futex_waitv){ .val = 0, .uaddr = (uintptr_t)&words[i],
					     .flags = FUTEX_32 | FUTEX2_PRIV };
	__atomic_store_n(&sleeper_tid, (int)gettid(), __ATOMIC_SEQ_CST);
	waitv_result = waitv(w, 3, 0, NULL, 0);
	return NULL;
}

static void check_waitv_errors(void)
{
	struct futex_waitv w[2], big[129];
	struct timespec ts = abs_after(CLOCK_MONOTONIC, 0);
	int word = 5, *odd = (int *)((char *)&word + 1);
	long long t0;

	w[0] = (struct futex_waitv){ .val = 5, .uaddr = (uintptr_t)&word, .flags = FUTEX_32 };
	CHECK_ERR(waitv(w, 0, 0, NULL, 0), EINVAL, "nr 0");
	memset(big, 0, sizeof(big));
	CHECK_ERR(waitv(big, 129, 0, NULL, 0), EINVAL, "nr past FUTEX_WAITV_MAX");
	CHECK_ERR(waitv(w, 1, 1, NULL, 0), EINVAL, "flags");
	CHECK_ERR(waitv(NULL, 1, 0, NULL, 0), EINVAL, "no waiters");
	CHECK_ERR(waitv(w, 1, 0, &ts, 7 /* CLOCK_BOOTTIME */), EINVAL, "a clock other than the two");
	ts.tv_nsec = 1000000000;
	CHECK_ERR(waitv(w, 1, 0, &ts, CLOCK_MONOTONIC), EINVAL, "tv_nsec past a second");
	CHECK_ERR(waitv(w, 1, 0, (struct timespec *)8, CLOCK_MONOTONIC), EFAULT, "bad timeout");
	CHECK_ERR(waitv((struct futex_waitv *)8, 1, 0, NULL, 0), EFAULT, "bad waiters");
	w[0].flags = 0;
	CHECK_ERR(waitv(w, 1, 0, NULL, 0), EINVAL, "a word that is not 32-bit");
	w[0].flags = FUTEX_32 | 0x100;
	CHECK_ERR(waitv(w, 1, 0, NULL, 0), EINVAL, "an unknown flag");
	w[0].flags = FUTEX_32;
	w[0].__reserved = 1;
	CHECK_ERR(waitv(w, 1, 0, NULL, 0), EINVAL, "__reserved");
	w[0].__reserved = 0;
	w[0].val = 1ULL << 32;
	CHECK_ERR(waitv(w, 1, 0, NULL, 0), EINVAL, "a value past 32 bits");
	w[0].val = 5;
	w[1] = (struct futex_waitv){ .val = 0, .uaddr = (uintptr_t)odd, .flags = FUTEX_32 };
	CHECK_ERR(waitv(w, 2, 0, NULL, 0), EINVAL, "a misaligned word");
	w[1].uaddr = 0;
	CHECK_ERR(waitv(w, 2, 0, NULL, 0), EFAULT, "a word at NULL");
	w[1] = (struct futex_waitv){ .val = 6, .uaddr = (uintptr_t)&word, .flags = FUTEX_32 };
	CHECK_ERR(waitv(w, 2, 0, NULL, 0), EAGAIN, "a word not holding its value");
	ts = abs_after(CLOCK_MONOTONIC, 0);
	CHECK_ERR(waitv(w, 1, 0, &ts, CLOCK_MONOTONIC), ETIMEDOUT, "a deadline passed");
	t0 = now_ms();
	ts = abs_after(CLOCK_MONOTONIC, 60);
	w[0].flags = FUTEX_32 | FUTEX2_PRIV;
	CHECK_ERR(waitv(w, 1, 0, &ts, CLOCK_MONOTONIC), ETIMEDOUT, "a monotonic deadline");
	CHECK(now_ms() - t0 >= 55, "slept %lld ms", now_ms() - t0);
	ts = abs_after(CLOCK_REALTIME, 30);
	CHECK_ERR(waitv(w, 1, 0, &ts, CLOCK_REALTIME), ETIMEDOUT, "a realtime deadline");
}

static void check_waitv(void)
{
	pthread_t th;
	char st = 0, comm[32];
	int tid, first, woke;

	check_waitv_errors();
	sleeper_tid = 0;
	CHECK(pthread_create(&th, NULL, waitv_thread, NULL) == 0, "pthread_create");
	while (!(tid = __atomic_load_n(&sleeper_tid, __ATOMIC_SEQ_CST)))
		usleep(1000);
	for (int i = 0; i < 200 && st != 'S'; i++) {
		usleep(5000);
		st = task_state(tid, &first, comm, sizeof(comm));
	}
	CHECK(st == 'S', "the waitv thread sleeps: %c", st ? st : '?');
	CHECK(syscall(SYS_futex, &words[0], FUTEX_WAKE, 1, NULL, NULL, 0) == 0,
	      "a shared wake does not find a private waiter");
	woke = (int)syscall(SYS_futex, &words[2], FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	CHECK(woke == 1, "FUTEX_WAKE of the third word wakes it: %d", woke);
	CHECK(pthread_join(th, NULL) == 0 && waitv_result == 2, "futex_waitv returns 2: %ld",
	      waitv_result);
	CHECK(syscall(SYS_futex, &words[0], FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 0,
	      "the other words are no longer waited on");
}

/* LTP's futex_cmp_requeue01 at its size: n processes wait on one shared
 * word; CMP_REQUEUE wakes some and moves the rest to a second word. */
static int many_waiters(int n)
{
	int *fx = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t *pids = calloc((size_t)n, sizeof(pid_t));
	int started = 0, sleeping = 0, ok = 0, r, woke1, woke0;
	char path[64], buf[512], *rp;

	for (; started < n; started++) {
		pids[started] = fork();
		if (pids[started] == 0) {
			syscall(SYS_futex, &fx[0], FUTEX_WAIT, 0, NULL, NULL, 0);
			_exit(0);
		}
		if (pids[started] < 0)
			break;
	}
	CHECK(started == n, "forked %d of %d waiters", started, n);
	for (int i = 0; i < started; i++) {
		snprintf(path, sizeof(path), "/proc/%d/stat", pids[i]);
		for (int tries = 0; tries < 2000; tries++) {
			if (read_file_text(path, buf, sizeof(buf)) > 0 && (rp = strrchr(buf, ')')) &&
			    rp[2] == 'S')
				break;
			usleep(1000);
		}
		sleeping++;
	}
	r = (int)syscall(SYS_futex, &fx[0], FUTEX_CMP_REQUEUE, n / 10, (void *)(long)(n - n / 10),
			 &fx[1], 0);
	CHECK(r == n, "CMP_REQUEUE woke and moved %d of %d", r, n);
	woke1 = (int)syscall(SYS_futex, &fx[1], FUTEX_WAKE, n, NULL, NULL, 0);
	woke0 = (int)syscall(SYS_futex, &fx[0], FUTEX_WAKE, n, NULL, NULL, 0);
	CHECK(woke1 == n - n / 10 && woke0 == 0, "then the second word wakes %d, the first %d",
	      woke1, woke0);
	for (int i = 0; i < started; i++) {
		int st;

		ok += waitpid(pids[i], &st, 0) == pids[i] && WIFEXITED(st) && !WEXITSTATUS(st);
	}
	CHECK(ok == started && sleeping == started, "%d of %d reaped", ok, started);
	free(pids);
	return check_summary("abi_more");
}

int main(int argc, char **argv)
{
	if (argc > 2 && !strcmp(argv[1], "--waiters"))
		return many_waiters(atoi(argv[2]));
	if (argc > 1 && !strcmp(argv[1], "--caps")) {
		bounding = (uint64_t)status_hex("/proc/self/status", "CapBnd:");
		return caps_after_exec();
	}
	if (argc > 1 && !strcmp(argv[1], "--ambient"))
		return caps_after_ambient_exec();
	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(tmp, sizeof(tmp), "/tmp/abi_more.XXXXXX");
	CHECK(mkdtemp(tmp) != NULL && chmod(tmp, 0777) == 0, "mkdtemp");
	check_caps();
	check_chown();
	check_task();
	check_tmpfile();
	check_mknod();
	check_waitv();
	if (have_addrform()) {
		check_addrform_tcp();
		check_addrform_other();
	}
	check_rthdr();
	check_dnotify();
	rmdir(tmp);
	return check_summary("abi_more");
}
