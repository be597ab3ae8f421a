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
import re

from glibc import sis_and_linux
from sistest import test

@test(timeout=60)
def tagged_addr(ctx):
    q = ctx.qemu(append="init=/bin/mm_tbi")
    q.expect(r"init: running /bin/mm_tbi as pid 1", timeout=30)
    q.expect_exit(0, timeout=30)
    ctx.check(re.search(r"^mm_tbi: 0 failed$", q.output, re.M) is not None,
              "mm_tbi reported failures")


sis_and_linux(__name__, "calls", "mm_calls.c", 29)
