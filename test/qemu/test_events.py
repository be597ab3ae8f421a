"""Event descriptors: epoll, eventfd, timerfd (user/tests/events.c).

- semantics: /bin/events as init: epoll errnos (EEXIST, ENOENT, EINVAL for
  self-add and non-epoll fds, EBADF, EPERM for a regular file, EFAULT,
  EPOLLEXCLUSIVE rules and wake-ups (one of four sleeping instances per
  write), ELOOP for a cycle and for a chain past the depth
  bound), level/edge/one-shot over a pipe, a blocking wait woken by a
  writer, EPOLLHUP, closing a registered fd removing it, time-outs, nested
  instances; eventfd counter and semaphore, EAGAIN/EINVAL, a blocked read;
  timerfd relative with interval (expiration count), gettime, old value,
  disarm, CLOCK_REALTIME with TFD_TIMER_ABSTIME, a blocking read.
- echo_edge, echo_level: /bin/events srv in edge- and level-triggered mode:
  80 host connections open at once, each sending and reading back 3 rounds
  of data, then closed; the server sees every connection, had them all open
  at once, and exits after a "quit" line.
- cc_headers: tools/cc builds events.c with SIS's sys/epoll.h, sys/eventfd.h
  and sys/timerfd.h and it passes the same checks; a missing header (even
  one glibc has) is "No such file or directory".
"""
import os
import socket
import time

from sistest import TOP, TestFailure, test

RESULT = r"^events: (\d+) checks, (\d+) failed$"
CONNS = 80


@test(timeout=90)
def semantics(ctx):
    q = ctx.qemu(nets=["none"], append="init=/bin/events")
    m = q.expect(RESULT, timeout=60)
    ctx.check(int(m.group(1)) > 60, f"only {m.group(1)} checks ran")
    if int(m.group(2)):
        fails = [ln for ln in q.lines if ln.startswith("FAIL")]
        raise TestFailure(f"{m.group(2)} checks failed:\n" + "\n".join(fails[:20]))
    q.expect_exit(0, timeout=20)


def recv_exact(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise TestFailure(f"connection closed after {len(data)} of {n} bytes")
        data += chunk
    return data


def echo(ctx, mode):
    port, fwd = ctx.hostfwd(7070)
    q = ctx.qemu(nets=["user"], hostfwds=[fwd],
                 append=f"init=/bin/events -- srv 7070 {mode}")
    q.expect(r"^events_srv: ready", timeout=30)
    socks = []
    for i in range(CONNS):
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        socks.append(s)
    for rnd in range(3):
        msgs = [(b"%d:%d:" % (i, rnd)) + bytes([65 + (i + rnd) % 26]) * (100 + 37 * i)
                for i in range(CONNS)]
        for s, m in zip(socks, msgs):
            s.sendall(m)
        for i, (s, m) in enumerate(zip(socks, msgs)):
            got = recv_exact(s, len(m))
            ctx.check(got == m, f"connection {i} round {rnd}: wrong echo")
    for s in socks:
        s.close()
    time.sleep(0.5)
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.sendall(b"quit\n")
    ctx.check(recv_exact(s, 5) == b"quit\n", "quit echo")
    s.close()
    m = q.expect(r"^events_srv: done conns=(\d+) peak=(\d+)", timeout=30)
    ctx.check(int(m.group(1)) == CONNS + 1, f"server saw {m.group(1)} connections")
    ctx.check(int(m.group(2)) >= CONNS, f"only {m.group(2)} open at once")
    q.expect_exit(0, timeout=20)


@test(timeout=120)
def echo_edge(ctx):
    echo(ctx, "et")


@test(timeout=120)
def echo_level(ctx):
    echo(ctx, "lt")


def tools_cc(ctx, *args):
    env = dict(os.environ, SIS_BUILD_DIR=ctx.build_dir)
    return ctx.run_tool([os.path.join(TOP, "tools", "cc"), *args], timeout=120, env=env)


@test(timeout=150)
def cc_headers(ctx):
    """tools/cc: sys/epoll.h, sys/eventfd.h, sys/timerfd.h for picolibc
    programs (events.c built by it runs its checks), and a header SIS does
    not have is "No such file or directory" (no glibc header leaking in)."""
    exe = os.path.join(ctx.tmpdir(), "events_cc")
    r = tools_cc(ctx, "-D_GNU_SOURCE", "-o", exe, os.path.join(TOP, "user/tests/events.c"))
    if r.returncode != 0:
        raise TestFailure(f"tools/cc events.c failed:\n{r.stderr}")
    for hdr in ("linux/types.h", "gnu/stubs.h", "sis_no_such_header.h"):
        src = os.path.join(ctx.tmpdir(), "missing.c")
        with open(src, "w") as f:
            f.write(f"#include <{hdr}>\nint main(void) {{ return 0; }}\n")
        r = tools_cc(ctx, "-c", "-o", src + ".o", src)
        ctx.check(r.returncode != 0 and f"{hdr}: No such file or directory" in r.stderr,
                  f"<{hdr}>: {r.stderr.strip()[:300]}")
    q = ctx.qemu(nets=["none"], add=[f"{exe}:/bin/events_cc"], append="init=/bin/events_cc")
    m = q.expect(RESULT, timeout=60)
    ctx.check(int(m.group(2)) == 0, f"{m.group(2)} checks failed in the tools/cc build")
    q.expect_exit(0, timeout=20)
