"""The file-system calls of issue 17 item 3 through glibc: user/tests/vfs_calls.c,
built here with Debian's aarch64-linux-gnu-gcc -static (tools/bootstrap installs
libc6-dev-arm64-cross) and booted as init. It checks symbolic and hard links
(lstat, readlink, ELOOP at 41 links, O_NOFOLLOW, O_CREAT through a dangling
link, nlink counts), FIFOs and their open rules (ENXIO, a blocking open meeting
a forked writer), utimensat, statx, preadv/pwritev(2), renameat2, mknodat,
/proc/self and AF_UNIX socket files, each with Linux's errno values."""
import os
import re

from glibc import glibc_static
from sistest import test

RESULT = re.compile(r"^vfs_calls: (\d+) checks, (\d+) failed$", re.M)


@test(timeout=120)
def glibc_calls(ctx):
    exe = glibc_static(ctx, "vfs_calls.c", os.path.join(ctx.tmpdir(), "vfs_calls"))
    q = ctx.qemu(nets=["none"], add=[f"{exe}:/bin/vfs_calls"], append="init=/bin/vfs_calls")
    m = q.expect(RESULT, timeout=60)
    ctx.check(int(m.group(1)) > 230 and m.group(2) == "0",
              f"vfs_calls: {m.group(0)}")
    q.expect_exit(0, timeout=20)
