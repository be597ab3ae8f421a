"""The memory side of the user/kernel boundary (issue 11), user/tests/bound_mm.c
booted as init, one case per test:
- prot_none_reserve: PROT_NONE pages 2 MiB apart (a page table each) stop at
  the process's page-table cap with ENOMEM, not when the machine runs dry:
  pipe2, fork, fork+exec of the shell and signal delivery still work in the
  hog and beside it; munmap gives the tables back, exit everything (128 and
  16 MiB guests).
- kernel_pointers: kernel-half pointers and ranges straddling the top of user
  space are refused (EFAULT/EINVAL/ENOMEM) and never alias a user address
  (clone CHILD_SETTID/PARENT_SETTID, read, write, execve, mmap, ...).
- rlimit_as: RLIMIT_AS through getrlimit/setrlimit/prlimit64 bounds mmap and
  brk with ENOMEM, MAP_FIXED counts only growth, children inherit it.
- mprotect_enomem: an mprotect that runs out of memory changes nothing.
- shared_anon: MAP_SHARED anonymous pages are shared with a fork child
  (stores, read() into them, after mprotect), MAP_PRIVATE stays COW, no leak.
- many_maps: 40,000 hint-less one-page mmaps are fast (no n^2 search), a
  hole is found again, all is given back.
- stack_guard: ktest=stack-guard recurses in a kernel task until its stack
  hits the unmapped guard below it: the machine stops with a panic that names
  a kernel stack overflow in that task and shows a backtrace through the
  recursion (the handler ran on the emergency stack), exit status 99.
"""
import re

from sistest import test


def run_case(ctx, case, mem="128M", timeout=60):
    q = ctx.qemu(append=f"init=/bin/bound_mm -- {case}", mem=mem)
    q.expect(r"init: running /bin/bound_mm as pid 1", timeout=30)
    q.expect_exit(0, timeout=timeout)
    ctx.check(f"bound_mm: {case} PASS" in q.output, f"bound_mm {case} failed on {mem}")
    return q


@test(timeout=150)
def prot_none_reserve(ctx):
    for mem in ("128M", "16M"):
        run_case(ctx, "prot_none", mem=mem)


@test(timeout=60)
def kernel_pointers(ctx):
    run_case(ctx, "kptr")


@test(timeout=60)
def rlimit_as(ctx):
    run_case(ctx, "rlimit_as")


@test(timeout=60)
def mprotect_enomem(ctx):
    run_case(ctx, "mprotect")


@test(timeout=60)
def shared_anon(ctx):
    run_case(ctx, "shared")


@test(timeout=60)
def many_maps(ctx):
    run_case(ctx, "many_maps", timeout=40)


@test(timeout=40)
def stack_guard(ctx):
    q = ctx.qemu(append="ktest=stack-guard", allow_panic=True, nets=["none"])
    q.expect(r"KERNEL PANIC: kernel stack overflow in task overflow", timeout=30)
    status = q.wait(timeout=30)
    out = q.output
    ctx.check(status == 99, f"exit status {status}, want 99 (panic)")
    trace = out[out.find("Backtrace:"):] if "Backtrace:" in out else ""
    ctx.check(len(re.findall(r"recurse", trace)) >= 8,
              "no backtrace through the recursion after the overflow report")
    ctx.check("ran again" not in out and "recursion returned" not in out,
              "the overflowing task went on")
