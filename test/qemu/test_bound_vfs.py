"""The VFS and the console hold against an unprivileged program (issue 11):
/bin/bound_vfs (user/tests/bound_vfs.c) runs as init, one case per boot, and
prints "bound_vfs.CASE: N checks, M failed"; free memory and the kernel heap
(/proc/meminfo) must come back to their values before each case.
- deep_parent_chain: 10000 nested directories removed bottom-up under an open
  descriptor, then the descriptor closed (the parents are freed in a loop);
  getcwd at that depth is ENAMETOOLONG, renaming the top into it EINVAL.
- removed_dir: a removed directory (cwd or descriptor) refuses every new
  entry with ENOENT, getcwd and getdents64 give ENOENT, st_nlink is 0, and
  leaving it frees it (base: the open O_CREAT worked, then chdir panicked).
- siblings: rename/rmdir/unlink errors, link counts, unlinked and truncated
  open files, a directory removed under another process, NAME_MAX/PATH_MAX.
- fill: 1 MiB files until ENOSPC; the kernel keeps a reserve (fork works)
  and removing them gives everything back.
- names: empty files and directories until ENOSPC on a 32 MiB machine:
  inodes and names count against the same budget; all of it comes back.
- pipes: 24 processes make pipes until refused: past 1/8 of RAM in rings
  pipe2 is ENFILE (new pipes past 1/16 get a one-page ring, still working),
  free memory stays, and everything comes back once they exit.
- tty_long_write: 1 MiB written to the console in one write() while another
  process sleeps 10 ms at a time: its wake-ups stay on time (the write
  gives up the CPU between chunks and stops early for a signal).
- tty_full_queue: 5 lines of 1000 bytes typed while nothing reads overflow
  the console's read queue; every line read back still ends in its newline
  and no phantom line stays readable; bytes typed in raw mode read as one
  line once canonical mode is back (base: the line count wrapped); with
  VINTR, VEOF and VERASE set to 0 (disabled) a typed NUL byte is data.
"""
import re

from sistest import DEFAULT_EXPECT_TIMEOUT, TestFailure, test

RESULT = r"^bound_vfs\.(\w+): (\d+) checks, (\d+) failed$"


def boot(ctx, case, args="", mem="128M"):
    append = f"init=/bin/bound_vfs -- {case}" + (f" {args}" if args else "")
    return ctx.qemu(append=append, mem=mem)


def finish(ctx, q, timeout=DEFAULT_EXPECT_TIMEOUT):
    """The result line must report checks and no failure; then exit 0."""
    m = q.expect(RESULT, timeout=timeout)
    failed = int(m.group(3))
    if failed or int(m.group(2)) < 3:
        fails = [ln for ln in q.lines if ln.startswith("FAIL")]
        raise TestFailure(f"{m.group(0)}:\n" + "\n".join(fails[:20]))
    q.expect_exit(0, timeout=20)


@test(timeout=180)
def deep_parent_chain(ctx):
    finish(ctx, boot(ctx, "deep", "10000"), timeout=150)


@test(timeout=60)
def removed_dir(ctx):
    finish(ctx, boot(ctx, "removed"), timeout=40)


@test(timeout=90)
def siblings(ctx):
    finish(ctx, boot(ctx, "siblings"), timeout=60)


@test(timeout=120)
def fill(ctx):
    finish(ctx, boot(ctx, "fill"), timeout=100)


@test(timeout=240)
def names(ctx):
    finish(ctx, boot(ctx, "names", mem="32M"), timeout=220)


@test(timeout=120)
def pipes(ctx):
    finish(ctx, boot(ctx, "pipes"), timeout=100)


@test(timeout=120)
def tty_long_write(ctx):
    finish(ctx, boot(ctx, "ttywrite"), timeout=100)


@test(timeout=90)
def tty_full_queue(ctx):
    q = boot(ctx, "tty")
    q.expect(r"^tty: fill$", timeout=40)
    q.send(("a" * 1000 + "\n") * 5)
    m = q.expect(r"^tty: (-?\d+) bytes queued$", timeout=40)
    ctx.check(re.match(r"\d+$", m.group(1)), f"FIONREAD failed: {m.group(0)}")
    q.expect(r"^tty: again$", timeout=20)
    q.send("ok\n")
    q.expect(r"^tty: raw\r?$", timeout=20)
    q.send("r\n")
    q.expect(r"^tty: nul$", timeout=20)
    q.send(b"a\x00b\n")
    finish(ctx, q, timeout=20)
