"""AF_UNIX SCM_RIGHTS at its bounds (user/tests/bound_unix.c booted as init):
a 2000-deep chain of sockets in flight inside each other is released
without recursion; cycles of sockets in flight are collected (the kernel's
sockets and heap come back to their baseline) while a reachable one is kept;
recvmsg whose results cannot be written leaves no descriptor installed; the
files in flight are capped with ETOOMANYREFS; a queue's bound counts each
message's cost (empty datagrams, one-byte writes), and a blocked datagram
sender sleeps until its message fits."""
from sistest import test


def run_bound(ctx, args, timeout=60):
    q = ctx.qemu(append=f"init=/bin/bound_unix -- {args}", mem="128M")
    q.expect(r"init: running /bin/bound_unix as pid 1", timeout=30)
    q.expect(rf"bound_unix: {args.split()[0]} PASS", timeout=timeout)
    q.expect_exit(0, timeout=10)
    return q


@test(timeout=120)
def scm_chain_2000(ctx):
    run_bound(ctx, "chain 2000", timeout=90)


@test(timeout=120)
def scm_cycles_freed(ctx):
    run_bound(ctx, "cycles 20", timeout=90)


@test(timeout=60)
def recvmsg_efault(ctx):
    run_bound(ctx, "efault")


@test(timeout=120)
def scm_inflight_cap(ctx):
    q = run_bound(ctx, "cap", timeout=90)
    ctx.check("4096 files in flight at the cap" in q.output, "cap not at 4096 files")


@test(timeout=120)
def queue_memory_bounded(ctx):
    run_bound(ctx, "queue", timeout=90)


@test(timeout=180)
def scm_fuzz(ctx):
    """Random graphs of sockets in flight: nothing reachable is collected,
    everything comes back at the end (three seeds)."""
    for seed in (1, 2, 3):
        run_bound(ctx, f"fuzz {seed} 100000", timeout=50)
