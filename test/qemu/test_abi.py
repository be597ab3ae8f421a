"""Issue 17's last Linux calls (user/tests/abi_calls.c, glibc-static, booted
as init on SIS; the same source run natively on Linux as the reference):
/proc/sys/kernel/tainted and /proc/sys/fs/pipe-*, F_SETOWN & co with SIGIO
on O_ASYNC pipes and sockets, pipe2(O_DIRECT) packets."""
import os
import re

from glibc import glibc_static, native, run_on_linux
from sistest import test

RESULT = r"^abi_calls: (\d+) checks, (\d+) failed$"


@test(timeout=120)
def calls(ctx):
    exe = glibc_static(ctx, "abi_calls.c", os.path.join(ctx.tmpdir(), "abi_calls"), "-DON_SIS")
    q = ctx.qemu(nets=["none"], add=[f"{exe}:/bin/abi_calls"], append="init=/bin/abi_calls")
    m = q.expect(RESULT, timeout=90)
    fails = [ln for ln in q.lines if ln.startswith("FAIL")]
    ctx.check(int(m.group(1)) > 60 and m.group(2) == "0",
              f"on SIS: {m.group(0)}\n" + "\n".join(fails[:20]))
    q.expect_exit(0)


@test(timeout=120)
def calls_linux(ctx):
    exe = native(ctx, "abi_calls.c", os.path.join(ctx.tmpdir(), "abi_calls"))
    r = run_on_linux(ctx, exe)
    m = re.search(RESULT, r.stdout, re.M)
    ctx.check(r.returncode == 0 and m and m.group(2) == "0",
              f"on Linux: exit {r.returncode}: {r.stdout[-1500:]}")


PERM = r"^perm_calls: (\d+) checks, (\d+) failed$"


@test(timeout=120)
def perm(ctx):
    """File permissions for a process that setuid()s to 65534
    (user/tests/perm_calls.c): open, search on path walks, AF_UNIX paths,
    names in directories and the sticky bit, access/faccessat2 with real
    and effective ids, execve."""
    exe = glibc_static(ctx, "perm_calls.c", os.path.join(ctx.tmpdir(), "perm_calls"))
    q = ctx.qemu(nets=["none"], add=[f"{exe}:/bin/perm_calls"], append="init=/bin/perm_calls")
    m = q.expect(PERM, timeout=90)
    fails = [ln for ln in q.lines if ln.startswith("FAIL")]
    ctx.check(int(m.group(1)) > 60 and m.group(2) == "0",
              f"on SIS: {m.group(0)}\n" + "\n".join(fails[:30]))
    q.expect_exit(0)


@test(timeout=120)
def perm_linux(ctx):
    exe = native(ctx, "perm_calls.c", os.path.join(ctx.tmpdir(), "perm_calls"))
    r = run_on_linux(ctx, exe)
    m = re.search(PERM, r.stdout, re.M)
    ctx.check(r.returncode == 0 and m and m.group(2) == "0",
              f"on Linux: exit {r.returncode}: {r.stdout[-2500:]}")


RT = r"^rt_calls: (\d+) checks, (\d+) failed$"


@test(timeout=120)
def rt(ctx):
    """PI futexes (glibc's PTHREAD_PRIO_INHERIT and robust mutexes, the raw
    calls, requeue-PI) and queued real-time signals with sigqueue values,
    rt_(tg)sigqueueinfo and RLIMIT_SIGPENDING (user/tests/rt_calls.c)."""
    exe = glibc_static(ctx, "rt_calls.c", os.path.join(ctx.tmpdir(), "rt_calls"), "-DON_SIS")
    q = ctx.qemu(nets=["none"], add=[f"{exe}:/bin/rt_calls"], append="init=/bin/rt_calls")
    m = q.expect(RT, timeout=90)
    fails = [ln for ln in q.lines if ln.startswith("FAIL")]
    ctx.check(int(m.group(1)) > 40 and m.group(2) == "0",
              f"on SIS: {m.group(0)}\n" + "\n".join(fails[:30]))
    q.expect_exit(0)


@test(timeout=120)
def rt_linux(ctx):
    exe = native(ctx, "rt_calls.c", os.path.join(ctx.tmpdir(), "rt_calls"))
    r = run_on_linux(ctx, exe)
    m = re.search(RT, r.stdout, re.M)
    ctx.check(r.returncode == 0 and m and m.group(2) == "0",
              f"on Linux: exit {r.returncode}: {r.stdout[-2500:]}")
