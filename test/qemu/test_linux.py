"""Small Linux calls busybox and LTP's library use (user/tests/linux_calls.c,
booted as init): umask, fchmod(at)/fchown(at) kept by stat, statfs/fstatfs,
clock_getres, sched_getaffinity, prctl names, and per-process credentials
(dropping root is one-way), each with its Linux errno values.

sc_width[_linux]: user/tests/sc_width.c, system-call arguments with bits in
the upper halves of their registers (what an int, an unsigned and a long
argument see), on SIS and, as the reference, on this host's Linux."""
import re

from glibc import calls_on_linux, calls_on_sis
from sistest import test


@test(timeout=60)
def linux_small_calls(ctx):
    q = ctx.qemu(append="init=/bin/linux_calls")
    q.expect(r"init: running /bin/linux_calls as pid 1", timeout=30)
    q.expect_exit(0, timeout=30)
    m = re.search(r"^linux_calls: (\d+) checks, (\d+) failed$", q.output, re.M)
    ctx.check(m and int(m.group(1)) > 50 and m.group(2) == "0",
              f"linux_calls: {m.group(0) if m else 'no result line'}")


SC_WIDTH = r"^sc_width: (\d+) checks, (\d+) failed$"


@test(timeout=120)
def sc_width(ctx):
    calls_on_sis(ctx, "sc_width.c", SC_WIDTH, 30)


@test(timeout=60)
def sc_width_linux(ctx):
    calls_on_linux(ctx, "sc_width.c", SC_WIDTH)
