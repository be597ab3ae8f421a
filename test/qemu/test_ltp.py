"""What LTP's system-call tests (tools/ltp) found different from Linux, checked
without LTP: user/tests/ltp_calls.c (glibc-static) booted as init checks
uname -r (Linux-style, the ABI level), /proc/config.gz through zcat, the
passwd/group entries LTP's tests look up, setreuid/setregid, F_GETLK's choice of
lock and F_SETLKW's EDEADLK."""
from sistest import TestFailure, test


@test(timeout=60)
def ltp_calls(ctx):
    q = ctx.qemu(append="init=/bin/ltp_calls")
    m = q.expect(r"^ltp_calls: (\d+) checks, (\d+) failed$", timeout=40)
    fails = [ln for ln in q.lines if ln.startswith("FAIL")]
    ctx.check(int(m.group(1)) >= 20, f"only {m.group(1)} checks ran")
    if int(m.group(2)):
        raise TestFailure(f"{m.group(2)} checks failed:\n" + "\n".join(fails[:20]))
    q.expect_exit(0, timeout=20)
