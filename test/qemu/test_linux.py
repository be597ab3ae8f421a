"""Issue 17: the Linux calls real programs make (credentials, umask, chmod and
chown kept in the inode, sched_getaffinity, prctl, times, clock_getres,
fsync), checked by user/tests/linux_calls.c with raw system calls."""
from sistest import test


@test(timeout=60)
def linux_calls(ctx):
    q = ctx.qemu(append="init=/bin/linux_calls")
    q.expect(r"linux_calls: ok", timeout=30)
    q.expect_exit(0)
