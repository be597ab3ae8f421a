"""Dynamic ELF (issue 14): glibc programs built by aarch64-linux-gnu-gcc run
on SIS as they would on Linux. user/tests/dyn_check.c, as a PIE run by
glibc's /lib/ld-linux-aarch64.so.1 (with libc.so.6 and libm.so.6 from
libc6-dev-arm64-cross in the ramdisk) and as a static-pie, checks the
auxiliary vector, dlopen, private and shared file mappings, mremap, madvise
and ASLR (on by default, off for personality(ADDR_NO_RANDOMIZE) and for
the whole boot with `norandmaps`), printing `dyn_check: N checks, M failed`.
"""
import os
import re

from sistest import TestFailure, test

GLIBC = "/usr/aarch64-linux-gnu/lib"
LIBS = [f"{GLIBC}/ld-linux-aarch64.so.1:/lib/ld-linux-aarch64.so.1",
        f"{GLIBC}/libc.so.6:/lib/aarch64-linux-gnu/libc.so.6",
        f"{GLIBC}/libm.so.6:/lib/aarch64-linux-gnu/libm.so.6"]


def program(ctx, name):
    path = os.path.join(ctx.build_dir, "user", name)
    ctx.check(os.path.exists(path), f"{path} not built")
    return f"{path}:/bin/{name}"


def run_check(ctx, prog, append="", args="", libs=True):
    add = [program(ctx, prog)] + (LIBS if libs else [])
    q = ctx.qemu(append=f"{append} init=/bin/{prog}".strip() + (f" -- {args}" if args else ""),
                 add=add)
    m = q.expect(r"^dyn_check: (\d+) checks, (\d+) failed$", timeout=60)
    fails = [ln for ln in q.lines if ln.startswith("FAIL")]
    ctx.check(int(m.group(1)) >= 60, f"only {m.group(1)} checks ran")
    if int(m.group(2)):
        raise TestFailure(f"{m.group(2)} checks failed:\n" + "\n".join(fails[:20]))
    q.expect_exit(0, timeout=20)
    return q


def addrs(ctx, prog, append=""):
    q = ctx.qemu(append=f"{append} init=/bin/{prog} -- --addrs".strip(),
                 add=[program(ctx, prog)] + LIBS)
    m = q.expect(r"^addrs: (.*)$", timeout=60)
    q.expect_exit(0, timeout=20)
    return m.group(1)


@test(timeout=120)
def glibc_pie(ctx):
    """The dynamically linked PIE: ld.so is mapped, AT_BASE is its header."""
    q = run_check(ctx, "dyn_check")
    ctx.check(re.search(r"^auxv: dynamic base=0x[0-9a-f]+ entry=0x[0-9a-f]+$", q.output, re.M),
              "no 'auxv: dynamic' line")


@test(timeout=120)
def static_pie(ctx):
    """The static-pie relocates itself: no interpreter, AT_BASE 0."""
    q = run_check(ctx, "dyn_check_spie", libs=False)
    ctx.check(re.search(r"^auxv: static-pie base=0 entry=0x[0-9a-f]+$", q.output, re.M),
              "no 'auxv: static-pie' line")


@test(timeout=150)
def aslr_and_norandmaps(ctx):
    """Two boots place the program, libc, stack, mmap and heap differently;
    with `norandmaps` two boots (and two executions in one) place them alike."""
    a, b = addrs(ctx, "dyn_check"), addrs(ctx, "dyn_check")
    ctx.check(all(x != y for x, y in zip(a.split(), b.split())),
              f"ASLR: two boots share an address:\n{a}\n{b}")
    a, b = addrs(ctx, "dyn_check", "norandmaps"), addrs(ctx, "dyn_check", "norandmaps")
    ctx.check(a == b, f"norandmaps: two boots differ:\n{a}\n{b}")
    run_check(ctx, "dyn_check", append="norandmaps", args="--norandmaps")
