"""Memory management beyond the boundary checks (issue 17).
- tagged_addr: user/tests/mm_tbi.c as init: EL0 top-byte-ignore (tagged
  loads, stores, a tagged copy-on-write fault), PR_SET/GET_TAGGED_ADDR_CTRL
  (EFAULT for tagged syscall pointers until enabled, EINVAL for bad
  arguments, inherited by fork, reset by execve), the untagged si_addr of a
  tagged fault, PR_SET_NAME/PR_GET_NAME.
- calls: user/tests/mm_calls.c (glibc-static, as init): MAP_PRIVATE file
  mappings are copy-on-write views of the file's pages (they see write(2)
  and MAP_SHARED stores until their own write, never write the file; fork,
  mprotect, PROT_NONE, madvise), and 300 map/write/fork/unmap cycles leave
  /proc/net/sis_pools' page and heap counters exactly where they were.
- calls_linux: the same source built natively and run on this Linux host:
  the expectations are Linux's.
"""
import os
import re

from glibc import glibc_static, native, run_on_linux
from sistest import test

RESULT = r"^mm_calls: (\d+) checks, (\d+) failed$"


@test(timeout=60)
def tagged_addr(ctx):
    q = ctx.qemu(append="init=/bin/mm_tbi")
    q.expect(r"init: running /bin/mm_tbi as pid 1", timeout=30)
    q.expect_exit(0, timeout=30)
    ctx.check(re.search(r"^mm_tbi: 0 failed$", q.output, re.M) is not None,
              "mm_tbi reported failures")


@test(timeout=120)
def calls(ctx):
    exe = glibc_static(ctx, "mm_calls.c", os.path.join(ctx.tmpdir(), "mm_calls"), "-DON_SIS")
    q = ctx.qemu(nets=["none"], add=[f"{exe}:/bin/mm_calls"], append="init=/bin/mm_calls")
    m = q.expect(RESULT, timeout=90)
    fails = [ln for ln in q.lines if ln.startswith("FAIL")]
    ctx.check(int(m.group(1)) >= 30 and m.group(2) == "0",
              f"on SIS: {m.group(0)}\n" + "\n".join(fails[:20]))
    q.expect_exit(0)


@test(timeout=120)
def calls_linux(ctx):
    exe = native(ctx, "mm_calls.c", os.path.join(ctx.tmpdir(), "mm_calls"))
    r = run_on_linux(ctx, exe)
    m = re.search(RESULT, r.stdout, re.M)
    ctx.check(r.returncode == 0 and m and m.group(2) == "0",
              f"on Linux: exit {r.returncode}: {r.stdout[-1500:]}")
