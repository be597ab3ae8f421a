"""Issue 17's last Linux calls (user/tests/abi_calls.c, glibc-static, booted
as init on SIS; the same source run natively on Linux as the reference):
/proc/sys/kernel/tainted and /proc/sys/fs/pipe-*, F_SETOWN & co with SIGIO
on O_ASYNC pipes and sockets, pipe2(O_DIRECT) packets."""
from glibc import calls_on_linux, calls_on_sis
from sistest import test

RESULT = r"^abi_calls: (\d+) checks, (\d+) failed$"


@test(timeout=120)
def calls(ctx):
    calls_on_sis(ctx, "abi_calls.c", RESULT, 60)


@test(timeout=120)
def calls_linux(ctx):
    calls_on_linux(ctx, "abi_calls.c", RESULT)


PERM = r"^perm_calls: (\d+) checks, (\d+) failed$"


@test(timeout=120)
def perm(ctx):
    """File permissions for a process that setuid()s to 65534
    (user/tests/perm_calls.c): open, search on path walks, AF_UNIX paths,
    names in directories and the sticky bit, access/faccessat2 with real
    and effective ids, execve."""
    calls_on_sis(ctx, "perm_calls.c", PERM, 60, defines=())


@test(timeout=120)
def perm_linux(ctx):
    calls_on_linux(ctx, "perm_calls.c", PERM)


RT = r"^rt_calls: (\d+) checks, (\d+) failed$"


@test(timeout=120)
def rt(ctx):
    """PI futexes (glibc's PTHREAD_PRIO_INHERIT and robust mutexes, the raw
    calls, requeue-PI) and queued real-time signals with sigqueue values,
    rt_(tg)sigqueueinfo and RLIMIT_SIGPENDING (user/tests/rt_calls.c)."""
    calls_on_sis(ctx, "rt_calls.c", RT, 40)


@test(timeout=120)
def rt_linux(ctx):
    calls_on_linux(ctx, "rt_calls.c", RT)


FDTABLE = r"^fdtable_calls: (\d+) checks, (\d+) failed$"


@test(timeout=120)
def fdtable(ctx):
    """Descriptor tables across fork and threads (user/tests/fdtable_calls.c):
    an inherited listener accepts in the child, a closed number is the next
    pipe2's (accept4 on it: ENOTSOCK, what issue 11's fuzzer report was),
    high numbers and close-on-exec bits survive fork, and a read, write,
    accept4 or epoll_wait blocked on a descriptor that another thread
    closes, dup2s over, reuses or grows the table past finishes on its old
    file."""
    calls_on_sis(ctx, "fdtable_calls.c", FDTABLE, 60)


@test(timeout=120)
def fdtable_linux(ctx):
    calls_on_linux(ctx, "fdtable_calls.c", FDTABLE)


MORE = r"^abi_more: (\d+) checks, (\d+) failed$"


@test(timeout=120)
def more(ctx):
    """capget/capset and what set*uid and execve do to the sets (ambient
    capabilities and securebits too), chown by
    a file's owner and the set-id bits it clears, /proc/PID/task/TID,
    O_TMPFILE, device nodes by mknod, futex_waitv, IPV6_ADDRFORM and
    IPV6_RTHDR, F_NOTIFY (user/tests/abi_more.c)."""
    calls_on_sis(ctx, "abi_more.c", MORE, 80)


@test(timeout=120)
def more_linux(ctx):
    calls_on_linux(ctx, "abi_more.c", MORE)


PRCTL = r"^abi_prctl: (\d+) checks, (\d+) failed$"


@test(timeout=120)
def prctl(ctx):
    """prctl PR_SET/GET_PDEATHSIG (the signal at the parent's end),
    CHILD_SUBREAPER (orphaned grandchildren adopted), TIMERSLACK with
    /proc/self/timerslack_ns, NO_NEW_PRIVS across execve, THP_DISABLE,
    TIMING (user/tests/abi_prctl.c)."""
    calls_on_sis(ctx, "abi_prctl.c", PRCTL, 20)


@test(timeout=120)
def prctl_linux(ctx):
    calls_on_linux(ctx, "abi_prctl.c", PRCTL)


@test(timeout=240)
def waiters_1000(ctx):
    """1000 forked processes wait on one shared futex and FUTEX_CMP_REQUEUE
    moves 900 of them (LTP's futex_cmp_requeue01): the process limit follows
    memory (Linux's max_threads), past the 512 of a 128 MiB machine."""
    calls_on_sis(ctx, "abi_more.c", MORE, 2, timeout=200, args=("--waiters", "1000"), mem="512M")


@test(timeout=120)
def waiters_1000_linux(ctx):
    calls_on_linux(ctx, "abi_more.c", MORE, args=("--waiters", "1000"))
