"""Process-layer tests: the scheduler's sleep ktests; test programs from
user/tests/proc_*.c booted as init (their exit status is the result):
system-call argument validation, 200 fork/exec/wait cycles without leaking
a page, faults killing only the faulting process with the right signal,
sleep accuracy, signal frames, job control and memory mappings; Ctrl-C on
the console; and init's exit status becoming the machine's."""
import re

from sistest import test


def run_init(ctx, prog, args="", timeout=None, status=0, mem="128M"):
    """Boot with /bin/PROG as init (and ARGS after --); expect its exit status."""
    append = f"init=/bin/{prog}" + (f" -- {args}" if args else "")
    q = ctx.qemu(append=append, mem=mem)
    q.expect(rf"init: running /bin/{prog} as pid 1", timeout=30)
    q.expect_exit(status, timeout=timeout)
    return q


@test(timeout=30)
def ktest_sched_sleep(ctx):
    q = ctx.qemu(append="ktest=sched-sleep")
    q.expect(r"ktest: schedule_sleep 100 ms took \d+-\d+ us in 5 rounds, returned -110 ",
             timeout=20)
    q.expect_exit(0)


@test(timeout=30)
def ktest_sched_wait(ctx):
    ctx.qemu(append="ktest=sched-wait").expect_exit(0)


@test(timeout=60)
def syscall_errors(ctx):
    q = run_init(ctx, "proc_errors")
    m = re.search(r"^proc_errors: (\d+) checks, (\d+) failures$", q.output, re.M)
    ctx.check(m and int(m.group(1)) > 50 and m.group(2) == "0",
              f"proc_errors: {m.group(0) if m else 'no result line'}")


@test(timeout=60)  # normally about a second
def fork_exec_wait_200_no_leak(ctx):
    q = run_init(ctx, "proc_cycle", "200")
    m = q.expect(r"proc_cycle: 200 of 200 cycles, free memory before (\d+) after (\d+)",
                 timeout=5)
    ctx.check(m.group(1) == m.group(2), f"free memory {m.group(1)} -> {m.group(2)}")


@test(timeout=60)
def fork_exec_wait_16m(ctx):
    """The same cycles on the smallest machine: nothing accumulates."""
    run_init(ctx, "proc_cycle", "50", mem="16M")


@test(timeout=60)
def faults_kill_only_the_child(ctx):
    q = run_init(ctx, "proc_fault")
    out = q.output
    # One log line per fault, naming the process, the signal and the cause.
    for pattern in (r"killed by SIGSEGV: data abort \(permission fault, read\) at 0xffff",
                    r"killed by SIGSEGV: instruction abort \(permission fault\)",
                    r"killed by SIGSEGV: data abort \(translation fault, write\) at 0x0,",
                    r"killed by SIGILL", r"killed by SIGBUS: data abort \(alignment fault"):
        ctx.check(re.search(pattern, out), f"no log line /{pattern}/")
    ctx.check("proc_fault: PASS" in out, "proc_fault did not pass")


@test(timeout=60)
def sleep_accuracy(ctx):
    run_init(ctx, "proc_sleep")


@test(timeout=60)
def signal_frames(ctx):
    run_init(ctx, "proc_sigframe")


@test(timeout=90)
def signals_groups_memory(ctx):
    run_init(ctx, "proc_misc")


@test(timeout=60)
def ctrl_c_foreground_group(ctx):
    q = ctx.qemu(append="init=/bin/proc_sigint")
    q.expect(r"proc_sigint: ready 1", timeout=30)
    q.send("\x03")
    q.expect(r"proc_sigint: handler got SIGINT")
    q.expect(r"proc_sigint: ready 2")
    q.send("\x03")
    q.expect(r"proc_sigint: foreground child killed by SIGINT")
    q.expect_exit(0)


@test(timeout=30)
def init_exit_status(ctx):
    """init's exit status is the machine's; killed by a signal: 128 + signal."""
    run_init(ctx, "proc_cycle", "child", status=7)


@test(timeout=30)
def init_killed_by_signal(ctx):
    q = run_init(ctx, "proc_fault", "null", status=128 + 11)
    q.expect(r"init: proc_fault \(pid 1\) killed by SIGSEGV", timeout=1)


@test(timeout=120)
def out_of_memory(ctx):
    """A program that exhausts memory gets ENOMEM; the kernel keeps going."""
    for mem in ("128M", "16M"):
        q = run_init(ctx, "proc_oom", mem=mem, timeout=30)
        ctx.check(re.search(r"^proc_oom: PASS$", q.output, re.M), f"proc_oom failed with {mem}")


@test(timeout=240)
def syscall_fuzz(ctx):
    """Random system calls (every number 0-449) with hostile arguments from
    throw-away children: the kernel stays up (any panic fails the test) and,
    once every child is gone, MemFree and Slab are back to their values after
    a warm-up (proc_fuzz's leak check), on 128 MiB (1000 x 300 calls) and
    16 MiB (300 x 300)."""
    for mem, args in (("128M", "1000 300"), ("16M", "300 300")):
        q = run_init(ctx, "proc_fuzz", args, mem=mem, timeout=110)
        ctx.check(re.search(r"^proc_fuzz: PASS$", q.output, re.M), f"proc_fuzz failed with {mem}")
