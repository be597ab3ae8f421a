"""The user/kernel boundary, process side (issue 11): /bin/bound_proc booted
as init, one subcommand per class of attack (user/tests/bound_proc.c). Each
test fails on a panic (sistest), a hang (timeout) or a FAIL line."""
from sistest import DEFAULT_EXPECT_TIMEOUT, test


def bound(ctx, case, mem="128M", nets=("none",), timeout=DEFAULT_EXPECT_TIMEOUT):
    q = ctx.qemu(append=f"init=/bin/bound_proc -- {case}", mem=mem, nets=list(nets))
    q.expect(r"init: running /bin/bound_proc as pid 1", timeout=30)
    q.expect(rf"bound_proc: {case}: PASS", timeout=timeout)
    q.expect_exit(0)
    return q


@test(timeout=120)
def exit_parent_uaf(ctx):
    """C lingers in its exit while its parent P exits and is reaped (its page
    reused): C's exit notifies init, which reaps it; no panic."""
    q = bound(ctx, "exit_parent_uaf", mem="64M", timeout=90)
    ctx.check("still lingers" in q.output, "the lingering child never got going")


@test(timeout=60)
def exit_child_of_lingering(ctx):
    """P lingers in its exit while its child exits: the zombie goes to init
    with P's other children and init reaps both."""
    bound(ctx, "exit_child_of_lingering", timeout=30)


@test(timeout=60)
def vfork_parent_killable(ctx):
    """A vfork parent whose child never lets go dies of SIGKILL; the child's
    later exit touches only a parent it still holds a reference on."""
    bound(ctx, "vfork_kill", mem="64M", timeout=40)


@test(timeout=60)
def init_unkillable(ctx):
    """kill(1, SIGKILL/SIGSTOP/...) and clone exit signals at their default
    action neither end nor stop init (which would take the machine)."""
    bound(ctx, "init_unkillable", timeout=30)


@test(timeout=60)
def sigreturn_restart_x0(ctx):
    """rt_sigreturn restores x0 = -512/-514 and pc untouched (also nested);
    SA_RESTART restarts still happen."""
    bound(ctx, "sigreturn_x0", timeout=40)


@test(timeout=90)
def itimer_storm(ctx):
    """A 1 us periodic ITIMER_REAL: rounded up to a tick, no interrupt storm,
    a sibling's sleeps keep their pace, CPU time charged is sane."""
    bound(ctx, "itimer_storm", timeout=60)


@test(timeout=60)
def sem_rmid_sleepers(ctx):
    """IPC_RMID on a set with three semop sleepers, its memory reused at once:
    each sleeper gets EIDRM, and the set is freed only after the last one
    left its wait queue (it once walked the freed queue: a hang)."""
    bound(ctx, "sem_rmid_sleepers", timeout=40)
