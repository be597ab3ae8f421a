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

from glibc import glibc_static, native, run_on_linux, sis_and_linux
from sistest import test

sis_and_linux(__name__, "calls", "netsock_calls.c", 150)


# ---------------------------------------------------------------------------
# SO_REUSEPORT: user/tests/netsock_reuseport.c
# ---------------------------------------------------------------------------
RP_RESULT = r"^netsock_reuseport: (\d+) checks, (\d+) failed$"


@test(timeout=120)
def reuseport_local(ctx):
    """4 processes share a TCP and a UDP port on loopback: 64 connections and
    64 datagrams reach each; outsiders get EADDRINUSE; a listener leaving
    hands its share to the rest."""
    exe = glibc_static(ctx, "netsock_reuseport.c", os.path.join(ctx.tmpdir(), "rp"))
    q = ctx.qemu(nets=["none"], add=[f"{exe}:/bin/netsock_reuseport"],
                 append="init=/bin/netsock_reuseport -- local")
    m = q.expect(RP_RESULT, timeout=90)
    ctx.check(int(m.group(1)) >= 16 and m.group(2) == "0", f"on SIS: {m.group(0)}")
    q.expect_exit(0)


@test(timeout=120)
def reuseport_local_linux(ctx):
    exe = native(ctx, "netsock_reuseport.c", os.path.join(ctx.tmpdir(), "rp"))
    r = run_on_linux(ctx, [exe, "local"])
    m = re.search(RP_RESULT, r.stdout, re.M)
    ctx.check(r.returncode == 0 and m and m.group(2) == "0",
              f"on Linux: exit {r.returncode}: {r.stdout[-600:]}")


@test(timeout=150)
def reuseport_hostfwd(ctx):
    """Host curl through hostfwd reaches each of 4 REUSEPORT listeners (40
    connections, each from its own port); host UDP datagrams from 40 ports
    are answered by each of 4 UDP sockets sharing the port."""
    import shutil
    import socket
    curl = shutil.which("curl")
    if not curl:
        ctx.fail("needs curl")
    exe = glibc_static(ctx, "netsock_reuseport.c", os.path.join(ctx.tmpdir(), "rp"))
    tport, tfwd = ctx.hostfwd(8090)
    uport, ufwd = ctx.hostfwd(8090, proto="udp")
    q = ctx.qemu(nets=["user"], hostfwds=[tfwd, ufwd], add=[f"{exe}:/bin/netsock_reuseport"],
                 append="init=/bin/netsock_reuseport -- serve 4 8090")
    q.expect(r"^reuseport: 4 listening$", timeout=60)
    url = f"http://127.0.0.1:{tport}/"
    r = ctx.run_tool([curl, "-s", "--max-time", "60"] + [url] * 40, timeout=90)
    served = re.findall(r"served by (\d)", r.stdout)
    ctx.check(len(served) == 40, f"curl: {len(served)} of 40 answered: {r.stdout[-300:]}")
    ctx.check(set(served) == {"0", "1", "2", "3"},
              f"TCP listeners reached: {sorted(set(served))} ({served})")
    got = []
    for _ in range(40):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(10)
            s.sendto(b"?", ("127.0.0.1", uport))
            got.append(s.recvfrom(64)[0].decode())
    ctx.check(set(got) == {"0", "1", "2", "3"}, f"UDP sockets reached: {sorted(set(got))} ({got})")
