"""Socket and descriptor calls checked against Linux (glibc-static programs).

- calls: user/tests/netsock_calls.c, built with aarch64-linux-gnu-gcc -static
  and booted as init: recv MSG_OOB/MSG_ERRQUEUE, socketpair(AF_INET),
  getsockopt's length checks, O_PATH descriptors, fcntl record locks
  (POSIX between processes with F_SETLKW waking, OFD between open files),
  F_GETPIPE_SZ/F_SETPIPE_SZ, UDP MSG_MORE/UDP_CORK, sendfile (to a pipe, a
  socket, a file and 199 KB over TCP to a child; offsets and errnos),
  accept4 flags. Every check must pass.
- calls_linux: the same source built natively and run on this Linux host (in
  a private network namespace when root), so its expectations are Linux's.
"""
import os
import re

from glibc import glibc_static, native, run_on_linux
from sistest import test

RESULT = r"^netsock_calls: (\d+) checks, (\d+) failed$"


@test(timeout=120)
def calls(ctx):
    exe = glibc_static(ctx, "netsock_calls.c", os.path.join(ctx.tmpdir(), "netsock_calls"),
                       "-DON_SIS")
    q = ctx.qemu(nets=["none"], add=[f"{exe}:/bin/netsock_calls"],
                 append="init=/bin/netsock_calls")
    m = q.expect(RESULT, timeout=90)
    ctx.check(int(m.group(1)) > 150 and m.group(2) == "0", f"on SIS: {m.group(0)}")
    q.expect_exit(0)


@test(timeout=120)
def calls_linux(ctx):
    exe = native(ctx, "netsock_calls.c", os.path.join(ctx.tmpdir(), "netsock_calls"))
    r = run_on_linux(ctx, exe)
    m = re.search(RESULT, r.stdout, re.M)
    ctx.check(r.returncode == 0 and m and m.group(2) == "0",
              f"on Linux: exit {r.returncode}: {r.stdout[-600:]}")
