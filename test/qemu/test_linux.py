"""Small Linux calls busybox and LTP's library use (user/tests/linux_calls.c,
booted as init): umask, fchmod(at)/fchown(at) kept by stat, statfs/fstatfs,
clock_getres, sched_getaffinity, prctl names, and per-process credentials
(dropping root is one-way), what nginx sets up (FIOASYNC, F_SETOWN, PR_SET_DUMPABLE,
TCP_CORK), each with its Linux errno values.

sc_width[_linux]: user/tests/sc_width.c, system-call arguments with bits in
the upper halves of their registers (what an int, an unsigned and a long
argument see), on SIS and, as the reference, on this host's Linux."""
import re

from glibc import sis_and_linux
from sistest import test


@test(timeout=60)
def linux_small_calls(ctx):
    q = ctx.qemu(append="init=/bin/linux_calls")
    q.expect(r"init: running /bin/linux_calls as pid 1", timeout=30)
    q.expect_exit(0, timeout=30)
    m = re.search(r"^linux_calls: (\d+) checks, (\d+) failed$", q.output, re.M)
    ctx.check(m and int(m.group(1)) > 50 and m.group(2) == "0",
              f"linux_calls: {m.group(0) if m else 'no result line'}")


sis_and_linux(__name__, "sc_width", "sc_width.c", 30)
